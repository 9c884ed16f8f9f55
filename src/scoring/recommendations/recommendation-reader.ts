// Where the recommender reads stored state: a user's history, items, and per-task entries of
// the item store. Implemented over the query API's backend and over plain stores (tests,
// the broker-free evaluation), so the same ranking code serves both.

/** Reads of the recs-history and recs-items stores; values are raw (checked by the reader's user). */
export interface RecommendationReader {
  /** The stored history of a user, or undefined. */
  history(userId: string): Promise<unknown>;
  /** The stored state of each item (undefined where absent), in the order asked. */
  items(itemIds: readonly string[]): Promise<unknown[]>;
  /** The value of a per-task key (meta, trending lists) in every task of the item store. */
  itemTaskValues(key: string): Promise<unknown[]>;
}

/** Anything with a `get` by key, sync or async: KeyValueStore, ReadOnlyKeyValueStore. */
export interface ValueLookup {
  get(key: string): unknown;
}

/**
 * A reader over the stores of every partition (e.g. a TestDriver's `store(name, p)` for each
 * p): a key is looked up in each partition until one has it.
 */
export class StoreRecommendationReader implements RecommendationReader {
  constructor(
    private readonly historyStores: readonly ValueLookup[],
    private readonly itemStores: readonly ValueLookup[],
  ) {}

  history(userId: string): Promise<unknown> {
    return firstValue(this.historyStores, userId);
  }

  items(itemIds: readonly string[]): Promise<unknown[]> {
    return Promise.all(itemIds.map((id) => firstValue(this.itemStores, id)));
  }

  async itemTaskValues(key: string): Promise<unknown[]> {
    const values = await Promise.all(this.itemStores.map((s) => s.get(key)));
    return values.filter((v) => v !== undefined);
  }
}

async function firstValue(stores: readonly ValueLookup[], key: string): Promise<unknown> {
  for (const store of stores) {
    const value: unknown = await store.get(key);
    if (value !== undefined) return value;
  }
  return undefined;
}
