// The recommender against hand-computed scores on the fixture state: similar items (cosine
// and LLR), trending merged across tasks, the blend with its reasons and exclusions, cold start.

import { describe, expect, it } from 'vitest';
import { logLikelihoodRatio } from '../../../src/scoring/recommendations/log-likelihood-ratio.js';
import { QueryBackendReader } from '../../../src/scoring/recommendations/query-backend-reader.js';
import { Recommender } from '../../../src/scoring/recommendations/recommender.js';
import { FIXTURE_CONFIG, fixtureReader, fixtureStores, REF_MS } from './recs-fixture.js';

describe('Recommender', () => {
  it('reads its config from the stored meta entry; overrides win', async () => {
    expect(await new Recommender(fixtureReader()).config()).toEqual(FIXTURE_CONFIG);
    const config = await new Recommender(fixtureReader(), { similarity: 'llr' }).config();
    expect(config.similarity).toBe('llr');
  });

  it('similar: neighbours by cosine, best first', async () => {
    const result = await new Recommender(fixtureReader()).similar('y', 10);
    // cos(y, p) = 2 / √(4·4) = 0.5; cos(y, q) = 1 / √(4·9) = 1/6.
    expect(result.known).toBe(true);
    expect(result.items.map((i) => i.itemId)).toEqual(['p', 'q']);
    expect(result.items[0]!.score).toBeCloseTo(0.5, 12);
    expect(result.items[1]!.score).toBeCloseTo(1 / 6, 12);
    expect(result.items[0]!.pairWeight).toBe(2);
    expect((await new Recommender(fixtureReader()).similar('y', 1)).items).toHaveLength(1);
    expect(await new Recommender(fixtureReader()).similar('nope', 5)).toMatchObject({
      known: false,
      items: [],
    });
  });

  it('similar: LLR with the total summed over tasks (60 + 40)', async () => {
    const result = await new Recommender(fixtureReader(), { similarity: 'llr' }).similar('y', 10);
    // p: k11 2, k12 4 − 2, k21 4 − 2, k22 100 − 4 − 4 + 2; q: 1, 3, 8, 100 − 4 − 9 + 1.
    const p = logLikelihoodRatio(2, 2, 2, 94);
    const q = logLikelihoodRatio(1, 3, 8, 88);
    expect(p).toBeGreaterThan(q);
    expect(result.items.map((i) => [i.itemId, i.score])).toEqual([
      ['p', expect.closeTo(p, 12)],
      ['q', expect.closeTo(q, 12)],
    ]);
  });

  it('trending: tasks merged, decayed to the latest event time', async () => {
    const all = await new Recommender(fixtureReader()).trending(undefined, 3);
    expect(all.atMs).toBe(REF_MS);
    expect(all.items.map((i) => [i.itemId, i.category])).toEqual([
      ['z', 'a'],
      ['r', 'a'],
      ['p', 'a'],
    ]);
    const scores = all.items.map((i) => i.score);
    [8, 4, 1].forEach((v, i) => expect(scores[i]).toBeCloseTo(v, 9));
    const b = await new Recommender(fixtureReader()).trending('b', 3);
    expect(b.items).toEqual([]);
  });

  it('recommend: blend of neighbours and category trending, with reasons and exclusions', async () => {
    const result = await new Recommender(fixtureReader()).recommend('u1', 3);
    // Seeds y (weight 2/3) and x (1/3); z is bought, so excluded.
    // N(p) = 2/3 · 0.5/0.5 = 2/3; N(q) = 2/3 · (1/6)/0.5 + 1/3 · 1 = 5/9.
    // Trending in a, top 8 (z): T(r) = 4/8, T(p) = 1/8.
    // p = 0.8·2/3 + 0.2·1/8; q = 0.8·5/9; r = 0.2·1/2.
    expect(result.coldStart).toBe(false);
    expect(result.items).toEqual([
      {
        itemId: 'p',
        category: 'a',
        score: expect.closeTo(0.8 * (2 / 3) + 0.2 / 8, 12),
        reason: 'viewed y',
        because: 'y',
      },
      {
        itemId: 'q',
        category: 'a',
        score: expect.closeTo(0.8 * (5 / 9), 12),
        reason: 'viewed x',
        because: 'x',
      },
      { itemId: 'r', category: 'a', score: expect.closeTo(0.2 * 0.5, 12), reason: 'trending in a' },
    ]);
  });

  it('recommend: fills from overall trending when candidates run out; exclusion is configurable', async () => {
    const five = await new Recommender(fixtureReader()).recommend('u1', 5);
    expect(five.items.map((i) => [i.itemId, i.reason])).toEqual([
      ['p', 'viewed y'],
      ['q', 'viewed x'],
      ['r', 'trending in a'],
      ['s', 'trending'],
    ]);
    const withBought = await new Recommender(fixtureReader(), { exclude: [] }).recommend('u1', 5);
    expect(withBought.items.map((i) => i.itemId)).toContain('z');
    const noViewed = await new Recommender(fixtureReader(), {
      exclude: ['view', 'purchase'],
    }).recommend('u1', 5);
    expect(noViewed.items.map((i) => i.itemId)).not.toContain('x');
  });

  it('recommend: an unknown user gets overall trending (cold start)', async () => {
    const result = await new Recommender(fixtureReader()).recommend('stranger', 2);
    expect(result).toEqual({
      userId: 'stranger',
      coldStart: true,
      items: [
        { itemId: 'z', category: 'a', score: 1, reason: 'trending' },
        { itemId: 'r', category: 'a', score: expect.closeTo(0.5, 9), reason: 'trending' },
      ],
    });
  });

  it('reads through a QueryBackend with the store-value methods', async () => {
    const { history, items } = fixtureStores();
    const stores = new Map([
      ['user-history', [history]],
      ['item-stats', items],
    ]);
    const backend = {
      jobs: () => [],
      status: () => [],
      store: () => undefined,
      storeNames: () => [...stores.keys()],
      ownerOf: async () => ({ kind: 'local' as const }),
      metricsText: () => '',
      storeValue: async (store: string, key: string) =>
        (stores.get(store) ?? []).map((s) => s.get(key)).find((v) => v !== undefined),
      storeValuesByPartition: async (store: string, key: string) =>
        (stores.get(store) ?? []).map((s) => s.get(key)).filter((v) => v !== undefined),
    };
    const reader = new QueryBackendReader(backend, {
      history: 'user-history',
      items: 'item-stats',
    });
    const direct = await new Recommender(fixtureReader()).recommend('u1', 3);
    expect(await new Recommender(reader).recommend('u1', 3)).toEqual(direct);
  });
});
