import { describe, expect, it } from 'vitest';
import { ActivityModel, type ActivityEvent } from '../../../src/cli/generate/activity-model.js';
import { Prng } from '../../../src/cli/generate/prng.js';

function run(
  count: number,
  users = 2_000,
  items = 1_500,
): { model: ActivityModel; events: ActivityEvent[] } {
  const model = new ActivityModel(new Prng(9), { users, items, runTag: 't' });
  const events = Array.from({ length: count }, (_, i) => model.nextEvent(1_000 + i));
  return { model, events };
}

describe('ActivityModel', () => {
  const { model, events } = run(150_000);
  const views = events.filter((e) => e.event_type === 'view');

  it('gives every item a category, a fixed price and a few neighbours', () => {
    expect(model.items).toHaveLength(1_500);
    for (const item of model.items) {
      expect(item.id).toMatch(/^item-\d{6}$/);
      expect(item.price).toBeGreaterThan(0);
      expect(item.neighbours.length).toBeGreaterThan(0);
      expect(item.neighbours.length).toBeLessThanOrEqual(8);
      expect(item.neighbours).not.toContain(item.index);
    }
    expect(model.users[42]!.id).toBe('user-00042');
    for (const user of model.users) expect([1, 2]).toContain(user.preferredCategories.length);
  });

  it('keeps more than 70% of each user’s views in the preferred categories', () => {
    const prefs = new Map(
      model.users.map((u) => [
        u.id,
        new Set(u.preferredCategories.map((c) => model.categoryName(c))),
      ]),
    );
    const inTaste = views.filter((v) => prefs.get(v.user_id)!.has(v.category)).length;
    expect(inTaste / views.length).toBeGreaterThan(0.7);
    // Per user too, for users with enough views to judge.
    const perUser = new Map<string, [number, number]>();
    for (const v of views) {
      const c = perUser.get(v.user_id) ?? [0, 0];
      c[0] += prefs.get(v.user_id)!.has(v.category) ? 1 : 0;
      c[1]++;
      perUser.set(v.user_id, c);
    }
    const judged = [...perUser.values()].filter(([, n]) => n >= 40);
    const tasteful = judged.filter(([k, n]) => k / n > 0.6).length;
    expect(judged.length).toBeGreaterThan(100);
    expect(tasteful / judged.length).toBeGreaterThan(0.9);
  });

  it('browses in sessions: one user per session, several views, never two sessions at once', () => {
    const sessions = new Map<string, ActivityEvent[]>();
    for (const e of events) {
      const list = sessions.get(e.session_id) ?? [];
      list.push(e);
      sessions.set(e.session_id, list);
    }
    for (const list of sessions.values()) {
      expect(new Set(list.map((e) => e.user_id)).size).toBe(1);
    }
    const meanViews =
      views.length /
      [...sessions.values()].filter((l) => l.some((e) => e.event_type === 'view')).length;
    expect(meanViews).toBeGreaterThan(4);
    expect(meanViews).toBeLessThan(10);
    // A user's sessions do not overlap: a new one starts only after the previous one's last event.
    const lastIndexOf = new Map<string, number>();
    events.forEach((e, i) => lastIndexOf.set(e.session_id, i));
    const openSession = new Map<string, string>();
    events.forEach((e, i) => {
      const open = openSession.get(e.user_id);
      if (open !== undefined && open !== e.session_id) {
        expect(lastIndexOf.get(open)!).toBeLessThan(i);
      }
      openSession.set(e.user_id, e.session_id);
    });
  });

  it('adds to cart right after a view of that item, and buys only carted items at the fixed price', () => {
    const bySession = new Map<string, ActivityEvent[]>();
    for (const e of events) {
      const list = bySession.get(e.session_id);
      if (list === undefined) bySession.set(e.session_id, [e]);
      else list.push(e);
    }
    const priceOf = new Map(model.items.map((i) => [i.id, i.price]));
    let carts = 0;
    let purchases = 0;
    for (const list of bySession.values()) {
      const carted = new Set<string>();
      list.forEach((e, i) => {
        if (e.event_type === 'view') {
          expect(e.price).toBeUndefined();
          return;
        }
        expect(e.price).toBe(priceOf.get(e.item_id));
        if (e.event_type === 'add_to_cart') {
          carts++;
          expect(list[i - 1]).toMatchObject({ event_type: 'view', item_id: e.item_id });
          carted.add(e.item_id);
        } else {
          purchases++;
          expect(carted.has(e.item_id)).toBe(true);
        }
      });
    }
    expect(carts / events.length).toBeGreaterThan(0.04);
    expect(purchases).toBeGreaterThan(carts * 0.3);
    expect(purchases).toBeLessThan(carts * 0.7);
  });

  it('carries item-to-item signal: the next view is usually a neighbour of the current item', () => {
    const neighbours = new Map(
      model.items.map((i) => [i.id, new Set(i.neighbours.map((n) => model.items[n]!.id))]),
    );
    const previous = new Map<string, string>();
    let pairs = 0;
    let neighbourPairs = 0;
    for (const v of views) {
      const prev = previous.get(v.session_id);
      if (prev !== undefined) {
        pairs++;
        if (neighbours.get(prev)!.has(v.item_id)) neighbourPairs++;
      }
      previous.set(v.session_id, v.item_id);
    }
    expect(neighbourPairs / pairs).toBeGreaterThan(0.5);
    // And popularity alone is a weak predictor: the top 10 items get a small share of views.
    const counts = new Map<string, number>();
    for (const v of views) counts.set(v.item_id, (counts.get(v.item_id) ?? 0) + 1);
    const top10 = [...counts.values()].sort((a, b) => b - a).slice(0, 10);
    expect(top10.reduce((a, b) => a + b, 0) / views.length).toBeLessThan(0.2);
  });

  it('works with tiny catalogs and user counts', () => {
    const tiny = new ActivityModel(new Prng(1), { users: 1, items: 2, runTag: 'x' });
    const evs = Array.from({ length: 200 }, (_, i) => tiny.nextEvent(i));
    expect(new Set(evs.map((e) => e.user_id))).toEqual(new Set(['user-00000']));
    expect(new Set(evs.map((e) => e.event_id)).size).toBe(200);
  });
});
