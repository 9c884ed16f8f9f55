// The DuckDB item-kNN baseline: hand-computed neighbours on a tiny history, and exactly the
// rankings of the in-memory reference (scoring's OfflineItemKnn) on generated demo traffic.

import { describe, expect, it } from 'vitest';
import { offlineItemKnn } from '../../src/analytics/offline-item-knn.js';
import { DemoDataGenerator } from '../../src/cli/generate/demo-data-generator.js';
import {
  OfflineItemKnn,
  type EvaluationEvent,
} from '../../src/scoring/recommendations/recs-evaluation.js';

function view(userId: string, itemId: string, sessionId: string, type = 'view'): EvaluationEvent {
  return { userId, itemId, sessionId, category: 'c', type, tsMs: 0 };
}

describe('offlineItemKnn', () => {
  it('counts consecutive views in one session, normalises by cosine, ranks by last view', async () => {
    const training = [
      view('u1', 'a', 's1'),
      view('u1', 'b', 's1'), // a-b
      view('u1', 'b', 's1'), // same item: no pair
      view('u1', 'c', 's1'), // b-c
      view('u2', 'a', 's2'),
      view('u2', 'b', 's2'), // a-b again
      view('u2', 'd', 's3'), // new session: no pair
      view('u3', 'b', 's4'),
      view('u3', 'x', 's4', 'purchase'), // not a view: ignored
      view('u3', 'c', 's4'), // b-c again
      view('u4', 'a', 's5'),
    ];
    const recs = await offlineItemKnn(training, ['u1', 'u2', 'u4', 'nobody'], 10);
    // views: a 3, b 4, c 2, d 1. From c (u1's last): b only. From a (u4's last): b.
    expect(recs.get('u1')).toEqual(['b']);
    expect(recs.get('u2')).toEqual([]); // d has no pair
    expect(recs.get('u4')).toEqual(['b']);
    expect(recs.get('nobody')).toEqual([]);
    // From b: c = 2/√(4·2) = 0.707 beats a = 2/√(4·3) = 0.577.
    const fromB = await offlineItemKnn([...training, view('u5', 'b', 's9')], ['u5'], 1);
    expect(fromB.get('u5')).toEqual(['c']);
  });

  it('agrees with the in-memory reference on generated traffic', async () => {
    const generator = new DemoDataGenerator({
      startMs: Date.UTC(2025, 0, 1),
      seed: 5,
      streams: ['activity'],
      users: 400,
      items: 300,
    });
    const training: EvaluationEvent[] = [];
    for (const m of generator.take(20_000)) {
      const e = JSON.parse(m.value.toString('utf8')) as Record<string, string | number>;
      training.push({
        userId: String(e.user_id),
        itemId: String(e.item_id),
        sessionId: String(e.session_id),
        category: String(e.category),
        type: String(e.event_type),
        tsMs: Number(e.ts),
      });
    }
    const users = [...new Set(training.map((e) => e.userId))];
    const reference = new OfflineItemKnn(training);
    const recs = await offlineItemKnn(training, users, 10);
    let nonEmpty = 0;
    for (const u of users) {
      expect(recs.get(u), u).toEqual(reference.recommend(u, 10));
      if ((recs.get(u) ?? []).length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(users.length * 0.9);
  });
});
