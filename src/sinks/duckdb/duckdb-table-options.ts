// What a `to-duckdb` node asks of its table, and the names Sluice adds to every sink table.
// Free of the DuckDB library, so loading a job file does not load the native binding.

import type { JsonObject } from '../../core/record.js';
import type { DuckdbColumnType } from './duckdb-column-type.js';

export interface DuckdbTableOptions {
  /** Table name in the `main` schema: `[a-z][a-z0-9_]*`. */
  readonly table: string;
  /** Fixed columns (field name → type); undefined = derived from the records' fields. */
  readonly columns?: Readonly<Record<string, DuckdbColumnType>>;
  /**
   * Columns identifying one logical row: the view `<table>_latest` keeps its newest version
   * (highest `_seq`). Undefined = `key, startMs` when the table has both (window results);
   * empty = no view.
   */
  readonly latestBy?: readonly string[];
}

/** A record value waiting to be appended, with the wall-clock time (epoch ms) the sink got it. */
export interface DuckdbRow {
  readonly value: JsonObject;
  readonly ingestedMs: number;
}

/** Append order across the table's whole life (continues after a restart). BIGINT. */
export const SEQ_COLUMN = '_seq';
/** Wall-clock time the sink received the record (TIMESTAMP, UTC). */
export const INGESTED_AT_COLUMN = '_ingested_at';
/** Default `latestBy` for window results `{key, startMs, endMs, ...}`. */
export const WINDOW_LATEST_BY: readonly string[] = ['key', 'startMs'];

/** The view keeping the newest version of each row: `<table>_latest`. */
export function latestViewName(table: string): string {
  return `${table}_latest`;
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Every problem with the options of a node (empty = fine), checked when the job loads. */
export function duckdbTableProblems(options: DuckdbTableOptions): string[] {
  const problems: string[] = [];
  if (!TABLE_NAME.test(options.table)) {
    problems.push(`table "${options.table}" must match ${TABLE_NAME.source}`);
  }
  const reserved = new Set([SEQ_COLUMN, INGESTED_AT_COLUMN]);
  const seen = new Set<string>();
  for (const column of Object.keys(options.columns ?? {})) {
    const folded = column.toLowerCase();
    if (column.trim() === '') problems.push('a column name is empty');
    else if (reserved.has(folded)) problems.push(`column "${column}" is reserved by Sluice`);
    else if (seen.has(folded)) {
      problems.push(`columns differ only in case at "${column}" (DuckDB names ignore case)`);
    }
    seen.add(folded);
  }
  for (const column of options.latestBy ?? []) {
    if (options.columns !== undefined && !seen.has(column.toLowerCase())) {
      problems.push(`latestBy column "${column}" is not among the declared columns`);
    } else if (column.trim() === '') problems.push('a latestBy column is empty');
  }
  return problems;
}
