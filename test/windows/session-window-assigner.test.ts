// Session windows against Kafka Streams' KStreamSessionWindowAggregateProcessorTest, with its
// inclusive session [first, last] written as [startMs, endMs) = [first, last + 1).
import { describe, expect, it } from 'vitest';
import { countAggregator } from '../../src/windows/aggregators/count.js';
import { firstAggregator, lastAggregator } from '../../src/windows/aggregators/first-last.js';
import { sumAggregator } from '../../src/windows/aggregators/sum.js';
import { fieldExtractor } from '../../src/windows/field-extractor.js';
import { emitted, harness, pipe, rec } from './window-harness.js';

const GAP_MS = 5 * 60 * 1000;
const count = { agg: { aggregator: countAggregator(), extract: () => true } };

describe('session windows', () => {
  it('shouldCreateSingleSessionWhenWithinGap', async () => {
    const h = await harness({ window: { type: 'session', gapMs: GAP_MS }, aggregations: count });
    await pipe(h, [rec('john', 0), rec('john', 500)]);
    expect(emitted(h.forwarded).at(-1)).toEqual({
      key: 'john',
      startMs: 0,
      endMs: 501,
      value: 2,
      timestampMs: 500,
    });
  });

  it('shouldMergeSessions: a record between two open sessions merges them', async () => {
    // Kafka's test keeps sessions 3 × GAP (explicit retention), so it also merges [0,0] after
    // it closed; here a closed session never merges, so grace 1 keeps it open (stream time
    // GAP+1 < end 0 + GAP + grace 1 + 1 ms).
    const h = await harness({
      window: { type: 'session', gapMs: GAP_MS, graceMs: 1 },
      aggregations: count,
    });
    await pipe(h, [rec('mel', 0), rec('mel', GAP_MS + 1), rec('mel', GAP_MS / 2)]);
    expect(emitted(h.forwarded)).toEqual([
      { key: 'mel', startMs: 0, endMs: 1, value: 1, timestampMs: 0 },
      { key: 'mel', startMs: GAP_MS + 1, endMs: GAP_MS + 2, value: 1, timestampMs: GAP_MS + 1 },
      // [GAP+1] is merged into the session starting at 0: retracted; [0] keeps its output key.
      { key: 'mel', startMs: GAP_MS + 1, endMs: GAP_MS + 2, value: null, timestampMs: GAP_MS + 1 },
      { key: 'mel', startMs: 0, endMs: GAP_MS + 2, value: 3, timestampMs: GAP_MS + 1 },
    ]);
    expect(h.forwarded[2]!.value).toEqual({
      key: 'mel',
      startMs: GAP_MS + 1,
      endMs: GAP_MS + 2,
      retracted: true,
    });
    expect(h.forwarded[2]!.key).toBe(`mel|${GAP_MS + 1}`);
    expect(h.op.view('mel', h.store.get('mel'))).toEqual([
      { key: 'mel', startMs: 0, endMs: GAP_MS + 2, agg: 3 },
    ]);
  });

  it('does not merge into a session that closed (grace 0): the bridge record joins the open one', async () => {
    const h = await harness({ window: { type: 'session', gapMs: GAP_MS }, aggregations: count });
    await pipe(h, [rec('mel', 0), rec('mel', GAP_MS + 1), rec('mel', GAP_MS / 2)]);
    expect(h.op.view('mel', h.store.get('mel'))).toEqual([
      { key: 'mel', startMs: 0, endMs: 1, agg: 1 },
      { key: 'mel', startMs: GAP_MS / 2, endMs: GAP_MS + 2, agg: 2 },
    ]);
  });

  it('shouldUpdateSessionIfTheSameTime and sessions apart by more than the gap stay apart', async () => {
    const h = await harness({
      window: { type: 'session', gapMs: GAP_MS },
      aggregations: count,
      retentionMs: 10 * GAP_MS,
    });
    const t1 = GAP_MS + 1;
    const t2 = 2 * (GAP_MS + 1);
    await pipe(h, [
      rec('mel', 0),
      rec('mel', t1),
      rec('mel', t1),
      rec('mel', t2),
      rec('mel', t2),
      rec('mel', t2),
    ]);
    expect(h.op.view('mel', h.store.get('mel'))).toEqual([
      { key: 'mel', startMs: 0, endMs: 1, agg: 1 },
      { key: 'mel', startMs: t1, endMs: t1 + 1, agg: 2 },
      { key: 'mel', startMs: t2, endMs: t2 + 1, agg: 3 },
    ]);
  });

  it('treats the gap as inclusive: records exactly gapMs apart share a session', async () => {
    const h = await harness({ window: { type: 'session', gapMs: 10 }, aggregations: count });
    await pipe(h, [rec('k', 100), rec('k', 110), rec('k', 121)]);
    expect(h.op.view('k', h.store.get('k'))).toEqual([
      { key: 'k', startMs: 100, endMs: 111, agg: 2 },
      { key: 'k', startMs: 121, endMs: 122, agg: 1 },
    ]);
  });

  it('shouldImmediatelyForwardRemovedSessionsWhenMerging: no retraction when the start is kept', async () => {
    const h = await harness({ window: { type: 'session', gapMs: GAP_MS }, aggregations: count });
    await pipe(h, [rec('a', 0), rec('a', 5)]);
    // Kafka (cache off) forwards [0,0]=1, tombstone [0,0], [0,5]=2; our output key is a|0 for
    // both sessions, so the update replaces the old one without a tombstone.
    expect(emitted(h.forwarded)).toEqual([
      { key: 'a', startMs: 0, endMs: 1, value: 1, timestampMs: 0 },
      { key: 'a', startMs: 0, endMs: 6, value: 2, timestampMs: 5 },
    ]);
  });

  it('shouldLogAndMeterWhenSkippingLateRecordWithZeroGrace', async () => {
    const h = await harness({
      window: { type: 'session', gapMs: 10, graceMs: 0 },
      aggregations: count,
    });
    await pipe(h, [rec('dummy', 0), rec('OnTime1', 0), rec('dummy', 11), rec('Late1', 0)]);
    expect(h.deadLetters.map((d) => [d.record.key, d.error.code])).toEqual([['Late1', 'LATE']]);
    expect(h.late.count).toBe(1);
  });

  it('shouldLogAndMeterWhenSkippingLateRecordWithNonzeroGrace', async () => {
    const h = await harness({
      window: { type: 'session', gapMs: 10, graceMs: 1 },
      aggregations: count,
    });
    await pipe(h, [
      rec('dummy', 0),
      rec('OnTime1', 0),
      rec('dummy', 11),
      rec('OnTime2', 0),
      rec('dummy', 12),
      rec('Late1', 0),
    ]);
    expect(h.deadLetters.map((d) => d.record.key)).toEqual(['Late1']);
  });

  it('never merges a closed session: a late-but-open record starts a new one', async () => {
    const h = await harness({
      window: { type: 'session', gapMs: 10, graceMs: 5 },
      aggregations: count,
      emit: 'final',
    });
    // [0,1) closes at 1 + 10 + 5 = 16. At stream time 16 a record at 8 (its own session
    // [8,9) closes at 24 > 16) is within the gap of the closed session but does not reopen it.
    await pipe(h, [rec('k', 0), rec('other', 16), rec('k', 8)]);
    expect(emitted(h.forwarded)).toEqual([
      { key: 'k', startMs: 0, endMs: 1, value: 1, timestampMs: 0 },
    ]);
    expect(h.op.view('k', h.store.get('k')).map((w) => [w.startMs, w.endMs, w.agg])).toEqual([
      [0, 1, 1],
      [8, 9, 1],
    ]);
  });

  it('emit final: once per session when watermark ≥ endMs + gap + grace, ordered by end, key, start', async () => {
    const h = await harness({
      window: { type: 'session', gapMs: 10, graceMs: 2 },
      aggregations: count,
      emit: 'final',
    });
    await pipe(h, [rec('b', 0), rec('a', 3), rec('a', 5), rec('c', 12)]);
    expect(h.forwarded).toEqual([]);
    // b: [0,1) closes at 1 + 10 + 2 = 13; a: [3,6) at 18; c: [12,13) at 25.
    await pipe(h, [rec('d', 13)]);
    expect(emitted(h.forwarded)).toEqual([
      { key: 'b', startMs: 0, endMs: 1, value: 1, timestampMs: 0 },
    ]);
    await pipe(h, [rec('d', 17)]);
    expect(h.forwarded).toHaveLength(1);
    await pipe(h, [rec('d', 18)]);
    expect(emitted(h.forwarded).slice(1)).toEqual([
      { key: 'a', startMs: 3, endMs: 6, value: 2, timestampMs: 5 },
    ]);
    h.forwarded.length = 0;
    h.op.onWatermark(100, h.ctx);
    expect(emitted(h.forwarded).map((e) => [e.key, e.startMs, e.endMs])).toEqual([
      ['c', 12, 13],
      ['d', 13, 19],
    ]);
  });

  it('merges accumulators: sum adds, first/last keep event-time order across sessions', async () => {
    const v = fieldExtractor('v');
    const h = await harness({
      window: { type: 'session', gapMs: 10, graceMs: 50 },
      aggregations: {
        total: { aggregator: sumAggregator(), extract: v },
        first: { aggregator: firstAggregator(), extract: v },
        last: { aggregator: lastAggregator(), extract: v },
      },
    });
    await pipe(h, [
      rec('k', 100, { v: 1 }),
      rec('k', 120, { v: 2 }),
      rec('k', 130, { v: 4 }),
      rec('k', 110, { v: 8 }),
    ]);
    expect(h.op.view('k', h.store.get('k'))).toEqual([
      { key: 'k', startMs: 100, endMs: 131, total: 15, first: 1, last: 4 },
    ]);
    // 110 bridged [100] and [120,130]: the later session is retracted, the merged one keeps start 100.
    const retractions = h.forwarded.filter((r) => r.value.retracted === true).map((r) => r.key);
    expect(retractions).toEqual(['k|120']);
  });

  it('retracts the old session when a record before it moves the start', async () => {
    const h = await harness({ window: { type: 'session', gapMs: 10 }, aggregations: count });
    await pipe(h, [rec('k', 100), rec('k', 95)]);
    expect(
      h.forwarded.map((r) => [r.key, r.value.retracted ?? false, r.value.agg ?? null]),
    ).toEqual([
      ['k|100', false, 1],
      ['k|100', true, null],
      ['k|95', false, 2],
    ]);
  });

  it('keeps one index entry per session, not per record, and still closes extended sessions', async () => {
    const h = await harness({
      window: { type: 'session', gapMs: 100 },
      aggregations: count,
      emit: 'final',
    });
    await pipe(
      h,
      Array.from({ length: 500 }, (_, i) => rec('k', i * 10)),
    );
    expect(h.op.indexedWindows).toBeLessThanOrEqual(2);
    h.op.onWatermark(4990 + 1 + 100, h.ctx);
    expect(emitted(h.forwarded)).toEqual([
      { key: 'k', startMs: 0, endMs: 4991, value: 500, timestampMs: 4990 },
    ]);
    h.op.onWatermark(1_000_000, h.ctx);
    expect(h.store.get('k')).toBeUndefined();
    expect(h.op.indexedWindows).toBe(0);
  });
});
