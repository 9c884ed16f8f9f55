// The records recs-history forwards to recs-items (through a key-by on item_id): one per event,
// keyed by its item, and one per co-occurrence pair, keyed by the earlier item.

import type { JsonObject, JsonValue } from '../../core/record.js';
import type { ActivityEvent } from './activity-event.js';

/** Fields of the forwarded records; `item_id` is what the key-by between the nodes reads. */
export const PAIR_RECORD_FIELDS = {
  item: 'item_id',
  /** Pair records: the item viewed after `item_id`. */
  next: 'paired_item_id',
  /** Pair records: the pair's weight. */
  weight: 'pair_weight',
  /** Event records: total weight of the pairs this view yielded (its consequent count). */
  inWeight: 'pair_in_weight',
} as const;

/** `{item_id: antecedent, paired_item_id: next, pair_weight}`. */
export function pairRecordValue(antecedent: string, next: string, weight: number): JsonObject {
  return {
    [PAIR_RECORD_FIELDS.item]: antecedent,
    [PAIR_RECORD_FIELDS.next]: next,
    [PAIR_RECORD_FIELDS.weight]: weight,
  };
}

/** `{item_id, category, event_type, session_id?, pair_in_weight}` for the item node. */
export function itemEventValue(event: ActivityEvent, inWeight: number): JsonObject {
  const value: JsonObject = {
    [PAIR_RECORD_FIELDS.item]: event.itemId,
    category: event.category,
    event_type: event.type,
    [PAIR_RECORD_FIELDS.inWeight]: inWeight,
  };
  if (event.sessionId !== undefined) value['session_id'] = event.sessionId;
  return value;
}

/** The pair in a record value, or undefined if it is not a pair record. */
export function readPair(value: JsonObject): { next: string; weight: number } | undefined {
  const next: JsonValue | undefined = value[PAIR_RECORD_FIELDS.next];
  if (typeof next !== 'string') return undefined;
  const weight = value[PAIR_RECORD_FIELDS.weight];
  return { next, weight: typeof weight === 'number' && weight > 0 ? weight : 1 };
}

/** An event record's consequent weight (0 when absent: a record not from recs-history). */
export function readInWeight(value: JsonObject): number {
  const w = value[PAIR_RECORD_FIELDS.inWeight];
  return typeof w === 'number' && w > 0 ? w : 0;
}
