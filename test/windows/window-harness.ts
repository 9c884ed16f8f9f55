// Drives a WindowOperator the way a task does (prepareBatch → process each record → onWatermark),
// with a fake ProcessorContext that collects forwarded and dead-lettered records.

import type { SluiceError } from '../../src/core/errors.js';
import type { ProcessorContext } from '../../src/core/processor.js';
import type { JsonObject, JsonValue, StreamRecord } from '../../src/core/record.js';
import type { KeyValueStore } from '../../src/core/store.js';
import { MemoryKeyValueStore } from '../../src/state/memory/memory-key-value-store.js';
import type { Aggregator } from '../../src/windows/aggregators/aggregator.js';
import type { StoredWindows } from '../../src/windows/stored-window.js';
import { WindowOperator, type WindowOperatorOptions } from '../../src/windows/window-operator.js';

export interface Harness {
  readonly op: WindowOperator;
  readonly store: KeyValueStore<StoredWindows>;
  readonly ctx: ProcessorContext;
  readonly forwarded: StreamRecord[];
  readonly deadLetters: Array<{ record: StreamRecord; error: SluiceError }>;
  readonly late: { count: number };
}

let offset = 0;

export function rec(
  key: string | null,
  timestampMs: number,
  value: JsonObject = {},
  headers: Record<string, string> = {},
): StreamRecord {
  const raw = {
    topic: 'in',
    partition: 0,
    offset: String(offset++),
    timestampMs,
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from(JSON.stringify(value)),
    headers,
  };
  return { key, value, timestampMs, headers, origin: raw, raw };
}

export function fakeContext(
  store: KeyValueStore<unknown>,
  forwarded: StreamRecord[],
  deadLetters: Array<{ record: StreamRecord; error: SluiceError }>,
  late: { count: number },
  checkpoint = new Map<string, string>(),
): ProcessorContext {
  return {
    taskId: { job: 'job', subtopology: 0, partition: 0 },
    node: 'win',
    forward: (record) => forwarded.push(record),
    send: () => {
      throw new Error('a window node does not send to topics');
    },
    deadLetter: (record, error) => deadLetters.push({ record, error }),
    getStore: <S>(name: string): S => {
      if (name !== store.name) throw new Error(`unknown store ${name}`);
      return store as S;
    },
    countLate: () => {
      late.count++;
    },
    nowMs: () => 0,
    checkpoint: {
      get: (name) => checkpoint.get(name),
      set: (name, value) => {
        checkpoint.set(name, value);
      },
    },
  };
}

export async function harness(
  options: Omit<WindowOperatorOptions, 'storeName'> & { storeName?: string },
  store: KeyValueStore<StoredWindows> = new MemoryKeyValueStore<StoredWindows>(
    options.storeName ?? 'win-store',
    { copyValues: true },
  ),
  /** The task checkpoint's values: pass the same map to a "restarted" harness. */
  checkpoint = new Map<string, string>(),
): Promise<Harness> {
  const op = new WindowOperator({ storeName: store.name, ...options });
  const forwarded: StreamRecord[] = [];
  const deadLetters: Array<{ record: StreamRecord; error: SluiceError }> = [];
  const late = { count: 0 };
  const ctx = fakeContext(store, forwarded, deadLetters, late, checkpoint);
  await op.init(ctx);
  return { op, store, ctx, forwarded, deadLetters, late };
}

/** Pipes records in batches as a task would; the watermark is the max event time seen. */
export async function pipe(
  h: Harness,
  records: readonly StreamRecord[],
  batchSize = 1,
): Promise<void> {
  let watermark = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < records.length; i += batchSize) {
    const batch = records.slice(i, i + batchSize);
    const keys = batch.flatMap((r) => (r.key === null ? [] : [r.key]));
    await h.op.prepareBatch(keys, h.ctx);
    for (const r of batch) {
      if (r.timestampMs > watermark) watermark = r.timestampMs;
      h.op.process(r, h.ctx);
    }
    h.op.onWatermark(watermark, h.ctx);
  }
}

/** Like Kafka's MockAggregator.TOSTRING_ADDER: "0", then "+value" per record. */
export function concatAggregator(): Aggregator<string, string> {
  return {
    stateId: 'concat.test',
    input: 'any',
    initial: () => '0',
    add: (acc: string, value: JsonValue) =>
      `${acc}+${typeof value === 'string' ? value : JSON.stringify(value)}`,
    result: (acc: string) => acc,
    merge: (a: string, b: string) => a + b.slice(1),
  };
}

/** A record key|value|timestamp triple as Kafka Streams tests print them. */
export interface Emitted {
  key: string;
  startMs: number;
  endMs: number;
  value: JsonValue;
  timestampMs: number;
}

export function emitted(records: readonly StreamRecord[], field = 'agg'): Emitted[] {
  return records.map((r) => ({
    key: r.value.key as string,
    startMs: r.value.startMs as number,
    endMs: r.value.endMs as number,
    value: r.value.retracted === true ? null : (r.value[field] ?? null),
    timestampMs: r.timestampMs,
  }));
}
