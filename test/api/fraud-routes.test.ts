// The fraud routes over a fraud job run by the TestDriver: account profiles (404 for an unknown
// account, forwarded to the owner of a remote one, 503 while unavailable), recent alerts newest
// first with `since` and `limit` (400 for bad parameters), and both routes in the OpenAPI document.

import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/build-server.js';
import { fraudRoutes } from '../../src/api/routes/fraud-routes.js';
import type { StoreDeclaration } from '../../src/core/processor.js';
import type {
  JobDescription,
  JobStatusView,
  KeyOwner,
  QueryableStoreView,
  QueryBackend,
  WindowRow,
} from '../../src/core/query.js';
import type { JsonObject } from '../../src/core/record.js';
import type { KeyValueStore } from '../../src/core/store.js';
import type { Topology } from '../../src/core/topology.js';
import { job } from '../../src/jobs/job-builder.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { TestDriver } from '../../src/runtime/test-driver.js';
import { findFraudQueryStores } from '../../src/scoring/fraud/fraud-query-stores.js';
import { listeningPort } from './fake-query-backend.js';

const T0 = 1_700_000_000_000;
const PARTITIONS = 2;

/** Reads the driver's stores as the engine's backend does: through each store's view. */
class DriverQueryBackend implements QueryBackend {
  readonly metrics = new MetricsRegistry();

  constructor(
    private readonly driver: TestDriver,
    private readonly topology: Topology,
  ) {}

  private declaration(name: string): StoreDeclaration | undefined {
    return this.topology.subtopologies
      .flatMap((s) => s.nodes.flatMap((n) => n.stores))
      .find((d) => d.name === name && d.queryable);
  }

  jobs(): readonly JobDescription[] {
    return [];
  }
  status(): readonly JobStatusView[] {
    return [];
  }
  storeNames(): readonly string[] {
    return this.topology.subtopologies.flatMap((s) =>
      s.nodes.flatMap((n) => n.stores.filter((d) => d.queryable).map((d) => d.name)),
    );
  }
  metricsText(): string {
    return this.metrics.render();
  }

  async ownerOf(_store: string, key: string): Promise<KeyOwner> {
    if (key.startsWith('remote-')) return { kind: 'remote', address: remoteAddress };
    if (key.startsWith('moving-')) return { kind: 'unavailable', reason: 'rebalancing' };
    return { kind: 'local' };
  }

  store(name: string): QueryableStoreView | undefined {
    const declaration = this.declaration(name);
    if (!declaration?.view) return undefined;
    const view = declaration.view;
    const stores = (): Array<KeyValueStore<unknown>> =>
      Array.from({ length: PARTITIONS }, (_, p) => this.driver.store<unknown>(name, p)).filter(
        (s): s is KeyValueStore<unknown> => s !== undefined,
      );
    const toRow = (o: JsonObject): WindowRow => {
      const { key, startMs, endMs, ...value } = o;
      return { key: key as string, startMs: Number(startMs), endMs: Number(endMs), value };
    };
    return {
      name,
      job: this.topology.job,
      async windowsOfKey(key, fromMs, toMs) {
        for (const store of stores()) {
          const value = store.get(key);
          if (value !== undefined) return view(key, value, fromMs, toMs).map(toRow);
        }
        return undefined;
      },
      async windows(fromMs, toMs, limit) {
        const rows: WindowRow[] = [];
        for (const store of stores()) {
          for await (const [key, value] of store.entries()) {
            rows.push(...view(key, value, fromMs, toMs).map(toRow));
          }
        }
        return rows.slice(0, limit);
      },
    };
  }
}

let remoteAddress = '127.0.0.1:1';
let driver: TestDriver;
let topology: Topology;

beforeAll(async () => {
  const spec = job('fraud-api')
    .from({ topics: ['transactions'], timestampField: 'ts' })
    .keyBy('by-account', 'account_id')
    .node({
      kind: 'fraud-score',
      name: 'score',
      windows: { '1m': '1m' },
      profile: { warmup: 2 },
      geo: { minDistanceKm: 100, impossibleSpeedKmh: 900 },
      cardTesting: { window: '5m', smallAmount: 2, largeAmount: 100, minSmall: 3 },
      rules: [{ name: 'big', when: 'amount >= 1000', weight: 0.8, reason: 'big amount' }],
      alert: { threshold: 0.5, topic: 'fraud-alerts', keep: 10 },
      store: { name: 'fraud-accounts', alertsName: 'fraud-recent-alerts' },
    })
    .build();
  topology = buildTopology(spec);
  driver = new TestDriver(topology, { partitions: PARTITIONS });
  // Three accounts; alerts emitted at wall-clock 1000, 2000, 3000 and 4000.
  const payments = [
    { account: 'acct-1', amount: 20, at: 500 },
    { account: 'acct-1', amount: 1500, at: 1000 },
    { account: 'acct-2', amount: 2500, at: 2000 },
    { account: 'acct-3', amount: 3500, at: 3000 },
    { account: 'acct-1', amount: 4500, at: 4000 },
  ];
  for (const [i, p] of payments.entries()) {
    driver.clock.set(p.at);
    await driver.pipe('transactions', [
      {
        key: `card-${p.account}`,
        timestampMs: T0 + i * 1000,
        value: {
          txn_id: `t${i}`,
          account_id: p.account,
          card_id: `card-${p.account}`,
          amount: p.amount,
          currency: 'EUR',
          merchant_id: 'm1',
          merchant_category: 'grocery',
          device_id: 'dev-1',
          lat: 52.37,
          lon: 4.9,
          country: 'NL',
          ts: T0 + i * 1000,
        },
      },
    ]);
  }
});

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function server(): Promise<FastifyInstance> {
  const backend = new DriverQueryBackend(driver, topology);
  const stores = findFraudQueryStores([topology]);
  const app = await buildServer({
    backend,
    metrics: backend.metrics,
    plugins: [(scope) => fraudRoutes(scope, backend, stores)],
  });
  apps.push(app);
  return app;
}

interface AlertBody {
  count: number;
  alerts: Array<{ txn_id: string; account_id: string; emitted_at: number; reasons: string[] }>;
}

describe('GET /fraud/accounts/:accountId', () => {
  it('answers with the profile, features and latest score', async () => {
    const res = await (await server()).inject('/fraud/accounts/acct-1');
    expect(res.statusCode).toBe(200);
    const body = res.json<JsonObject>();
    expect(body).toMatchObject({
      account_id: 'acct-1',
      job: 'fraud-api',
      scored: 3,
      // The two big payments alerted and were not learned.
      profile: {
        learned: 1,
        amount_mean: 20,
        devices: [{ id: 'dev-1', count: 1, last_seen: T0 }],
        last_location: { lat: 52.37, lon: 4.9, ts: T0 },
      },
      last_score: {
        txn_id: 't4',
        ts: T0 + 4000,
        score: 0.8,
        reasons: ['big amount'],
        alerted: true,
      },
    });
    expect(body['features']).toMatchObject({ txn_count: 1, new_device: false, card_count_1m: 3 });
  });

  it('404 for an account never seen', async () => {
    const res = await (await server()).inject('/fraud/accounts/acct-404');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'not_found',
      message: 'no fraud profile for account "acct-404"',
    });
  });

  it('forwards an account another instance owns, and 503 while it moves', async () => {
    const owner = await buildServer({
      backend: new DriverQueryBackend(driver, topology),
      metrics: new MetricsRegistry(),
    });
    owner.get('/fraud/accounts/:id', async (request) => ({
      account_id: (request.params as { id: string }).id,
      forwarded: (request.query as { forwarded?: string }).forwarded,
    }));
    apps.push(owner);
    await owner.listen({ host: '127.0.0.1', port: 0 });
    remoteAddress = `127.0.0.1:${listeningPort(owner)}`;
    const app = await server();
    const res = await app.inject('/fraud/accounts/remote-7');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ account_id: 'remote-7', forwarded: 'true' });
    expect((await app.inject('/fraud/accounts/moving-1')).statusCode).toBe(503);
  });
});

describe('GET /fraud/alerts', () => {
  it('lists alerts of every partition, newest first', async () => {
    const res = await (await server()).inject('/fraud/alerts');
    expect(res.statusCode).toBe(200);
    const body = res.json<AlertBody>();
    expect(body.count).toBe(4);
    expect(body.alerts.map((a) => [a.txn_id, a.account_id, a.emitted_at])).toEqual([
      ['t4', 'acct-1', 4000],
      ['t3', 'acct-3', 3000],
      ['t2', 'acct-2', 2000],
      ['t1', 'acct-1', 1000],
    ]);
    expect(Object.keys(body.alerts[0]!).sort()).toEqual(
      ['account_id', 'card_id', 'emitted_at', 'reasons', 'score', 'ts', 'txn_id'].sort(),
    );
  });

  it('since (emitted_at, inclusive) and limit', async () => {
    const app = await server();
    const since = (await app.inject('/fraud/alerts?since=2000')).json<AlertBody>();
    expect(since.alerts.map((a) => a.txn_id)).toEqual(['t4', 't3', 't2']);
    const limited = (await app.inject('/fraud/alerts?since=0&limit=2')).json<AlertBody>();
    expect(limited.alerts.map((a) => a.txn_id)).toEqual(['t4', 't3']);
    expect((await app.inject('/fraud/alerts?since=5000')).json()).toEqual({ count: 0, alerts: [] });
  });

  it('400 for bad parameters', async () => {
    const app = await server();
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'since=-1', 'since=soon', 'foo=1']) {
      const res = await app.inject(`/fraud/alerts?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json<{ error: string }>().error).toBe('bad_request');
    }
  });
});

describe('OpenAPI', () => {
  it('documents both fraud routes', async () => {
    const doc = (await (await server()).inject('/docs/json')).json<{
      paths: Record<string, unknown>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/fraud/accounts/{accountId}', '/fraud/alerts']),
    );
  });
});
