// The recommender's reader for the query API: reads the recs stores through the engine's
// QueryBackend. With one instance every partition is local; with several, a user or item owned
// by another instance is not seen here (fan-out across instances is not done yet).

import { SluiceError } from '../../core/errors.js';
import type { QueryBackend } from '../../core/query.js';
import type { RecommendationReader } from './recommendation-reader.js';

export interface RecommendationStores {
  /** Store of the recs-history node (keyed by user id). */
  readonly history: string;
  /** Store of the recs-items node (keyed by item id). */
  readonly items: string;
}

export class QueryBackendReader implements RecommendationReader {
  constructor(
    private readonly backend: QueryBackend,
    private readonly stores: RecommendationStores,
  ) {
    if (!backend.storeValue || !backend.storeValuesByPartition) {
      throw new SluiceError('INTERNAL', 'this query backend cannot read store values');
    }
  }

  history(userId: string): Promise<unknown> {
    return this.value(this.stores.history, userId);
  }

  items(itemIds: readonly string[]): Promise<unknown[]> {
    return Promise.all(itemIds.map((id) => this.value(this.stores.items, id)));
  }

  itemTaskValues(key: string): Promise<unknown[]> {
    return this.backend.storeValuesByPartition?.(this.stores.items, key) ?? Promise.resolve([]);
  }

  private value(store: string, key: string): Promise<unknown> {
    return this.backend.storeValue?.(store, key) ?? Promise.resolve(undefined);
  }
}
