// The to-duckdb processor: queues rows without awaiting, appends them on commit, coalesces
// window versions, forwards records, dead-letters values that do not fit declared columns.

import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/core/errors.js';
import type { JsonObject } from '../../../src/core/record.js';
import { DuckdbSinkProcessor } from '../../../src/sinks/duckdb/duckdb-sink-processor.js';
import type { DuckdbRowWriter } from '../../../src/sinks/duckdb/duckdb-sink-writer.js';
import type { DuckdbRow } from '../../../src/sinks/duckdb/duckdb-table-options.js';
import { RecordingContext, streamRecord } from '../../operators/recording-context.js';

class FakeWriter implements DuckdbRowWriter {
  readonly batches: Array<{ table: string; rows: DuckdbRow[] }> = [];
  failNext = false;
  private release: Array<() => void> = [];
  hold = false;

  append(table: string, rows: readonly DuckdbRow[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new SluiceError('STATE_STORE', 'disk full'));
    }
    this.batches.push({ table, rows: [...rows] });
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve) => this.release.push(resolve));
  }

  releaseAll(): void {
    for (const r of this.release.splice(0)) r();
  }

  values(): JsonObject[][] {
    return this.batches.map((b) => b.rows.map((r) => r.value));
  }
}

const win = (key: string, startMs: number, events: number): JsonObject => ({
  key,
  startMs,
  endMs: startMs + 60_000,
  events,
});

describe('DuckdbSinkProcessor', () => {
  it('queues rows, forwards records, and appends only on commit', async () => {
    const writer = new FakeWriter();
    const sink = new DuckdbSinkProcessor(writer, { table: 'alerts' });
    const ctx = new RecordingContext('to-db');
    ctx.clockMs = 5_000;
    const a = streamRecord({ txn_id: 't1' });
    const b = streamRecord({ txn_id: 't2' });
    sink.process(a, ctx);
    sink.process(b, ctx);
    expect(ctx.forwarded).toEqual([a, b]);
    expect(writer.batches).toEqual([]);
    await sink.onCommit();
    expect(writer.batches).toEqual([
      {
        table: 'alerts',
        rows: [
          { value: { txn_id: 't1' }, ingestedMs: 5_000 },
          { value: { txn_id: 't2' }, ingestedMs: 5_000 },
        ],
      },
    ]);
    await sink.onCommit();
    expect(writer.batches).toHaveLength(1);
  });

  it('keeps only the newest version of a window per commit interval', async () => {
    const writer = new FakeWriter();
    const sink = new DuckdbSinkProcessor(writer, { table: 'per_minute' });
    const ctx = new RecordingContext('to-db');
    for (const v of [win('a', 0, 1), win('b', 0, 1), win('a', 0, 2), win('a', 60_000, 1)]) {
      sink.process(streamRecord(v), ctx);
    }
    expect(ctx.forwarded).toHaveLength(4);
    await sink.onCommit();
    sink.process(streamRecord(win('a', 0, 3)), ctx);
    await sink.onCommit();
    expect(writer.values()).toEqual([
      [win('a', 0, 2), win('b', 0, 1), win('a', 60_000, 1)],
      [win('a', 0, 3)],
    ]);
  });

  it('coalesces by an explicit latestBy, and not at all for other records', async () => {
    const writer = new FakeWriter();
    const byTxn = new DuckdbSinkProcessor(writer, { table: 'a', latestBy: ['txn_id'] });
    const plain = new DuckdbSinkProcessor(writer, { table: 'b' });
    const ctx = new RecordingContext('to-db');
    for (const v of [
      { txn_id: 't1', n: 1 },
      { txn_id: 't1', n: 2 },
    ]) {
      byTxn.process(streamRecord(v), ctx);
      plain.process(streamRecord(v), ctx);
    }
    await byTxn.onCommit();
    await plain.onCommit();
    expect(writer.values()).toEqual([
      [{ txn_id: 't1', n: 2 }],
      [
        { txn_id: 't1', n: 1 },
        { txn_id: 't1', n: 2 },
      ],
    ]);
  });

  it('starts an append at maxBufferedRows and waits for it on commit', async () => {
    const writer = new FakeWriter();
    writer.hold = true;
    const sink = new DuckdbSinkProcessor(writer, { table: 't', maxBufferedRows: 2 });
    const ctx = new RecordingContext('to-db');
    for (let i = 0; i < 5; i++) sink.process(streamRecord({ i }), ctx);
    expect(writer.values()).toEqual([
      [{ i: 0 }, { i: 1 }],
      [{ i: 2 }, { i: 3 }],
    ]);
    let committed = false;
    const commit = sink.onCommit().then(() => (committed = true));
    await Promise.resolve();
    expect(committed).toBe(false);
    writer.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    writer.releaseAll();
    await commit;
    expect(writer.values()).toEqual([[{ i: 0 }, { i: 1 }], [{ i: 2 }, { i: 3 }], [{ i: 4 }]]);
  });

  it('fails the commit when an append fails, then works again', async () => {
    const writer = new FakeWriter();
    const sink = new DuckdbSinkProcessor(writer, { table: 't' });
    const ctx = new RecordingContext('to-db');
    sink.process(streamRecord({ i: 1 }), ctx);
    writer.failNext = true;
    await expect(sink.onCommit()).rejects.toThrow('disk full');
    sink.process(streamRecord({ i: 2 }), ctx);
    await sink.onCommit();
    expect(writer.values()).toEqual([[{ i: 2 }]]);
  });

  it('dead-letters a value that does not fit a declared column, and does not forward it', async () => {
    const writer = new FakeWriter();
    const sink = new DuckdbSinkProcessor(writer, {
      table: 't',
      columns: { n: 'BIGINT', at: 'TIMESTAMP', s: 'VARCHAR' },
    });
    const ctx = new RecordingContext('to-db');
    const good = streamRecord({ n: 3, at: '2024-01-01T00:00:00Z', s: 5 });
    const fraction = streamRecord({ n: 1.5 });
    const badDate = streamRecord({ n: 1, at: 'yesterday' });
    for (const r of [good, fraction, badDate]) sink.process(r, ctx);
    expect(ctx.forwarded).toEqual([good]);
    expect(ctx.deadLetters.map((d) => [d.record, d.error.code, d.error.context.field])).toEqual([
      [fraction, 'FIELD_TYPE', 'n'],
      [badDate, 'FIELD_TYPE', 'at'],
    ]);
    expect(ctx.deadLetters[0]!.error.message).toBe(
      'field "n" does not fit DuckDB column t.n BIGINT: 1.5',
    );
    await sink.onCommit();
    expect(writer.values()).toEqual([[good.value]]);
  });

  it('drops what was not committed on close (it is processed again after a restart)', async () => {
    const writer = new FakeWriter();
    const sink = new DuckdbSinkProcessor(writer, { table: 't' });
    sink.process(streamRecord({ i: 1 }), new RecordingContext('to-db'));
    await sink.close();
    await sink.onCommit();
    expect(writer.batches).toEqual([]);
  });
});
