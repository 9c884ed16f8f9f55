// The recs-items node (records keyed by item_id, after a key-by): per item, co-occurrence
// neighbours and marginals, event counts and a decayed trending count; per task, the total pair
// weight and top-k trending lists overall and per category. Everything lands in one store.

import { SluiceError } from '../../core/errors.js';
import type { Processor, ProcessorContext, StoreDeclaration } from '../../core/processor.js';
import type { JsonObject, StreamRecord } from '../../core/record.js';
import type { KeyValueStore } from '../../core/store.js';
import { readActivityEvent, type ActivityType } from './activity-event.js';
import { decayedAdd, decayedLogScore } from './decayed-count.js';
import {
  asItemsMeta,
  asTopList,
  META_KEY,
  newItemState,
  TOP_ALL_KEY,
  topCategoryKey,
  type ItemsMeta,
  type StoredItemState,
} from './item-state.js';
import { addNeighbourWeight } from './neighbour-counts.js';
import { readInWeight, readPair } from './pair-record.js';
import type { RecommenderConfig } from './recommender-config.js';
import { offerTopK, type ScoredId } from './top-k-list.js';

export interface ItemStatsProcessorOptions {
  readonly storeName: string;
  /** Neighbour counters kept per item (Space-Saving beyond that). */
  readonly neighbours: number;
  /** Trending: half-life of an event's weight (ms of event time). */
  readonly halfLifeMs: number;
  /** Trending: items kept per list and task (overall and per category). */
  readonly topK: number;
  /** Trending: categories with their own list per task; further ones count overall only. */
  readonly maxCategories: number;
  /** Trending weight of each event type (0 = not counted). */
  readonly eventWeights: Readonly<Record<ActivityType, number>>;
  /** Query-time settings, stored in the meta entry for the API (halfLifeMs is this node's). */
  readonly recommend: Omit<RecommenderConfig, 'halfLifeMs'>;
}

export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<ActivityType, number>> = {
  view: 1,
  add_to_cart: 1,
  purchase: 1,
};

function validate(o: ItemStatsProcessorOptions): void {
  const fail = (field: string, message: string): never => {
    throw new SluiceError('JOB_INVALID', `${field} ${message}`, { context: { field } });
  };
  if (!Number.isSafeInteger(o.neighbours) || o.neighbours < 1) fail('neighbours', 'must be ≥ 1');
  if (!(o.halfLifeMs > 0)) fail('trending.halfLife', 'must be > 0');
  if (!Number.isSafeInteger(o.topK) || o.topK < 1) fail('trending.topK', 'must be ≥ 1');
  if (!Number.isSafeInteger(o.maxCategories) || o.maxCategories < 0) {
    fail('trending.maxCategories', 'must be ≥ 0');
  }
  for (const [type, w] of Object.entries(o.eventWeights)) {
    if (!(w >= 0 && Number.isFinite(w))) fail(`trending.weights.${type}`, 'must be ≥ 0');
  }
}

/**
 * Per record (key = item id): a pair record (`paired_item_id`) adds its weight to the item's
 * neighbour counter and antecedent marginal and to the task's pair total; an event record adds
 * to the item's event count, consequent marginal (`pair_in_weight`) and trending count, and
 * offers the item to the task's trending lists. Lists hold log scores (decayedLogScore), which
 * only grow, so each task's lists are its exact top-k.
 *
 * The meta entry and lists are kept in memory and put back on every change (so the API sees
 * them at once); they are loaded from the store in `init`, after a restore.
 */
export class ItemStatsProcessor implements Processor {
  readonly stateId: string;
  private store: KeyValueStore<unknown> | undefined;
  private meta: ItemsMeta = emptyMeta({});
  private readonly lists = new Map<string, ScoredId[]>();
  private readonly config: JsonObject;

  constructor(private readonly options: ItemStatsProcessorOptions) {
    validate(options);
    const o = options;
    const weights = Object.entries(o.eventWeights)
      .map(([t, w]) => `${t}=${w}`)
      .join(',');
    this.stateId =
      `recs-items.v1(neighbours=${o.neighbours},halfLife=${o.halfLifeMs},topK=${o.topK},` +
      `categories=${o.maxCategories},weights=${weights})`;
    this.config = {
      ...o.recommend,
      exclude: [...o.recommend.exclude],
      halfLifeMs: o.halfLifeMs,
    };
  }

  stores(): readonly StoreDeclaration[] {
    return [
      { name: this.options.storeName, kind: 'key-value', stateId: this.stateId, queryable: true },
    ];
  }

  async init(ctx: ProcessorContext): Promise<void> {
    const store = ctx.getStore<KeyValueStore<unknown>>(this.options.storeName);
    this.store = store;
    await store.prefetch([META_KEY]);
    this.meta = asItemsMeta(store.get(META_KEY)) ?? emptyMeta(this.config);
    this.meta.config = this.config;
    store.put(META_KEY, this.meta);
    const keys = [TOP_ALL_KEY, ...this.meta.categories.map(topCategoryKey)];
    await store.prefetch(keys);
    this.lists.clear();
    this.lists.set(TOP_ALL_KEY, asTopList(store.get(TOP_ALL_KEY)));
    for (const category of this.meta.categories) {
      this.lists.set(category, asTopList(store.get(topCategoryKey(category))));
    }
  }

  prepareBatch(keys: readonly string[]): Promise<void> {
    return this.requireStore().prefetch(keys);
  }

  process(record: StreamRecord, ctx: ProcessorContext): void {
    const item = record.key;
    if (item === null) {
      ctx.deadLetter(
        record,
        new SluiceError('FIELD_MISSING', 'recs-items needs records keyed by item id', {
          context: { node: ctx.node },
        }),
      );
      return;
    }
    const store = this.requireStore();
    const pair = readPair(record.value);
    if (pair !== undefined) {
      const state = (store.get(item) as StoredItemState | undefined) ?? newItemState();
      addNeighbourWeight(state.n, pair.next, pair.weight, this.options.neighbours);
      state.o += pair.weight;
      store.put(item, state);
      this.meta.pairs += pair.weight;
      store.put(META_KEY, this.meta);
      // Later nodes (e.g. a to-topic feeding the dashboard's coverage table) see each seen item's
      // neighbour count as it changes (events below forward it too, so items without any count).
      ctx.forward({ ...record, value: { item_id: item, neighbours: state.n.length } });
      return;
    }
    const event = readActivityEvent(record.value);
    if (event instanceof SluiceError) {
      ctx.deadLetter(record, event);
      return;
    }
    const state = (store.get(item) as StoredItemState | undefined) ?? newItemState();
    if (event.category !== '') state.c = event.category;
    state.e += 1;
    state.i += readInWeight(record.value);
    const weight = this.options.eventWeights[event.type];
    if (weight > 0) {
      const { halfLifeMs } = this.options;
      const count = decayedAdd(
        state.g === 0 ? undefined : { value: state.g, refMs: state.t },
        weight,
        record.timestampMs,
        halfLifeMs,
      );
      state.g = count.value;
      state.t = count.refMs;
      const score = decayedLogScore(count, halfLifeMs);
      this.offer(TOP_ALL_KEY, TOP_ALL_KEY, item, score);
      if (state.c !== '') this.offerCategory(state.c, item, score);
    }
    store.put(item, state);
    this.meta.events += 1;
    if (record.timestampMs > this.meta.refMs) this.meta.refMs = record.timestampMs;
    store.put(META_KEY, this.meta);
    ctx.forward({ ...record, value: { item_id: item, neighbours: state.n.length } });
  }

  private offerCategory(category: string, item: string, score: number): void {
    if (!this.lists.has(category)) {
      if (this.meta.categories.length >= this.options.maxCategories) return;
      this.meta.categories.push(category);
      this.lists.set(category, []);
    }
    this.offer(category, topCategoryKey(category), item, score);
  }

  private offer(list: string, key: string, item: string, score: number): void {
    const entries = this.lists.get(list) as ScoredId[];
    if (offerTopK(entries, item, score, this.options.topK)) this.requireStore().put(key, entries);
  }

  private requireStore(): KeyValueStore<unknown> {
    if (!this.store) throw new SluiceError('INTERNAL', 'recs-items used before init');
    return this.store;
  }
}

function emptyMeta(config: JsonObject): ItemsMeta {
  return { pairs: 0, events: 0, refMs: 0, categories: [], config };
}
