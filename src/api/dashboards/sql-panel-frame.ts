// Turns a SQL panel's query result (or its failure) into the frame the page draws: columns map
// to the chart by position, values are made JSON-safe, and a table that no job has written yet
// is an empty state rather than an error.

import type { Cell, PanelFrame } from './dashboard-frame.js';
import type { SqlPanelSpec, SqlResult } from './dashboard-spec.js';

/** DuckDB's message for a table that does not exist (yet). */
const MISSING_TABLE = /Table with name "?([\w.]+)"? does not exist/i;

/** The frame for a successful query: line (time + series), bars, number or table. */
export function sqlPanelFrame(panel: SqlPanelSpec, result: SqlResult): PanelFrame {
  const rows = result.rows.map((row) => row.map(toCell));
  const columns = result.columns.map((c) => c.name);
  if (panel.chart === 'number') {
    const cell = rows[0]?.[0] ?? null;
    const value = cell === null ? null : Number(cell);
    if (value !== null && !Number.isFinite(value)) {
      return {
        kind: 'error',
        message: `expected a number in the first column, got ${String(cell)}`,
      };
    }
    return { kind: 'number', value };
  }
  if (rows.length === 0) return { kind: 'empty', message: 'No rows yet' };
  if (panel.chart === 'table') {
    return { kind: 'table', columns, rows: rows.slice(0, panel.limit) };
  }
  if (panel.chart === 'bar') {
    if (columns.length < 2) return needColumns('bar', 'a label and a value');
    const top = rows.slice(0, panel.limit);
    return {
      kind: 'bars',
      labels: top.map((r) => String(r[0] ?? '')),
      values: top.map((r) => toNumber(r[1]) ?? 0),
    };
  }
  if (columns.length < 2) return needColumns('line', 'a time (epoch ms) and a value');
  const points = rows
    .map((r) => ({ timeMs: toTimeMs(r[0] ?? null), values: r.slice(1).map(toNumber) }))
    .filter((p): p is { timeMs: number; values: Array<number | null> } => p.timeMs !== undefined)
    .sort((a, b) => a.timeMs - b.timeMs);
  return {
    kind: 'series',
    timesMs: points.map((p) => p.timeMs),
    series: columns.slice(1, 1 + panel.limit).map((name, i) => ({
      name,
      values: points.map((p) => p.values[i] ?? null),
    })),
  };
}

/** The frame for a failed query: an empty state for a missing table, else the message. */
export function sqlErrorFrame(err: unknown): PanelFrame {
  const message = err instanceof Error ? err.message : String(err);
  const missing = MISSING_TABLE.exec(message);
  if (missing !== null) {
    return {
      kind: 'empty',
      message: `No data yet: table ${missing[1] ?? ''} does not exist. It appears once the job that writes it (a to-duckdb sink) has run.`,
    };
  }
  return { kind: 'error', message: message.split('\n')[0] ?? message };
}

/** The frame of every SQL panel when the instance has no SQL engine. */
export const SQL_UNAVAILABLE: PanelFrame = {
  kind: 'empty',
  message: 'SQL not available: this instance runs without DuckDB, so SQL panels have no data.',
};

function needColumns(chart: string, what: string): PanelFrame {
  return { kind: 'error', message: `a ${chart} panel's query returns ${what}` };
}

/** A JSON-safe cell: bigints as numbers (strings beyond 2^53), lists joined, objects as text. */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => String(toCell(v))).join(', ');
  if (typeof value === 'object') {
    const items = (value as { items?: unknown }).items;
    if (Array.isArray(items)) return items.map((v) => String(toCell(v))).join(', ');
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- DuckDB values print themselves
    return String(value);
  }
  return null;
}

function toNumber(cell: Cell | undefined): number | null {
  if (cell === null || cell === undefined || cell === '') return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : null;
}

function toTimeMs(cell: Cell): number | undefined {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'string') {
    const n = Number(cell);
    if (Number.isFinite(n)) return n;
    const parsed = Date.parse(
      cell.includes('T') || cell.endsWith('Z') ? cell : `${cell.replace(' ', 'T')}Z`,
    );
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
