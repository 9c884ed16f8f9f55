// What the recs-items node stores, keyed by item id: counts, co-occurrence neighbours and the
// decayed trending count; plus, per task, a meta entry (totals, config) and top-k trending lists.

import type { JsonObject, JsonValue } from '../../core/record.js';
import type { NeighbourCount } from './neighbour-counts.js';
import type { ScoredId } from './top-k-list.js';

/** One item (plain JSON). Pair weights: see PairCounts. */
export interface StoredItemState {
  /** Category, '' until an event with one arrives. */
  c: string;
  /** Events seen for the item (all types). */
  e: number;
  /** Total weight of pairs item → anything (the antecedent marginal). */
  o: number;
  /** Total weight of pairs anything → item (the consequent marginal). */
  i: number;
  /** Trending: decayed event weight as of `t`. */
  g: number;
  /** Trending reference event time, epoch ms. */
  t: number;
  /** Items viewed after this one, with pair weights (bounded; see neighbour-counts). */
  n: NeighbourCount[];
}

/** One task's totals and the recommender config, under META_KEY. */
export interface ItemsMeta {
  /** Total pair weight counted by this task (its share of the LLR table's total). */
  pairs: number;
  /** Events counted by this task. */
  events: number;
  /** Largest event time this task has seen, epoch ms (0 before any). */
  refMs: number;
  /** Categories with a trending list in this task (at most the node's maxCategories). */
  categories: string[];
  /** RecommenderConfig as configured on the node. */
  config: JsonObject;
}

/** Keys that cannot clash with item ids: they start with NUL. */
export const META_KEY = '\u0000meta';
/** Key of a task's overall trending list (log scores, see decayedLogScore). */
export const TOP_ALL_KEY = '\u0000top';

/** Key of a task's trending list for one category. */
export function topCategoryKey(category: string): string {
  return `\u0000top\u0000${category}`;
}

export function newItemState(): StoredItemState {
  return { c: '', e: 0, o: 0, i: 0, g: 0, t: 0, n: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A stored item, or undefined if the value is not one (absent, or another format). */
export function asItemState(value: unknown): StoredItemState | undefined {
  if (!isRecord(value) || !Array.isArray(value['n']) || typeof value['o'] !== 'number') {
    return undefined;
  }
  return value as unknown as StoredItemState;
}

/** A stored meta entry, or undefined. */
export function asItemsMeta(value: unknown): ItemsMeta | undefined {
  if (
    !isRecord(value) ||
    typeof value['pairs'] !== 'number' ||
    !Array.isArray(value['categories'])
  ) {
    return undefined;
  }
  return value as unknown as ItemsMeta;
}

/** A stored trending list, or an empty list. */
export function asTopList(value: unknown): ScoredId[] {
  if (!Array.isArray(value)) return [];
  return (value as JsonValue[]).filter(
    (e): e is [string, number] =>
      Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number',
  );
}
