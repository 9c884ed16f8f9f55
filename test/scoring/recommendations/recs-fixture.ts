// Hand-built recommendation state for tests (not a test file): a user history store and an
// item store split over two "tasks", with numbers chosen so every score can be worked out by
// hand (see recommender.test.ts).

import { MemoryKeyValueStore } from '../../../src/state/memory/memory-key-value-store.js';
import {
  META_KEY,
  TOP_ALL_KEY,
  topCategoryKey,
  type ItemsMeta,
  type StoredItemState,
} from '../../../src/scoring/recommendations/item-state.js';
import { StoreRecommendationReader } from '../../../src/scoring/recommendations/recommendation-reader.js';
import type { RecommenderConfig } from '../../../src/scoring/recommendations/recommender-config.js';
import type { StoredUserHistory } from '../../../src/scoring/recommendations/user-history.js';

export const HOUR = 3_600_000;
/** Latest event time of the fixture: log score L ⇒ value 2^(L − 2) at this time. */
export const REF_MS = 2 * HOUR;

export const FIXTURE_CONFIG: RecommenderConfig = {
  similarity: 'cosine',
  halfLifeMs: HOUR,
  exclude: ['purchase'],
  seeds: 2,
  seedDecay: 0.5,
  neighboursPerSeed: 10,
  trendingWeight: 0.2,
};

function item(partial: Partial<StoredItemState>): StoredItemState {
  return { c: 'a', e: 1, o: 0, i: 0, g: 1, t: REF_MS, n: [], ...partial };
}

/** Log score of a trending value as of REF_MS. */
function logScore(value: number): number {
  return Math.log2(value) + REF_MS / HOUR;
}

/**
 * User u1: bought z, then viewed x, then y (all category a). Items:
 * y → p (pair 2), y → q (1); x → q (1); marginals y.o 4, x.o 1, p.i 4, q.i 9.
 * Pair totals 60 + 40. Trending in a: z 8, r 4, p 1; overall adds s 0.5.
 */
export function fixtureStores(): {
  history: MemoryKeyValueStore<unknown>;
  items: [MemoryKeyValueStore<unknown>, MemoryKeyValueStore<unknown>];
} {
  const history = new MemoryKeyValueStore<unknown>('user-history');
  const u1: StoredUserHistory = {
    items: [
      ['z', REF_MS - 3, 4, 0, 'a'],
      ['x', REF_MS - 2, 1, 0, 'a'],
      ['y', REF_MS - 1, 1, 0, 'a'],
    ],
    session: 's1',
    sessionNo: 0,
    lastMs: REF_MS - 1,
  };
  history.put('u1', u1);

  const t0 = new MemoryKeyValueStore<unknown>('item-stats');
  const t1 = new MemoryKeyValueStore<unknown>('item-stats');
  t0.put(
    'y',
    item({
      o: 4,
      n: [
        ['p', 2, 0],
        ['q', 1, 0],
      ],
    }),
  );
  t0.put('p', item({ i: 4 }));
  t0.put('z', item({}));
  t1.put('x', item({ o: 1, n: [['q', 1, 0]] }));
  t1.put('q', item({ i: 9 }));
  t1.put('r', item({}));
  t1.put('s', item({ c: 'b' }));
  const meta = (pairs: number, refMs: number): ItemsMeta => ({
    pairs,
    events: 10,
    refMs,
    categories: ['a'],
    config: { ...FIXTURE_CONFIG, exclude: [...FIXTURE_CONFIG.exclude] },
  });
  t0.put(META_KEY, meta(60, REF_MS - 10));
  t1.put(META_KEY, meta(40, REF_MS));
  t0.put(topCategoryKey('a'), [
    ['z', logScore(8)],
    ['p', logScore(1)],
  ]);
  t1.put(topCategoryKey('a'), [['r', logScore(4)]]);
  t0.put(TOP_ALL_KEY, [
    ['z', logScore(8)],
    ['p', logScore(1)],
  ]);
  t1.put(TOP_ALL_KEY, [
    ['r', logScore(4)],
    ['s', logScore(0.5)],
  ]);
  return { history, items: [t0, t1] };
}

/** A reader over fixtureStores(). */
export function fixtureReader(): StoreRecommendationReader {
  const { history, items } = fixtureStores();
  return new StoreRecommendationReader([history], items);
}
