// A user's recent history and the co-occurrence pairs each view yields: weights, sessions, the
// pair window, flags merged per item, and the bound on items kept.

import { describe, expect, it } from 'vitest';
import type {
  ActivityEvent,
  ActivityType,
} from '../../../src/scoring/recommendations/activity-event.js';
import {
  DEFAULT_USER_HISTORY_OPTIONS,
  emptyUserHistory,
  recordActivity,
  type UserHistoryOptions,
} from '../../../src/scoring/recommendations/user-history.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

function event(
  itemId: string,
  type: ActivityType = 'view',
  sessionId = 's1',
  category = 'books',
): ActivityEvent {
  return { itemId, type, sessionId, category };
}

describe('recordActivity', () => {
  const options: UserHistoryOptions = {
    ...DEFAULT_USER_HISTORY_OPTIONS,
    maxPairs: 3,
    pairDecay: 0.5,
  };

  it('pairs a view with the earlier items, most recent first, weights 1, 0.5, 0.25', () => {
    const h = emptyUserHistory();
    expect(recordActivity(h, event('a'), T0, options)).toEqual([]);
    expect(recordActivity(h, event('b'), T0 + 1, options)).toEqual([
      { antecedent: 'a', weight: 1 },
    ]);
    recordActivity(h, event('c'), T0 + 2, options);
    expect(recordActivity(h, event('d'), T0 + 3, options)).toEqual([
      { antecedent: 'c', weight: 1 },
      { antecedent: 'b', weight: 0.5 },
      { antecedent: 'a', weight: 0.25 },
    ]);
    // maxPairs = 3: a fifth view pairs with d, c, b only.
    expect(recordActivity(h, event('e'), T0 + 4, options).map((p) => p.antecedent)).toEqual([
      'd',
      'c',
      'b',
    ]);
  });

  it('re-viewing an item moves it last and never pairs it with itself', () => {
    const h = emptyUserHistory();
    recordActivity(h, event('a'), T0, options);
    recordActivity(h, event('b'), T0 + 1, options);
    expect(recordActivity(h, event('a'), T0 + 2, options)).toEqual([
      { antecedent: 'b', weight: 1 },
    ]);
    expect(h.items.map((e) => e[0])).toEqual(['b', 'a']);
    expect(recordActivity(h, event('a'), T0 + 3, options)).toEqual([
      { antecedent: 'b', weight: 1 },
    ]);
  });

  it('only views yield pairs; carts and purchases set flags', () => {
    const h = emptyUserHistory();
    recordActivity(h, event('a'), T0, options);
    expect(recordActivity(h, event('a', 'add_to_cart'), T0 + 1, options)).toEqual([]);
    expect(recordActivity(h, event('b', 'purchase'), T0 + 2, options)).toEqual([]);
    recordActivity(h, event('a', 'purchase'), T0 + 3, options);
    expect(h.items).toEqual([
      ['b', T0 + 2, 4, 0, 'books'],
      ['a', T0 + 3, 1 | 2 | 4, 0, 'books'],
    ]);
  });

  it('a new session_id or a long gap starts a session; sameSession pairs within one only', () => {
    const h = emptyUserHistory();
    recordActivity(h, event('a', 'view', 's1'), T0, options);
    expect(recordActivity(h, event('b', 'view', 's2'), T0 + MIN, options)).toEqual([]);
    expect(h.sessionNo).toBe(1);
    expect(h.session).toBe('s2');
    const gap = T0 + MIN + options.sessionGapMs + 1;
    expect(recordActivity(h, event('c', 'view', 's2'), gap, options)).toEqual([]);
    expect(h.sessionNo).toBe(2);
    const across = { ...options, sameSession: false };
    expect(
      recordActivity(h, event('d', 'view', 's2'), gap + 1, across).map((p) => p.antecedent),
    ).toEqual(['c']);
  });

  it('skips earlier items outside the pair window', () => {
    const h = emptyUserHistory();
    const wide = { ...options, sameSession: false, pairWindowMs: 10 * MIN };
    recordActivity(h, event('a'), T0, wide);
    recordActivity(h, event('b'), T0 + 9 * MIN, wide);
    expect(recordActivity(h, event('c'), T0 + 15 * MIN, wide)).toEqual([
      { antecedent: 'b', weight: 1 },
    ]);
  });

  it('keeps at most maxItems, dropping the least recently touched', () => {
    const h = emptyUserHistory();
    const small = { ...options, maxItems: 2 };
    for (const [i, item] of ['a', 'b', 'c'].entries())
      recordActivity(h, event(item), T0 + i, small);
    expect(h.items.map((e) => e[0])).toEqual(['b', 'c']);
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
  });
});
