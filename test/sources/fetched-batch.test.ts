import { describe, expect, it } from 'vitest';
import { FieldProjector } from '../../src/codecs/value-projection.js';
import { predecodedValue, rawKeyText, type RawRecord } from '../../src/core/record.js';
import {
  encodeFetchedBatch,
  sourceBatchOf,
  transferList,
  type FetchedBatchMessage,
  type KafkaBatchLike,
} from '../../src/sources/kafka/fetched-batch.js';
import { RECORD_OVERHEAD_BYTES, type SourceBatch } from '../../src/sources/kafka/kafka-source.js';

type Message = KafkaBatchLike['messages'][number];

function message(offset: string, key: string | null, value: string | null, headers = {}): Message {
  return {
    offset,
    timestamp: String(1_767_225_600_000 + Number(offset.slice(-3))),
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    headers,
  };
}

function batchOf(messages: Message[]): KafkaBatchLike {
  return { topic: 'payments', partition: 3, highWatermark: '900', messages };
}

/** Packs and moves the message as the consumer thread does (its buffers transferred). */
function acrossThreads(batch: KafkaBatchLike): FetchedBatchMessage {
  const packed = encodeFetchedBatch(batch, '100', '105');
  return structuredClone(packed, { transfer: transferList(packed) });
}

/** Every record of a batch, made as the runner makes them for a chunk. */
function allRecords(batch: SourceBatch): RawRecord[] {
  return batch.records.slice(0, batch.records.length);
}

/** What the runner reads of a record, as plain data. */
function plain(r: RawRecord): Record<string, unknown> {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestampMs: r.timestampMs,
    key: r.key?.toString('utf8') ?? null,
    keyText: rawKeyText(r),
    value: r.value?.toString('utf8') ?? null,
    headers: { ...r.headers },
  };
}

describe('fetched batch', () => {
  it('carries every record across: keys, values, headers, offsets and timestamps', () => {
    const messages = [
      message('100', 'acct-1', '{"amount":1}'),
      message('101', null, '{"amount":2}'),
      message('103', 'é€', null), // offsets need not be contiguous (compaction)
      message('104', '', '', { 'sluice-ts': Buffer.from('42'), trace: [Buffer.from('a'), 'b'] }),
      message('105', 'k', '{}', JSON.parse('{"__proto__":"x"}') as object),
    ];
    const batch = sourceBatchOf(acrossThreads(batchOf(messages)), undefined);
    expect(batch).toMatchObject({
      topic: 'payments',
      partition: 3,
      highWatermark: '900',
      fetchedOffset: '100',
      lastOffset: '105',
    });
    expect(allRecords(batch).map(plain)).toEqual(
      messages
        .map((m) => ({
          topic: 'payments',
          partition: 3,
          offset: m.offset,
          timestampMs: Number(m.timestamp),
          key: m.key?.toString('utf8') ?? null,
          keyText: m.key?.toString('utf8') ?? null,
          value: m.value?.toString('utf8') ?? null,
          headers: {},
        }))
        .map((expected, i) =>
          i === 3
            ? { ...expected, headers: { 'sluice-ts': '42', trace: 'a,b' } }
            : i === 4
              ? { ...expected, headers: JSON.parse('{"__proto__":"x"}') as object }
              : expected,
        ),
    );
    // Timestamps without making records, and records made for a chunk only.
    const { records } = batch;
    expect(messages.map((_m, i) => records.timestampAt(i))).toEqual(
      messages.map((m) => Number(m.timestamp)),
    );
    expect(records.slice(2, 4).map((r) => r.offset)).toEqual(['103', '104']);
    expect(records.slice(4, 99).map((r) => r.offset)).toEqual(['105']);
    // A header named __proto__ is a plain entry, not a prototype.
    expect(Object.getPrototypeOf(allRecords(batch)[4]!.headers)).toBeNull();
    expect(allRecords(batch).map((r) => r.predecoded)).toEqual(messages.map(() => undefined));
  });

  it('carries long header names and values', () => {
    const name = 'n'.repeat(70_000);
    const value = 'v€'.repeat(40_000);
    const batch = sourceBatchOf(
      acrossThreads(batchOf([message('1', 'a', '{}', { [name]: Buffer.from(value) })])),
      undefined,
    );
    expect(allRecords(batch)[0]!.headers).toEqual({ [name]: value });
  });

  it('estimates the heap the records hold as the in-process source does', () => {
    const messages = [message('1', 'ab', 'cdef'), message('2', null, null)];
    expect(encodeFetchedBatch(batchOf(messages), '1', '2').bytes).toBe(
      6 + 2 * RECORD_OVERHEAD_BYTES,
    );
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const big = '9007199254740993'; // 2^53 + 1: not a float64
    const batch = sourceBatchOf(
      acrossThreads(batchOf([message('9007199254740992', 'a', '{}'), message(big, 'b', '{}')])),
      undefined,
    );
    expect(allRecords(batch).map((r) => r.offset)).toEqual(['9007199254740992', big]);
  });

  it('decodes the fields a job reads as the batch arrives', () => {
    const batch = sourceBatchOf(
      acrossThreads(
        batchOf([
          message('1', 'a', '{"amount":12.5,"pad":"x","ts":7}'),
          message('2', 'b', '{"amount":'),
          message('3', 'c', null),
        ]),
      ),
      new FieldProjector(['amount', 'ts'], 1024),
    );
    expect(allRecords(batch).map(predecodedValue)).toEqual([
      { amount: 12.5, ts: 7 },
      undefined,
      undefined,
    ]);
    // The bytes stay available, for processing's own decoding and for dead letters.
    expect(allRecords(batch)[1]!.value?.toString()).toBe('{"amount":');
  });

  it('gives keys as text, whether or not all keys of a batch are ASCII, short or long', () => {
    const ascii = ['a', '', null, 'key-00000012', 'key-000000013', 'k'.repeat(40), 'key-2'];
    const mixed = [...ascii, 'clé-é', '€'];
    for (const keys of [ascii, mixed]) {
      const batch = sourceBatchOf(
        acrossThreads(batchOf(keys.map((k, i) => message(String(100 + i), k, '{}')))),
        undefined,
      );
      const records = allRecords(batch);
      expect(records.map((r) => rawKeyText(r))).toEqual(keys);
      expect(records.map((r) => r.key?.toString('utf8') ?? null)).toEqual(keys);
      expect(records.map((r) => r.value?.toString('utf8'))).toEqual(keys.map(() => '{}'));
    }
  });

  it('packs an empty batch', () => {
    const batch = sourceBatchOf(acrossThreads(batchOf([])), undefined);
    expect(batch.records.length).toBe(0);
    expect(allRecords(batch)).toEqual([]);
  });
});
