// bin/patch-kafkajs.js patches kafkajs' producer at install; these tests check that the patches
// are in place and give the same bytes and results as the code they replace.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);

interface LongValue {
  getHighBits(): number;
  getLowBits(): number;
  toInt(): number;
  multiply(other: LongValue): LongValue;
  xor(other: LongValue | number): LongValue;
}
interface LongStatic {
  fromValue(v: number | string | LongValue): LongValue;
  fromInt(v: number): LongValue;
  fromNumber(v: number): LongValue;
}
interface KafkajsMessage {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  timestamp?: string;
  headers?: Record<string, Buffer | string | Array<Buffer | string>>;
}
interface EncoderLike {
  buffer: Buffer;
}
type RecordEncoder = (
  args: KafkajsMessage & { offsetDelta: number; timestampDelta: number },
) => EncoderLike;
type RecordBatchEncoder = (args: Record<string, unknown>) => Promise<EncoderLike>;
type FastRecordBatch = (args: {
  messages: KafkajsMessage[];
  transactional: boolean;
  producerId: LongValue;
  producerEpoch: number;
  firstSequence: number;
}) => Buffer | null;

const Long = require('kafkajs/src/utils/long.js') as LongStatic;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as RecordEncoder;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: RecordBatchEncoder;
};
const { encodeRecordBatch } = require('../../../bin/kafkajs-patches/fast-record-batch.cjs') as {
  encodeRecordBatch: FastRecordBatch;
};
const fastMurmur2 = require('../../../bin/kafkajs-patches/murmur2.cjs') as (key: Buffer) => number;

/** kafkajs 2.2.4's produce v3 partition encoding, unpatched (as in its request.js). */
async function kafkajsRecordBatch(
  messages: KafkajsMessage[],
  opts: {
    transactional: boolean;
    producerId: LongValue;
    producerEpoch: number;
    firstSequence: number;
  },
): Promise<Buffer> {
  const dateNow = Date.now();
  const messageTimestamps = messages
    .map((m) => m.timestamp)
    .filter((t) => t != null)
    .sort();
  const timestamps = messageTimestamps.length === 0 ? [dateNow] : messageTimestamps;
  const firstTimestamp = timestamps[0]!;
  const maxTimestamp = timestamps[timestamps.length - 1]!;
  const records = messages.map((message, i) =>
    Record({
      ...message,
      offsetDelta: i,
      timestampDelta: Number(message.timestamp || dateNow) - Number(firstTimestamp),
    }),
  );
  const batch = await RecordBatch({
    compression: 0,
    records,
    firstTimestamp,
    maxTimestamp,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    firstSequence: opts.firstSequence,
    transactional: opts.transactional,
    lastOffsetDelta: records.length - 1,
  });
  return batch.buffer;
}

/** kafkajs 2.2.4's murmur2, unpatched: Kafka's Utils.murmur2 in 64-bit Long arithmetic. */
function kafkajsMurmur2(data: Buffer): number {
  const M = Long.fromValue(0x5bd1e995);
  let h = Long.fromValue(Long.fromValue(0x9747b28c).xor(data.length));
  const length4 = Math.floor(data.length / 4);
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    const word = data[i4]! + (data[i4 + 1]! << 8) + (data[i4 + 2]! << 16) + (data[i4 + 3]! << 24);
    let k = Long.fromValue(word).multiply(M);
    k = k.xor(k.toInt() >>> 24);
    k = Long.fromValue(k).multiply(M);
    h = h.multiply(M).xor(k);
  }
  const tail = data.length & ~3;
  const rest = data.length % 4;
  if (rest === 3) h = h.xor(data[tail + 2]! << 16);
  if (rest >= 2) h = h.xor(data[tail + 1]! << 8);
  if (rest >= 1) h = h.xor(data[tail]!).multiply(M);
  h = h.xor(h.toInt() >>> 13).multiply(M);
  h = h.xor(h.toInt() >>> 15);
  return h.toInt();
}

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytesOrText(rand: () => number): Buffer | string | null | undefined {
  const pick = rand();
  const length = rand() < 0.1 ? Math.floor(rand() * 20_000) : Math.floor(rand() * 300);
  const text = Array.from({ length }, () =>
    rand() < 0.05
      ? 'é€😀'[Math.floor(rand() * 3)]!
      : String.fromCharCode(32 + Math.floor(rand() * 90)),
  ).join('');
  if (pick < 0.1) return null;
  if (pick < 0.15) return undefined;
  if (pick < 0.55) return text;
  return Buffer.from(text, 'utf8');
}

function randomMessages(rand: () => number): KafkajsMessage[] {
  const count = 1 + Math.floor(rand() * 40);
  const baseMs = 1_700_000_000_000 + Math.floor(rand() * 1e9);
  const timestamps = rand();
  return Array.from({ length: count }, () => {
    const m: KafkajsMessage = { key: randomBytesOrText(rand), value: randomBytesOrText(rand) };
    if (timestamps < 0.7 || (timestamps < 0.85 && rand() < 0.5)) {
      m.timestamp = String(baseMs + Math.floor(rand() * 5_000_000));
    }
    if (rand() < 0.5) {
      m.headers = {
        origin: 'p3:1234',
        bytes: Buffer.from([0, 1, 255]),
        many: ['a', Buffer.from('b'), 'ç'],
      };
    } else if (rand() < 0.2) {
      m.headers = {};
    }
    return m;
  });
}

describe('one-pass record batch (bin/kafkajs-patches/fast-record-batch.cjs)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives the same bytes as kafkajs for 300 random batches', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_123_456);
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed);
      const messages = randomMessages(rand);
      const opts = {
        transactional: rand() < 0.3,
        producerId: rand() < 0.5 ? Long.fromInt(-1) : Long.fromNumber(123_456_789_012),
        producerEpoch: rand() < 0.5 ? 0 : 7,
        firstSequence: rand() < 0.5 ? 0 : 4_242,
      };
      const fast = encodeRecordBatch({ messages, ...opts });
      const expected = await kafkajsRecordBatch(messages, opts);
      expect(fast, `seed ${seed}`).not.toBeNull();
      expect(fast!.equals(expected), `seed ${seed}`).toBe(true);
    }
  });

  it('leaves shapes kafkajs encodes its own way to kafkajs', () => {
    const opts = {
      transactional: false,
      producerId: Long.fromInt(-1),
      producerEpoch: 0,
      firstSequence: 0,
    };
    const cases: unknown[] = [
      [],
      [{ value: 12 }],
      [{ value: 'x', timestamp: '' }],
      [{ value: 'x', timestamp: '1e12' }],
      [{ value: 'x', headers: { n: 5 } }],
      [{ value: 'x', headers: null }],
    ];
    for (const messages of cases) {
      expect(encodeRecordBatch({ ...opts, messages: messages as KafkajsMessage[] })).toBeNull();
    }
  });
});

describe('kafkajs as installed (bin/patch-kafkajs.js)', () => {
  type Group = (args: {
    topic: string;
    partitionMetadata: unknown[];
    messages: Array<{ n: number }>;
    partitioner: (args: { message: { n: number } }) => number;
  }) => Record<string, Array<{ n: number }>>;
  const group = require('kafkajs/src/producer/groupMessagesPerPartition.js') as Group;
  const installedMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
    key: Buffer,
  ) => number;
  const source = (path: string): string => readFileSync(require.resolve(path), 'utf8');

  it('has all three patches applied', () => {
    const grouping = source('kafkajs/src/producer/groupMessagesPerPartition.js');
    expect(grouping).toContain('Patched by sluice');
    expect(grouping).not.toContain('[...current, message]');
    expect(source('kafkajs/src/producer/partitioners/default/murmur2.js')).toBe(
      source('../../../bin/kafkajs-patches/murmur2.cjs'),
    );
    expect(source('kafkajs/src/protocol/requests/produce/v3/request.js')).toContain(
      "require('../../../recordBatch/v0/sluice-fast-record-batch').encodeRecordBatch",
    );
    expect(source('kafkajs/src/protocol/recordBatch/v0/sluice-fast-record-batch.js')).toBe(
      source('../../../bin/kafkajs-patches/fast-record-batch.cjs'),
    );
  });

  it('groups messages by partition keeping their order', () => {
    const messages = Array.from({ length: 10 }, (_, n) => ({ n }));
    const out = group({
      topic: 't',
      partitionMetadata: [{}],
      messages,
      partitioner: ({ message }) => message.n % 3,
    });
    expect(out).toEqual({
      0: [{ n: 0 }, { n: 3 }, { n: 6 }, { n: 9 }],
      1: [{ n: 1 }, { n: 4 }, { n: 7 }],
      2: [{ n: 2 }, { n: 5 }, { n: 8 }],
    });
    expect(group({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual(
      {},
    );
  });

  it("hashes keys as Kafka's Utils.murmur2 and as kafkajs' Long version did", () => {
    // Kafka's UtilsTest.testMurmur2 vectors.
    expect(installedMurmur2(Buffer.from('21'))).toBe(-973932308);
    expect(installedMurmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(installedMurmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(installedMurmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    const rand = prng(7);
    for (let n = 0; n < 2_000; n++) {
      const bytes = Buffer.from(Array.from({ length: n % 67 }, () => Math.floor(rand() * 256)));
      expect(fastMurmur2(bytes), `bytes ${bytes.toString('hex')}`).toBe(kafkajsMurmur2(bytes));
    }
  });
});
