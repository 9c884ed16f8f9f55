import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CORRUPTION_KIND_NAMES } from '../../../src/cli/generate/corruptor.js';
import {
  DemoDataGenerator,
  type DemoDataOptions,
  type GeneratedMessage,
} from '../../../src/cli/generate/demo-data-generator.js';
import { FRAUD_PATTERNS } from '../../../src/cli/generate/fraud-patterns.js';

const START_MS = Date.UTC(2025, 0, 1);

function generate(count: number, options: Partial<DemoDataOptions> = {}): GeneratedMessage[] {
  return [...new DemoDataGenerator({ startMs: START_MS, ...options }).take(count)];
}

function digest(messages: readonly GeneratedMessage[]): string {
  const hash = createHash('sha256');
  for (const m of messages) {
    hash.update(`${m.topic}\0${m.key}\0${m.timestampMs}\0`);
    hash.update(m.value);
  }
  return hash.digest('hex');
}

type Json = Record<string, unknown>;
const parse = (m: GeneratedMessage): Json => JSON.parse(m.value.toString('utf8')) as Json;

const ACTIVITY_FIELDS = {
  event_id: 'string',
  user_id: 'string',
  session_id: 'string',
  item_id: 'string',
  category: 'string',
  event_type: 'string',
  ts: 'number',
};
const TXN_FIELDS = {
  txn_id: 'string',
  account_id: 'string',
  card_id: 'string',
  amount: 'number',
  currency: 'string',
  merchant_id: 'string',
  merchant_category: 'string',
  device_id: 'string',
  lat: 'number',
  lon: 'number',
  country: 'string',
  ts: 'number',
};

/** Problems with an event against its contract (empty = conforms). */
function contractProblems(m: GeneratedMessage): string[] {
  const v = parse(m);
  const fields = m.stream === 'activity' ? ACTIVITY_FIELDS : TXN_FIELDS;
  const problems = Object.entries(fields)
    .filter(([k, type]) => typeof v[k] !== type)
    .map(([k]) => `${k} is ${typeof v[k]}`);
  if (m.stream === 'activity') {
    if (!['view', 'add_to_cart', 'purchase'].includes(v.event_type as string))
      problems.push('event_type');
    if (v.event_type !== 'view' && typeof v.price !== 'number') problems.push('price');
    if (m.key !== v.user_id) problems.push('key');
    if (!/^user-\d{5}$/.test(v.user_id as string) || !/^item-\d{6}$/.test(v.item_id as string)) {
      problems.push('id format');
    }
  } else {
    if (m.key !== v.card_id) problems.push('key');
    if (!Number.isInteger(v.ts)) problems.push('ts');
  }
  if (m.timestampMs !== v.ts) problems.push('timestamp');
  return problems;
}

describe('DemoDataGenerator', () => {
  it('is byte-for-byte reproducible from the seed and options', () => {
    const options = { seed: 7, fraudRate: 0.03, corruptRate: 0.02 };
    const a = generate(30_000, options);
    const b = generate(30_000, options);
    expect(a.length).toBe(b.length);
    expect(digest(a)).toBe(digest(b));
    expect(digest(generate(30_000, { ...options, seed: 8 }))).not.toBe(digest(a));
    expect(digest(generate(30_000, { ...options, startMs: START_MS + 1 }))).not.toBe(digest(a));
  });

  it('writes every uncorrupted event in its contract, keyed as the contract says', () => {
    const messages = generate(40_000, { fraudRate: 0.05 });
    const problems = messages
      .filter((m) => m.stream !== 'fraud-labels')
      .flatMap((m) => contractProblems(m).map((p) => `${p}: ${m.value.toString()}`));
    expect(problems.slice(0, 5)).toEqual([]);
    const ids = messages
      .filter((m) => m.stream !== 'fraud-labels')
      .map((m) => {
        const v = parse(m);
        return (v.event_id ?? v.txn_id) as string;
      });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('labels each fraudulent transaction right after it, at about the fraud rate', () => {
    // 100 events/s of event time: 2000 s, long enough that incidents still unfolding at the
    // end (a takeover lasts minutes) do not bias the rate.
    const g = new DemoDataGenerator({
      startMs: START_MS,
      streams: ['transactions'],
      fraudRate: 0.01,
      eventRatePerSec: 100,
    });
    const messages = [...g.take(200_000)];
    const labels = messages.filter((m) => m.stream === 'fraud-labels');
    const txns = messages.filter((m) => m.stream === 'transactions');
    expect(txns).toHaveLength(200_000);
    expect(labels.length / txns.length).toBeGreaterThan(0.008);
    expect(labels.length / txns.length).toBeLessThan(0.012);
    messages.forEach((m, i) => {
      if (m.stream !== 'fraud-labels') return;
      const label = parse(m);
      const txn = parse(messages[i - 1]!);
      expect(label.txn_id).toBe(txn.txn_id);
      expect(m.key).toBe(txn.txn_id);
      expect(label.account_id).toBe(txn.account_id);
      expect(FRAUD_PATTERNS).toContain(label.pattern);
      expect(m.topic).toBe('fraud-labels');
    });
    const stats = g.stats();
    const labelled = FRAUD_PATTERNS.reduce((s, p) => s + stats.fraudTransactionsByPattern[p], 0);
    expect(labelled).toBe(labels.length);
    for (const p of FRAUD_PATTERNS) {
      expect(stats.fraudIncidentsByPattern[p]).toBeGreaterThan(100);
      expect(labels.filter((l) => parse(l).pattern === p)).toHaveLength(
        stats.fraudTransactionsByPattern[p],
      );
    }
    expect(stats.messagesByTopic).toEqual({ transactions: 200_000, 'fraud-labels': labels.length });
  });

  it('emits a card-testing incident in order: the probes, then the large payment', () => {
    const messages = generate(60_000, {
      streams: ['transactions'],
      fraudRate: 0.05,
      eventRatePerSec: 50,
    });
    const byIncident = new Map<string, Json[]>();
    messages.forEach((m, i) => {
      if (m.stream !== 'fraud-labels') return;
      const label = parse(m);
      if (label.pattern !== 'card_testing') return;
      const list = byIncident.get(label.incident_id as string) ?? [];
      list.push(parse(messages[i - 1]!));
      byIncident.set(label.incident_id as string, list);
    });
    expect(byIncident.size).toBeGreaterThan(50);
    let complete = 0;
    for (const txns of byIncident.values()) {
      const last = txns.at(-1)!;
      if ((last.amount as number) < 2) continue; // cut off by the end of the run
      complete++;
      expect(txns.length).toBeGreaterThanOrEqual(4);
      expect(txns.slice(0, -1).every((t) => (t.amount as number) < 2)).toBe(true);
      const span = (last.ts as number) - (txns[0]!.ts as number);
      expect(span).toBeLessThanOrEqual(150_000 + 5_000); // 2.5 min plus the largest lateness
    }
    expect(complete).toBeGreaterThan(50);
  });

  it('corrupts about the asked fraction, with every kind, and leaves the other messages alone', () => {
    const clean = generate(60_000, { seed: 3 });
    const g = new DemoDataGenerator({
      startMs: START_MS,
      seed: 3,
      corruptRate: 0.05,
      maxOversized: 2,
    });
    const dirty = [...g.take(60_000)];
    expect(dirty.length).toBe(clean.length);
    const corrupted = dirty.filter((m) => m.corruption !== undefined);
    expect(corrupted.length / 60_000).toBeGreaterThan(0.04);
    expect(corrupted.length / 60_000).toBeLessThan(0.06);
    const changed = dirty.filter((m, i) => {
      const original = clean[i]!;
      if (m.topic !== original.topic || m.key !== original.key) return true;
      return m.corruption === undefined
        ? !m.value.equals(original.value)
        : m.stream === 'fraud-labels';
    });
    expect(changed).toHaveLength(0);
    const stats = g.stats();
    for (const kind of CORRUPTION_KIND_NAMES) {
      expect(corrupted.filter((m) => m.corruption === kind)).toHaveLength(
        stats.corruptionsByKind[kind],
      );
      if (kind !== 'oversized') expect(stats.corruptionsByKind[kind]).toBeGreaterThan(100);
    }
    expect(stats.corruptionsByKind.oversized).toBeLessThanOrEqual(2);
    // Fraudulent payments are never corrupted: each label names a readable transaction.
    dirty.forEach((m, i) => {
      if (m.stream === 'fraud-labels') expect(dirty[i - 1]!.corruption).toBeUndefined();
    });
  });

  it('advances event time at the event rate, mostly in order, some late by up to late-max', () => {
    const jitter = { jitterMs: 300, jitterRate: 0.2, lateRate: 0.01, lateMaxMs: 5_000 };
    const g = new DemoDataGenerator({ startMs: START_MS, eventRatePerSec: 500, jitter });
    const events = [...g.take(50_000)].filter((m) => m.stream !== 'fraud-labels');
    let maxSeen = -Infinity;
    let outOfOrder = 0;
    let late = 0;
    let maxLagMs = 0;
    for (const m of events) {
      if (m.timestampMs < maxSeen) outOfOrder++;
      const lag = maxSeen - m.timestampMs;
      if (lag > 1_000) late++;
      maxLagMs = Math.max(maxLagMs, lag);
      maxSeen = Math.max(maxSeen, m.timestampMs);
    }
    expect(outOfOrder / events.length).toBeGreaterThan(0.1);
    expect(outOfOrder / events.length).toBeLessThan(0.3);
    expect(late / events.length).toBeGreaterThan(0.004);
    expect(late / events.length).toBeLessThan(0.015);
    expect(maxLagMs).toBeLessThanOrEqual(5_000 + 50);
    const spanMs = g.stats().lastEventMs - START_MS;
    expect(spanMs / 1000).toBeGreaterThan(95); // 50k events at 500/s ≈ 100 s of event time
    expect(spanMs / 1000).toBeLessThan(105);
  });

  it('emits strictly ordered event time when jitter is off', () => {
    const jitter = { jitterMs: 0, jitterRate: 0, lateRate: 0, lateMaxMs: 0 };
    const ts = generate(20_000, { jitter, fraudRate: 0 }).map((m) => m.timestampMs);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });

  it('produces only the asked streams, under the given topic names', () => {
    const topicNames = {
      activity: 't-user-activity',
      transactions: 't-transactions',
      fraudLabels: 't-fraud-labels',
    };
    const g = new DemoDataGenerator({ startMs: START_MS, streams: ['activity'], topicNames });
    expect(g.topics()).toEqual(['t-user-activity']);
    expect(new Set([...g.take(1_000)].map((m) => m.topic))).toEqual(new Set(['t-user-activity']));
    const both = new DemoDataGenerator({ startMs: START_MS, topicNames });
    expect(both.topics()).toEqual(['t-user-activity', 't-transactions', 't-fraud-labels']);
  });

  it('rejects impossible options with every problem listed', () => {
    expect(
      () => new DemoDataGenerator({ startMs: START_MS, users: 0, fraudRate: 1, streams: [] }),
    ).toThrow(/users.*fraudRate.*at least one stream/);
  });
});
