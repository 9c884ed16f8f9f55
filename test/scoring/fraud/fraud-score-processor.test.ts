// The fraud-score node run whole by the TestDriver: transactions keyed by card are re-keyed by
// account, scored, alerted (the fraud-alerts contract), learned (not from alerts), kept in
// queryable stores that survive a restart, and rules reloaded from a watched file.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/core/record.js';
import type { FraudRuleSpec, FraudScoreNodeSpec, JobSpec } from '../../../src/jobs/job-spec.js';
import { job } from '../../../src/jobs/job-builder.js';
import { buildTopology } from '../../../src/jobs/topology-builder.js';
import { TestDriver } from '../../../src/runtime/test-driver.js';
import type { AccountState } from '../../../src/scoring/fraud/account-state.js';
import { fraudAlertRows } from '../../../src/scoring/fraud/fraud-alert-log.js';
import { findFraudQueryStores } from '../../../src/scoring/fraud/fraud-query-stores.js';
import { fraudAccountRows } from '../../../src/scoring/fraud/fraud-score-processor.js';

const T0 = 1_700_000_000_000;

const RULES: FraudRuleSpec[] = [
  { name: 'big', when: 'amount >= 1000', weight: 0.6, reason: 'big amount' },
  { name: 'device', when: 'new_device and txn_count >= 2', weight: 0.3, reason: 'new device' },
  { name: 'far', when: 'impossible_travel', weight: 0.5, reason: 'impossible travel' },
];

function fraudNode(overrides: Partial<FraudScoreNodeSpec> = {}): FraudScoreNodeSpec {
  return {
    kind: 'fraud-score',
    name: 'score',
    windows: { '1m': '1m', '1h': '1h' },
    profile: { warmup: 2 },
    geo: { minDistanceKm: 100, impossibleSpeedKmh: 900 },
    cardTesting: { window: '5m', smallAmount: 2, largeAmount: 100, minSmall: 3 },
    rules: RULES,
    alert: { threshold: 0.5, topic: 'alerts', keep: 2 },
    store: { name: 'accounts', alertsName: 'recent-alerts' },
    ...overrides,
  };
}

function fraudJob(node: FraudScoreNodeSpec = fraudNode(), keyBy = true): JobSpec {
  const b = job('fraud-test').from({ topics: ['transactions'], timestampField: 'ts' });
  if (keyBy) b.keyBy('by-account', 'account_id');
  return b.node(node).toTopic('scored', 'scored').build();
}

let seq = 0;
beforeEach(() => {
  seq = 0;
});

function txn(overrides: JsonObject = {}): JsonObject {
  return {
    txn_id: `t${seq++}`,
    account_id: 'acct-1',
    card_id: 'card-1',
    amount: 20,
    currency: 'EUR',
    merchant_id: 'm1',
    merchant_category: 'grocery',
    device_id: 'dev-1',
    lat: 52.37,
    lon: 4.9,
    country: 'NL',
    ts: T0,
    ...overrides,
  };
}

async function pipe(driver: TestDriver, values: JsonObject[]): Promise<void> {
  await driver.pipe(
    'transactions',
    values.map((v) => ({ key: v['card_id'] as string, value: v, timestampMs: Number(v['ts']) })),
  );
}

describe('fraud-score node', () => {
  it('alerts with the fraud-alerts contract, keyed by account_id', async () => {
    const driver = new TestDriver(buildTopology(fraudJob()));
    driver.clock.set(T0 + 42);
    await pipe(driver, [
      txn({ ts: T0 }),
      txn({ ts: T0 + 1000 }),
      txn({ ts: T0 + 2000, amount: 5000, card_id: 'card-2' }),
    ]);
    const alerts = driver.outputs('alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.key).toBe('acct-1');
    expect(alerts[0]!.value).toEqual({
      txn_id: 't2',
      account_id: 'acct-1',
      card_id: 'card-2',
      score: 0.6,
      reasons: ['big amount'],
      ts: T0 + 2000,
      emitted_at: T0 + 42,
    });
    // Every payment goes on with its score and reasons.
    const scored = driver.outputs('scored').map((o) => o.value as JsonObject);
    expect(scored.map((v) => [v['txn_id'], v['fraud_score'], v['fraud_reasons']])).toEqual([
      ['t0', 0, []],
      ['t1', 0, []],
      ['t2', 0.6, ['big amount']],
    ]);
    expect(driver.deadLetters()).toEqual([]);
  });

  it('combines rules: 1 − (1 − 0.3)(1 − 0.5) = 0.65', async () => {
    const driver = new TestDriver(buildTopology(fraudJob()));
    // Two learned payments at home, then a new device 1,000+ km away a minute later.
    await pipe(driver, [
      txn({ ts: T0 }),
      txn({ ts: T0 + 1000 }),
      txn({ ts: T0 + 61_000, device_id: 'dev-x', lat: 40.42, lon: -3.7, country: 'ES' }),
    ]);
    const [alert] = driver.outputs('alerts').map((o) => o.value as JsonObject);
    expect(alert?.['score']).toBe(0.65);
    expect(alert?.['reasons']).toEqual(['new device', 'impossible travel']);
  });

  it('does not learn from payments that alerted: the fraudster stays new and far', async () => {
    const driver = new TestDriver(buildTopology(fraudJob()));
    const far = { device_id: 'dev-x', lat: 40.42, lon: -3.7, country: 'ES' };
    await pipe(driver, [
      txn({ ts: T0 }),
      txn({ ts: T0 + 1000 }),
      txn({ ts: T0 + 61_000, ...far }),
      txn({ ts: T0 + 62_000, ...far }),
      txn({ ts: T0 + 63_000 }),
    ]);
    // The second far payment alerts too: its device is still new, home is still the last place.
    expect(driver.outputs('alerts').map((o) => (o.value as JsonObject)['txn_id'])).toEqual([
      't2',
      't3',
    ]);
    const state = driver.store<AccountState>('accounts')!.get('acct-1')!;
    expect(state.devices.map((d) => d[0])).toEqual(['dev-1']);
    expect(state.countries.map((c) => c[0])).toEqual(['NL']);
    expect(state.amount.n).toBe(3);
    expect(state.scored).toBe(5);
    expect(state.recent).toHaveLength(5);
    // Back home: nothing unusual.
    expect(state.last_score).toMatchObject({ txn_id: 't4', score: 0, alerted: false });
  });

  it('learns from alerts when learnFromAlerts is set', async () => {
    const node = fraudNode({ profile: { warmup: 2, learnFromAlerts: true } });
    const driver = new TestDriver(buildTopology(fraudJob(node)));
    const far = { device_id: 'dev-x', lat: 40.42, lon: -3.7, country: 'ES' };
    await pipe(driver, [
      txn({ ts: T0 }),
      txn({ ts: T0 + 1000 }),
      txn({ ts: T0 + 61_000, ...far }),
      txn({ ts: T0 + 62_000, ...far }),
    ]);
    // The second payment from Madrid: known device, 0 km from the last learned payment.
    expect(driver.outputs('alerts')).toHaveLength(1);
  });

  it('dead-letters a payment that breaks the contract, or that is not keyed by account', async () => {
    const driver = new TestDriver(buildTopology(fraudJob()));
    const { amount: _, ...noAmount } = txn();
    await pipe(driver, [noAmount, txn({ lat: 'north' })]);
    const reasons = driver.deadLetters().map((d) => d.headers);
    expect(driver.deadLetters()).toHaveLength(2);
    expect(JSON.stringify(reasons)).toMatch(/FIELD_MISSING/);
    expect(JSON.stringify(reasons)).toMatch(/FIELD_TYPE/);

    const unkeyed = new TestDriver(buildTopology(fraudJob(fraudNode(), false)));
    await pipe(unkeyed, [txn()]);
    const [dead] = unkeyed.deadLetters();
    expect(JSON.stringify(dead?.headers)).toMatch(/keyed by account_id/);
    expect(unkeyed.outputs('scored')).toEqual([]);
  });

  it('keeps the last `keep` alerts per task in the alert store, as API rows', async () => {
    const driver = new TestDriver(buildTopology(fraudJob()));
    driver.clock.set(5000);
    await pipe(
      driver,
      [1, 2, 3].map((i) => txn({ ts: T0 + i, amount: 2000 + i })),
    );
    const store = driver.store<unknown>('recent-alerts')!;
    expect(store.get('head')).toEqual({ next: 3 });
    // keep 2: slot 0 now holds the third alert (seq 2), slot 1 the second.
    const rows = ['slot-0', 'slot-1'].flatMap((k) => fraudAlertRows(k, store.get(k)));
    expect(rows.map((r) => [r['seq'], r['txn_id'], r['startMs']])).toEqual([
      [2, 't2', 5000],
      [1, 't1', 5000],
    ]);
    expect(fraudAlertRows('slot-0', store.get('slot-0'), 5001)).toEqual([]);
    expect(fraudAlertRows('head', store.get('head'))).toEqual([]);
  });

  it('state and the alert ring survive a restart (plain JSON)', async () => {
    const driver = new TestDriver(buildTopology(fraudJob()));
    await pipe(driver, [txn({ ts: T0 }), txn({ ts: T0 + 1, amount: 3000 })]);
    await driver.commit();
    const before = JSON.stringify(driver.store('accounts')!.get('acct-1'));
    await driver.restart();
    expect(JSON.stringify(driver.store('accounts')!.get('acct-1'))).toBe(before);
    await pipe(driver, [txn({ ts: T0 + 2, amount: 4000 })]);
    expect(driver.store<unknown>('recent-alerts')!.get('head')).toEqual({ next: 2 });
  });

  it('presents an account as one row: profile, features and the latest score', async () => {
    const topology = buildTopology(fraudJob());
    const driver = new TestDriver(topology);
    await pipe(driver, [txn({ ts: T0 }), txn({ ts: T0 + 1000, amount: 40, card_id: 'card-2' })]);
    // The view the node declares (what the query API uses) adds the velocity features.
    const view = topology.subtopologies[1]!.nodes[0]!.stores[0]!.view!;
    const value = driver.store('accounts')!.get('acct-1');
    const [row] = view('acct-1', value);
    expect(row).toMatchObject({
      key: 'acct-1',
      startMs: T0 + 1000,
      endMs: T0 + 1001,
      scored: 2,
      profile: {
        learned: 2,
        amount_mean: 30,
        amount_stddev: 14.1421,
        devices: [{ id: 'dev-1', count: 2, last_seen: T0 + 1000 }],
        cards: [
          { id: 'card-1', count: 1, last_seen: T0 },
          { id: 'card-2', count: 1, last_seen: T0 + 1000 },
        ],
        last_location: { lat: 52.37, lon: 4.9, ts: T0 + 1000 },
      },
      last_score: {
        txn_id: expect.any(String),
        card_id: 'card-2',
        score: 0,
        reasons: [],
        alerted: false,
      },
    });
    const features = row!['features'] as JsonObject;
    expect(features['account_count_1m']).toBe(2);
    expect(features['card_count_1m']).toBe(1);
    expect(features['account_sum_1h']).toBe(60);
    expect(features['account_merchants_1h']).toBe(1);
    expect(features['new_card']).toBe(true);
    // Without the extractor the row holds only the stored, window-free features.
    const [bare] = fraudAccountRows('acct-1', value);
    expect((bare!['features'] as JsonObject)['card_count_1m']).toBeUndefined();
    expect((bare!['features'] as JsonObject)['amount_z']).toBe(0);
  });

  it('declares queryable stores the API can find, and the alert topic', () => {
    const topology = buildTopology(fraudJob());
    expect(findFraudQueryStores([topology])).toEqual([
      { job: 'fraud-test', accounts: 'accounts', alerts: 'recent-alerts' },
    ]);
    const node = topology.subtopologies[1]!.nodes[0]!;
    expect(node.outputTopics.map((t) => t.name)).toEqual(['alerts']);
    expect(node.stores.map((s) => [s.name, s.queryable, s.stateId.split('(')[0]])).toEqual([
      ['accounts', true, 'fraud-accounts.v1'],
      ['recent-alerts', true, 'fraud-alerts.v1'],
    ]);
    const private_ = buildTopology(fraudJob(fraudNode({ store: { queryable: false } })));
    expect(findFraudQueryStores([private_])).toEqual([]);
  });
});

describe('fraud-score rules file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('reloads changed rules on the next payments, without a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-fraud-'));
    const file = join(dir, 'rules.yaml');
    const write = (min: number, mtimeS: number): void => {
      writeFileSync(
        file,
        `rules:\n  - {name: big, when: amount >= ${min}, weight: 0.9, reason: over ${min}}\n`,
      );
      utimesSync(file, mtimeS, mtimeS);
    };
    write(1000, 1_700_000_000);
    const { rules: _, ...withoutRules } = fraudNode();
    const driver = new TestDriver(
      buildTopology(fraudJob({ ...withoutRules, rulesFile: file, rulesCheckInterval: '1s' })),
    );
    driver.clock.set(10_000);
    await pipe(driver, [txn({ amount: 500 })]);
    write(100, 1_700_000_001);
    // Within the check interval the old rules still apply.
    driver.clock.set(10_500);
    await pipe(driver, [txn({ amount: 500 })]);
    driver.clock.set(11_000);
    await pipe(driver, [txn({ amount: 500 })]);
    expect(driver.outputs('alerts').map((o) => (o.value as JsonObject)['reasons'])).toEqual([
      ['over 100'],
    ]);
  });
});
