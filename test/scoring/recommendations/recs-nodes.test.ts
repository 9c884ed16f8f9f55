// The shipped recommendations job end to end in the TestDriver: user history → key-by item →
// item stats, checked against hand-computed counts, trending lists, dead letters, restore after
// a restart, and the recommender reading the driver's stores.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/core/record.js';
import { parseJobText } from '../../../src/jobs/job-loader.js';
import { buildTopology } from '../../../src/jobs/topology-builder.js';
import { TestDriver } from '../../../src/runtime/test-driver.js';
import { decayedLogScore } from '../../../src/scoring/recommendations/decayed-count.js';
import {
  META_KEY,
  TOP_ALL_KEY,
  topCategoryKey,
} from '../../../src/scoring/recommendations/item-state.js';
import { StoreRecommendationReader } from '../../../src/scoring/recommendations/recommendation-reader.js';
import { Recommender } from '../../../src/scoring/recommendations/recommender.js';
import {
  findRecommendationStores,
  itemStatsOptions,
  userHistoryOptions,
} from '../../../src/scoring/recommendations/recs-nodes.js';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

function recommendationsTopology() {
  const { spec, problems } = parseJobText(
    readFileSync('jobs/recommendations.yaml', 'utf8'),
    'jobs/recommendations.yaml',
  );
  expect(problems).toEqual([]);
  return buildTopology(spec!);
}

function event(
  user: string,
  item: string,
  ts: number,
  type = 'view',
  category = 'books',
): JsonObject {
  return {
    event_id: `e-${user}-${item}-${ts}`,
    user_id: user,
    session_id: `s-${user}`,
    item_id: item,
    category,
    event_type: type,
    ts,
  };
}

async function pipe(driver: TestDriver, events: JsonObject[]): Promise<void> {
  await driver.pipe(
    'user-activity',
    events.map((value) => ({
      key: value['user_id'] as string,
      value,
      timestampMs: value['ts'] as number,
    })),
  );
}

describe('recommendations job', () => {
  it('has a user sub-topology and an item sub-topology, found by the API wiring', () => {
    const topology = recommendationsTopology();
    expect(topology.subtopologies.map((s) => s.nodes.map((n) => n.kind))).toEqual([
      ['recs-history', 'key-by'],
      ['recs-items', 'to-topic'],
    ]);
    expect(findRecommendationStores([topology])).toEqual({
      history: 'user-history',
      items: 'item-stats',
    });
    expect(findRecommendationStores([])).toBeUndefined();
  });

  it('counts pairs, marginals and trending as computed by hand', async () => {
    const driver = new TestDriver(recommendationsTopology());
    // u1 views a, b, c; u2 views a, c and buys c.
    await pipe(driver, [
      event('u1', 'a', T0),
      event('u1', 'b', T0 + 1000),
      event('u1', 'c', T0 + 2000),
      event('u2', 'a', T0 + HOUR),
      event('u2', 'c', T0 + HOUR + 1000),
      event('u2', 'c', T0 + HOUR + 2000, 'purchase'),
    ]);
    expect(driver.deadLetters()).toEqual([]);
    const items = driver.store<Record<string, unknown>>('item-stats')!;
    // Pairs: a→b 1, b→c 1, a→c 0.5 (u1); a→c 1 (u2).
    expect(items.get('a')).toMatchObject({
      c: 'books',
      e: 2,
      o: 2.5,
      i: 0,
      n: [
        ['b', 1, 0],
        ['c', 1.5, 0],
      ],
    });
    expect(items.get('b')).toMatchObject({ e: 1, o: 1, i: 1, n: [['c', 1, 0]] });
    expect(items.get('c')).toMatchObject({ e: 3, o: 0, i: 2.5, n: [] });
    expect(items.get(META_KEY)).toMatchObject({
      pairs: 3.5,
      events: 6,
      refMs: T0 + HOUR + 2000,
      categories: ['books'],
    });
    // Trending (half-life 1 h, weight 1 each): a = 1 at T0, then 0.5 + 1 at T0 + 1 h.
    const a = items.get('a')!;
    expect(a['g']).toBeCloseTo(1.5, 12);
    expect(a['t']).toBe(T0 + HOUR);
    const c = items.get('c')!;
    // c: 1 at T0 + 2 s (0.5 an hour later), 1 at T0 + 1 h + 1 s, 1 at T0 + 1 h + 2 s.
    expect(c['g']).toBeCloseTo(0.5 + 2 ** (-1000 / HOUR) + 1, 12);
    const top = items.get(TOP_ALL_KEY) as unknown as Array<[string, number]>;
    expect(top.map(([id]) => id)).toEqual(['c', 'a', 'b']);
    expect(top[1]![1]).toBeCloseTo(decayedLogScore({ value: 1.5, refMs: T0 + HOUR }, HOUR), 9);
    expect(items.get(topCategoryKey('books'))).toEqual(top);
    const history = driver.store<Record<string, unknown>>('user-history')!;
    expect(history.get('u2')).toMatchObject({
      items: [
        ['a', T0 + HOUR, 1, 0, 'books'],
        ['c', T0 + HOUR + 2000, 5, 0, 'books'],
      ],
    });

    const recommender = new Recommender(new StoreRecommendationReader([history], [items]));
    const similar = await recommender.similar('a', 10);
    expect(similar.items.map((i) => i.itemId)).toEqual(['b']); // a→c is below chance for LLR here
    // u2 bought c: never recommended to u2. Seeds c (no neighbours) and a (neighbour b).
    const forU2 = await recommender.recommend('u2', 3);
    expect(forU2.coldStart).toBe(false);
    expect(forU2.items.map((i) => [i.itemId, i.reason])).toEqual([
      ['a', 'trending in books'],
      ['b', 'viewed a'],
    ]);
    const cold = await recommender.recommend('nobody', 2);
    expect(cold).toMatchObject({ coldStart: true, items: [{ itemId: 'c' }, { itemId: 'a' }] });
  });

  it('dead-letters bad events and keeps going', async () => {
    const driver = new TestDriver(recommendationsTopology());
    await pipe(driver, [event('u1', 'a', T0, 'wishlist'), event('u1', 'b', T0 + 1)]);
    expect(driver.deadLetters()).toHaveLength(1);
    expect(driver.deadLetters()[0]!.headers).toMatchObject({ 'sluice-error-code': 'FIELD_TYPE' });
    expect(driver.store<unknown>('item-stats')!.get('b')).toBeDefined();
  });

  it('restores per-task lists and totals after a restart', async () => {
    const driver = new TestDriver(recommendationsTopology(), { partitions: 2 });
    await pipe(driver, [
      event('u1', 'a', T0),
      event('u1', 'b', T0 + 1),
      event('u2', 'x', T0 + 2, 'view', 'toys'),
    ]);
    await driver.commit();
    await driver.restart();
    await pipe(driver, [event('u3', 'b', T0 + 3), event('u3', 'a', T0 + 4)]);
    const stores = [0, 1]
      .map((p) => driver.store<unknown>('item-stats', p))
      .filter((s) => s !== undefined);
    const reader = new StoreRecommendationReader(
      [0, 1].map((p) => driver.store<unknown>('user-history', p)!).filter(Boolean),
      stores,
    );
    const recommender = new Recommender(reader);
    const trending = await recommender.trending(undefined, 10);
    expect(trending.items.map((i) => i.itemId).sort()).toEqual(['a', 'b', 'x']);
    const metas = await reader.itemTaskValues(META_KEY);
    const pairs = metas.reduce((sum: number, m) => sum + (m as { pairs: number }).pairs, 0);
    expect(pairs).toBe(2); // a→b (u1), b→a (u3)
    expect((await recommender.trending('toys', 10)).items.map((i) => i.itemId)).toEqual(['x']);
  });

  it('fills in defaults and parses durations', () => {
    expect(
      userHistoryOptions({ name: 'h', pairWindow: '10m', store: { name: 'hist' } }),
    ).toMatchObject({
      storeName: 'hist',
      pairWindowMs: 600_000,
      maxItems: 50,
      maxPairs: 3,
    });
    expect(
      itemStatsOptions({ name: 'i', trending: { halfLife: '2h', weights: { purchase: 3 } } }),
    ).toMatchObject({
      storeName: 'i',
      halfLifeMs: 2 * HOUR,
      eventWeights: { view: 1, add_to_cart: 1, purchase: 3 },
      recommend: { similarity: 'llr', exclude: ['purchase'] },
    });
  });
});
