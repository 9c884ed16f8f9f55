// The reference answer for the proof jobs: per-key tumbling-window count and sum computed
// straight from the input records (no Sluice code involved), and the comparison of what a job
// produced against it, in records lost and records counted twice.

import type { RawRecord } from '../../../src/core/record.js';

/** One window's aggregates, as the proof jobs name them. */
export interface WindowTotals {
  readonly events: number;
  /** Sum of `price` (records without a numeric price add nothing). */
  readonly revenue: number;
}

/** Windows by `${key}|${startMs}` — the key the window node gives its output records. */
export type WindowTable = Map<string, WindowTotals>;

export interface OracleInput {
  /** Field holding the window key; undefined = the Kafka record key. */
  readonly keyField?: string;
  readonly timestampField: string;
  readonly sizeMs: number;
}

export interface OracleResult {
  readonly windows: WindowTable;
  /** Records aggregated. */
  readonly records: number;
  /** Records that no window takes (not JSON, no key, no timestamp): the job dead-letters them. */
  readonly skipped: number;
}

/**
 * Aggregates records in the order given; pass each partition's records in offset order, so the
 * float sums add in the job's order and compare exactly.
 */
export function windowOracle(records: Iterable<RawRecord>, input: OracleInput): OracleResult {
  const acc = new Map<string, { events: number; revenue: number }>();
  let count = 0;
  let skipped = 0;
  for (const record of records) {
    let value: unknown;
    try {
      value = JSON.parse(record.value?.toString('utf8') ?? '');
    } catch {
      skipped++;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      skipped++;
      continue;
    }
    const fields = value as Record<string, unknown>;
    const rawKey =
      input.keyField === undefined ? record.key?.toString('utf8') : fields[input.keyField];
    const ts = fields[input.timestampField];
    if (typeof rawKey !== 'string' || typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0) {
      skipped++;
      continue;
    }
    const startMs = Math.floor(ts / input.sizeMs) * input.sizeMs;
    const id = `${rawKey}|${startMs}`;
    let window = acc.get(id);
    if (!window) {
      window = { events: 0, revenue: 0 };
      acc.set(id, window);
    }
    window.events++;
    const price = fields['price'];
    if (typeof price === 'number') window.revenue += price;
    count++;
  }
  return { windows: acc, records: count, skipped };
}

export interface WindowComparison {
  readonly expectedWindows: number;
  readonly observedWindows: number;
  /** Sum over windows of (expected count − observed count) where the job has fewer. */
  readonly lost: number;
  /** Sum over windows of (observed count − expected count) where the job has more. */
  readonly doubleCounted: number;
  readonly missingWindows: number;
  readonly unexpectedWindows: number;
  /** Windows whose counts agree but whose revenue differs by more than 1e-6. */
  readonly revenueMismatches: number;
  /** A few differing windows, for the failure message. */
  readonly examples: readonly string[];
}

/** Compares observed windows to the oracle's. */
export function compareWindows(expected: WindowTable, observed: WindowTable): WindowComparison {
  let lost = 0;
  let doubleCounted = 0;
  let missingWindows = 0;
  let unexpectedWindows = 0;
  let revenueMismatches = 0;
  const examples: string[] = [];
  const note = (text: string): void => {
    if (examples.length < 10) examples.push(text);
  };
  for (const [id, want] of expected) {
    const got = observed.get(id);
    if (!got) {
      missingWindows++;
      lost += want.events;
      note(`${id}: missing (expected ${want.events})`);
      continue;
    }
    if (got.events < want.events) lost += want.events - got.events;
    if (got.events > want.events) doubleCounted += got.events - want.events;
    if (got.events !== want.events) {
      note(`${id}: events ${got.events}, expected ${want.events}`);
    } else if (Math.abs(got.revenue - want.revenue) > 1e-6) {
      revenueMismatches++;
      note(`${id}: revenue ${got.revenue}, expected ${want.revenue}`);
    }
  }
  for (const [id, got] of observed) {
    if (expected.has(id)) continue;
    unexpectedWindows++;
    doubleCounted += got.events;
    note(`${id}: unexpected window with ${got.events} events`);
  }
  return {
    expectedWindows: expected.size,
    observedWindows: observed.size,
    lost,
    doubleCounted,
    missingWindows,
    unexpectedWindows,
    revenueMismatches,
    examples,
  };
}

/** One line for logs: `lost = 0, double-counted = 0, …`. */
export function formatComparison(label: string, c: WindowComparison): string {
  return (
    `${label}: windows ${c.observedWindows}/${c.expectedWindows}, lost = ${c.lost}, ` +
    `double-counted = ${c.doubleCounted}, missing windows ${c.missingWindows}, ` +
    `unexpected windows ${c.unexpectedWindows}, revenue mismatches ${c.revenueMismatches}`
  );
}
