// The last N fraud alerts of a task, kept in a key-value store as a ring of slots (one key per
// alert, so a commit writes only the new alerts to the changelog) for GET /fraud/alerts.

import type { JsonObject } from '../../core/record.js';
import type { KeyValueStore } from '../../core/store.js';

/** A `fraud-alerts` event (the output contract; key = account_id). */
export interface FraudAlert {
  txn_id: string;
  account_id: string;
  card_id: string;
  /** In [0, 1]. */
  score: number;
  reasons: string[];
  /** The payment's event time, epoch ms. */
  ts: number;
  /** Wall-clock time the alert was made, epoch ms. */
  emitted_at: number;
}

/** A store value: the ring's head, or one slot. */
export type StoredAlertEntry = { next: number } | { seq: number; alert: FraudAlert };

const HEAD_KEY = 'head';

function slotKey(slot: number): string {
  return `slot-${slot}`;
}

/**
 * How the query API reads the alert store: each slot is one row whose `[startMs, endMs)` is
 * `[emitted_at, emitted_at + 1)`, so a range `[since, …)` keeps alerts emitted at or after
 * `since`. The head entry has no row.
 */
export function fraudAlertRows(
  key: string,
  value: unknown,
  fromMs?: number,
  toMs?: number,
): JsonObject[] {
  if (typeof value !== 'object' || value === null || !('alert' in value)) return [];
  const { seq, alert } = value as { seq: number; alert: FraudAlert };
  const at = alert.emitted_at;
  if ((fromMs !== undefined && at < fromMs) || (toMs !== undefined && at >= toMs)) return [];
  return [{ key, startMs: at, endMs: at + 1, seq, ...alert }];
}

/** Appends alerts to a bounded ring in the task's alert store. */
export class FraudAlertLog {
  private next: number;

  private constructor(
    private readonly store: KeyValueStore<StoredAlertEntry>,
    /** Slots in the ring: the number of recent alerts kept per task. */
    private readonly keep: number,
  ) {
    const head = store.get(HEAD_KEY);
    this.next = head !== undefined && 'next' in head ? head.next : 0;
  }

  /** Opens the ring (loads its head, restored by the runtime before `init`). */
  static async open(store: KeyValueStore<StoredAlertEntry>, keep: number): Promise<FraudAlertLog> {
    await store.prefetch([HEAD_KEY]);
    return new FraudAlertLog(store, keep);
  }

  /** Stores `alert`, overwriting the oldest once `keep` alerts are stored. */
  append(alert: FraudAlert): void {
    const seq = this.next++;
    this.store.put(slotKey(seq % this.keep), { seq, alert });
    this.store.put(HEAD_KEY, { next: this.next });
  }
}
