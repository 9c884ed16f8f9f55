// The recs-history node on its own: what it stores per user, the item event and pair records it
// forwards (keeping event time and origin), and the records it dead-letters.

import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/core/record.js';
import { MemoryKeyValueStore } from '../../../src/state/memory/memory-key-value-store.js';
import { UserHistoryProcessor } from '../../../src/scoring/recommendations/user-history-processor.js';
import { DEFAULT_USER_HISTORY_OPTIONS } from '../../../src/scoring/recommendations/user-history.js';
import { RecordingContext, streamRecord } from '../../operators/recording-context.js';

const T0 = 1_700_000_000_000;

function setup(): {
  processor: UserHistoryProcessor;
  ctx: RecordingContext;
  store: MemoryKeyValueStore<unknown>;
} {
  const store = new MemoryKeyValueStore<unknown>('user-history');
  const ctx = new RecordingContext('user-history');
  ctx.getStore = <S>(): S => store as S;
  const processor = new UserHistoryProcessor({
    ...DEFAULT_USER_HISTORY_OPTIONS,
    storeName: 'user-history',
  });
  processor.init(ctx);
  return { processor, ctx, store };
}

function view(user: string, item: string, ts: number, extra: JsonObject = {}) {
  return streamRecord(
    {
      user_id: user,
      session_id: 's1',
      item_id: item,
      category: 'books',
      event_type: 'view',
      ts,
      ...extra,
    },
    { key: user, timestampMs: ts },
  );
}

describe('UserHistoryProcessor', () => {
  it('stores the history and forwards an item event plus one record per pair', () => {
    const { processor, ctx, store } = setup();
    processor.process(view('u1', 'a', T0), ctx);
    processor.process(view('u1', 'b', T0 + 1000), ctx);
    expect(store.get('u1')).toMatchObject({
      items: [
        ['a', T0, 1, 0, 'books'],
        ['b', T0 + 1000, 1, 0, 'books'],
      ],
    });
    expect(ctx.forwarded.map((r) => r.value)).toEqual([
      { item_id: 'a', category: 'books', event_type: 'view', pair_in_weight: 0, session_id: 's1' },
      { item_id: 'b', category: 'books', event_type: 'view', pair_in_weight: 1, session_id: 's1' },
      { item_id: 'a', paired_item_id: 'b', pair_weight: 1 },
    ]);
    const last = ctx.forwarded[2]!;
    expect(last.timestampMs).toBe(T0 + 1000);
    expect(last.key).toBe('u1');
    expect(last.origin.offset).toBe('42');
  });

  it('accepts numeric item ids and a missing category', () => {
    const { processor, ctx } = setup();
    processor.process(streamRecord({ item_id: 17, event_type: 'purchase' }, { key: 'u2' }), ctx);
    expect(ctx.deadLetters).toEqual([]);
    expect(ctx.forwarded[0]!.value).toMatchObject({
      item_id: '17',
      category: '',
      event_type: 'purchase',
    });
  });

  it('dead-letters records without a key, an item or a known event type', () => {
    const { processor, ctx } = setup();
    processor.process(streamRecord({ item_id: 'a', event_type: 'view' }, { key: null }), ctx);
    processor.process(view('u1', 'a', T0, { event_type: 'like' }), ctx);
    processor.process(streamRecord({ event_type: 'view' }, { key: 'u1' }), ctx);
    processor.process(view('u1', '\u0000meta', T0), ctx);
    processor.process(view('u1', 'a', T0, { category: 5 }), ctx);
    expect(ctx.deadLetters.map((d) => [d.error.code, d.error.context.field])).toEqual([
      ['FIELD_MISSING', undefined],
      ['FIELD_TYPE', 'event_type'],
      ['FIELD_MISSING', 'item_id'],
      ['FIELD_TYPE', 'item_id'],
      ['FIELD_TYPE', 'category'],
    ]);
    expect(ctx.forwarded).toEqual([]);
  });

  it('refuses invalid options and changes its stateId with them', () => {
    const base = { ...DEFAULT_USER_HISTORY_OPTIONS, storeName: 'h' };
    expect(() => new UserHistoryProcessor({ ...base, pairDecay: 0 })).toThrow(/pairDecay/);
    expect(() => new UserHistoryProcessor({ ...base, maxItems: 0 })).toThrow(/maxItems/);
    expect(new UserHistoryProcessor({ ...base, maxPairs: 1 }).stateId).not.toBe(
      new UserHistoryProcessor(base).stateId,
    );
    expect(new UserHistoryProcessor(base).stores()).toEqual([
      { name: 'h', kind: 'key-value', stateId: expect.any(String), queryable: true },
    ]);
  });
});
