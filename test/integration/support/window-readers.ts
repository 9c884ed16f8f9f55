// What a proof compares against the oracle: the input topic read back whole, the last value of
// each window on the output topic, and the windows a running instance serves over its API.

import type { RawRecord } from '../../../src/core/record.js';
import { KafkaAdmin } from '../../../src/sources/kafka/kafka-admin.js';
import { KafkaChangelogReader } from '../../../src/sources/kafka/kafka-changelog-reader.js';
import type { SluiceProcess } from './sluice-process.js';
import type { WindowTable, WindowTotals } from './window-oracle.js';

/** Largest `limit` the windows route accepts (MAX_WINDOW_LIMIT in src/api/routes/store-routes.ts). */
const PAGE_LIMIT = 10_000;

/**
 * Every record of `topic` up to its current end offsets, partition by partition, each in offset
 * order (partition 0 first).
 */
export async function readWholeTopic(
  brokers: readonly string[],
  topic: string,
): Promise<RawRecord[]> {
  const admin = await KafkaAdmin.connect(brokers, 'proof-topic-reader');
  let ends: Map<number, string>;
  try {
    ends = await admin.endOffsets(topic);
  } finally {
    await admin.close();
  }
  const reader = new KafkaChangelogReader(brokers);
  const out: RawRecord[] = [];
  try {
    for (const [partition, end] of [...ends].sort((a, b) => a[0] - b[0])) {
      for await (const batch of reader.readPartition(topic, partition, {
        fromOffset: '0',
        toOffset: end,
      })) {
        for (const r of batch) out.push(r);
      }
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** Sum of the end offsets of a topic: its record count while nothing was deleted or compacted. */
export async function topicSize(brokers: readonly string[], topic: string): Promise<number> {
  const admin = await KafkaAdmin.connect(brokers, 'proof-topic-size');
  try {
    let n = 0;
    for (const end of (await admin.endOffsets(topic)).values()) n += Number(end);
    return n;
  } finally {
    await admin.close();
  }
}

/**
 * The last value per window key (`key|startMs`) among a window node's output records — what a
 * consumer of the output topic ends up believing. `records` must be in offset order per partition.
 */
export function lastOutputWindows(records: readonly RawRecord[]): WindowTable {
  const table: WindowTable = new Map();
  for (const r of records) {
    if (r.key === null || r.value === null) continue;
    const value = JSON.parse(r.value.toString('utf8')) as Record<string, unknown>;
    table.set(r.key.toString('utf8'), totalsOf(value));
  }
  return table;
}

interface WindowRowJson {
  key: string;
  startMs: number;
  endMs: number;
  value: Record<string, unknown>;
}

/**
 * Windows a running instance serves for its own partitions: `GET /stores/:store/windows` one
 * window size at a time over [fromMs, toMs), so no page reaches the route's limit.
 */
export async function servedWindows(
  instance: SluiceProcess,
  store: string,
  range: { fromMs: number; toMs: number; sizeMs: number },
): Promise<WindowTable> {
  const table: WindowTable = new Map();
  for (let from = range.fromMs; from < range.toMs; from += range.sizeMs) {
    const path = `/stores/${encodeURIComponent(store)}/windows?from=${from}&to=${from + range.sizeMs}&limit=${PAGE_LIMIT}`;
    const res = await instance.getJson<{ windows: WindowRowJson[] }>(path, 60_000);
    if (res.status !== 200) {
      throw new Error(`GET ${path} → ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    if (res.body.windows.length >= PAGE_LIMIT) {
      throw new Error(`GET ${path} returned a full page: the comparison would miss windows`);
    }
    for (const w of res.body.windows) {
      // A tumbling window overlaps exactly one page; keep the first sighting anyway.
      const id = `${w.key}|${w.startMs}`;
      if (!table.has(id)) table.set(id, totalsOf(w.value));
    }
  }
  return table;
}

/** The span of window starts in a table, widened by one window on each side: [fromMs, toMs). */
export function windowSpan(table: WindowTable, sizeMs: number): { fromMs: number; toMs: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const id of table.keys()) {
    const start = Number(id.slice(id.lastIndexOf('|') + 1));
    if (start < min) min = start;
    if (start > max) max = start;
  }
  return { fromMs: Math.max(0, min - sizeMs), toMs: max + 2 * sizeMs };
}

function totalsOf(value: Record<string, unknown>): WindowTotals {
  const events = value['events'];
  const revenue = value['revenue'];
  return {
    events: typeof events === 'number' ? events : Number.NaN,
    revenue: typeof revenue === 'number' ? revenue : Number.NaN,
  };
}
