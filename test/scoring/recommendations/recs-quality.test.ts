// Broker-free quality check of the shipped recommendations job: demo traffic through the
// TestDriver, then hit-rate@10 and NDCG@10 of each user's next viewed item, printed beside a
// popularity baseline and an offline item-kNN over the same training events.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/cli/generate/activity-model.js';
import { DemoDataGenerator } from '../../../src/cli/generate/demo-data-generator.js';
import { parseJobText } from '../../../src/jobs/job-loader.js';
import { buildTopology } from '../../../src/jobs/topology-builder.js';
import { TestDriver } from '../../../src/runtime/test-driver.js';
import { StoreRecommendationReader } from '../../../src/scoring/recommendations/recommendation-reader.js';
import { Recommender } from '../../../src/scoring/recommendations/recommender.js';
import {
  hitRateAtK,
  ndcgAtK,
  nextViewCases,
  OfflineItemKnn,
  popularItems,
  type EvaluationEvent,
  type RankingCase,
} from '../../../src/scoring/recommendations/recs-evaluation.js';

const EVENTS = 100_000;
const TRAIN_SHARE = 0.8;
const PARTITIONS = 2;
const K = 10;

describe('recommendations quality on demo traffic', () => {
  it('beats popularity and is within 10% of an offline item-kNN at hit-rate@10', async () => {
    const generator = new DemoDataGenerator({
      startMs: Date.UTC(2024, 0, 1),
      streams: ['activity'],
      seed: 7,
      eventRatePerSec: 200,
    });
    const messages = [...generator.take(EVENTS)];
    const events: EvaluationEvent[] = messages.map((m) => {
      const v = JSON.parse(m.value.toString('utf8')) as ActivityEvent;
      return {
        userId: v.user_id,
        itemId: v.item_id,
        sessionId: v.session_id,
        category: v.category,
        type: v.event_type,
        tsMs: v.ts,
      };
    });
    const cut = Math.floor(EVENTS * TRAIN_SHARE);
    const training = events.slice(0, cut);
    const cases = nextViewCases(training, events.slice(cut));

    const { spec } = parseJobText(
      readFileSync('jobs/recommendations.yaml', 'utf8'),
      'jobs/recommendations.yaml',
    );
    const driver = new TestDriver(buildTopology(spec!), { partitions: PARTITIONS });
    for (let i = 0; i < cut; i += 500) {
      await driver.pipe(
        'user-activity',
        messages.slice(i, Math.min(cut, i + 500)).map((m) => ({
          key: m.key,
          value: m.value,
          timestampMs: m.timestampMs,
        })),
      );
    }
    expect(driver.deadLetters()).toEqual([]);
    const stores = (name: string) =>
      Array.from({ length: PARTITIONS }, (_, p) => driver.store<unknown>(name, p)).filter(
        (s) => s !== undefined,
      );
    const recommender = new Recommender(
      new StoreRecommendationReader(stores('user-history'), stores('item-stats')),
    );

    const ours: RankingCase[] = [];
    for (const c of cases) {
      const result = await recommender.recommend(c.userId, K);
      ours.push({ relevant: c.itemId, ranked: result.items.map((i) => i.itemId) });
    }
    const popular = popularItems(training, K);
    const popularity = cases.map((c) => ({ relevant: c.itemId, ranked: popular }));
    const knn = new OfflineItemKnn(training);
    const itemKnn = cases.map((c) => ({ relevant: c.itemId, ranked: knn.recommend(c.userId, K) }));

    // Next views within the session under way at the cut, and those that start a new one.
    const split = (rows: RankingCase[], same: boolean) =>
      hitRateAtK(
        rows.filter((_, i) => cases[i]!.sameSession === same),
        K,
      ).toFixed(3);
    const row = (name: string, rows: RankingCase[]) =>
      `${name.padEnd(16)} hit-rate@10 ${hitRateAtK(rows, K).toFixed(3)}  NDCG@10 ` +
      `${ndcgAtK(rows, K).toFixed(3)}  (same session ${split(rows, true)}, new session ${split(rows, false)})`;
    const sameSession = cases.filter((c) => c.sameSession).length;
    console.log(
      [
        `recommendations: ${cases.length} held-out next views (${sameSession} in the same ` +
          `session), ${cut} training events`,
        row('sluice', ours),
        row('popularity', popularity),
        row('offline item-kNN', itemKnn),
      ].join('\n'),
    );

    const hitRate = hitRateAtK(ours, K);
    expect(cases.length).toBeGreaterThan(1000);
    expect(hitRate).toBeGreaterThan(hitRateAtK(popularity, K));
    expect(hitRate).toBeGreaterThanOrEqual(0.9 * hitRateAtK(itemKnn, K));
    expect(ndcgAtK(ours, K)).toBeGreaterThan(ndcgAtK(popularity, K));
    // Within a session, where item-to-item neighbours matter most, too.
    const same = (rows: RankingCase[]) => rows.filter((_, i) => cases[i]!.sameSession);
    expect(hitRateAtK(same(ours), K)).toBeGreaterThanOrEqual(0.9 * hitRateAtK(same(itemKnn), K));
  }, 180_000);
});
