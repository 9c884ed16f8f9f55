// A QueryBackend held in memory for API tests: two jobs, one queryable window store with a few
// windows, key ownership chosen per key, and the metrics text of a real MetricsRegistry; plus a
// server built over it.

import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/build-server.js';
import type {
  JobDescription,
  JobStatusView,
  KeyOwner,
  QueryableStoreView,
  QueryBackend,
  WindowRow,
} from '../../src/core/query.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';

/** Keys with windows in the `category-minute` store. Odd ones check URL decoding. */
export const STORE_KEYS = [
  'books',
  'toys',
  'a/b',
  '../etc/passwd',
  'ünïcödé ✓',
  'nul\u0000byte',
  'sp ace?&#',
] as const;

/** Window rows: each key has [0, 60000) and [60000, 120000); books also [120000, 180000). */
export function windowRows(): WindowRow[] {
  const rows: WindowRow[] = [];
  STORE_KEYS.forEach((key, i) => {
    rows.push({ key, startMs: 0, endMs: 60_000, value: { events: i + 1 } });
    rows.push({ key, startMs: 60_000, endMs: 120_000, value: { events: 10 * (i + 1) } });
  });
  rows.push({ key: 'books', startMs: 120_000, endMs: 180_000, value: { events: 7 } });
  return rows;
}

/** Overlaps `[fromMs, toMs)`, as QueryableStoreView promises. */
function overlaps(row: WindowRow, fromMs: number, toMs: number): boolean {
  return row.endMs > fromMs && row.startMs < toMs;
}

export class FakeWindowStore implements QueryableStoreView {
  /** Every call, for asserting what the routes passed on. */
  readonly calls: Array<{ method: string; args: unknown[] }> = [];

  constructor(
    readonly name: string,
    readonly job: string,
    private readonly rows: readonly WindowRow[],
  ) {}

  async windowsOfKey(
    key: string,
    fromMs?: number,
    toMs?: number,
  ): Promise<WindowRow[] | undefined> {
    this.calls.push({ method: 'windowsOfKey', args: [key, fromMs, toMs] });
    const own = this.rows.filter((r) => r.key === key);
    if (own.length === 0) return undefined;
    return own.filter((r) => overlaps(r, fromMs ?? 0, toMs ?? Number.POSITIVE_INFINITY));
  }

  async windows(fromMs: number, toMs: number, limit: number): Promise<WindowRow[]> {
    this.calls.push({ method: 'windows', args: [fromMs, toMs, limit] });
    return this.rows.filter((r) => overlaps(r, fromMs, toMs)).slice(0, limit);
  }
}

export interface FakeBackendOptions {
  /** Address of the instance that owns keys starting with `remote-`. */
  remoteAddress?: string;
  /** The store's windows (default: `windowRows()`). */
  rows?: readonly WindowRow[];
  /** Job states (default: both running). */
  states?: Readonly<Record<string, JobStatusView['state']>>;
}

export class FakeQueryBackend implements QueryBackend {
  readonly metrics = new MetricsRegistry();
  readonly store1: FakeWindowStore;

  constructor(private readonly options: FakeBackendOptions = {}) {
    this.store1 = new FakeWindowStore(
      'category-minute',
      'activity-metrics',
      options.rows ?? windowRows(),
    );
    this.metrics.counter('recordsIn', { job: 'activity-metrics' }).inc(42);
  }

  jobs(): readonly JobDescription[] {
    return [
      {
        job: 'activity-metrics',
        sourceTopics: ['user-activity'],
        stores: [{ name: 'category-minute', queryable: true }],
        topology: 'activity-metrics\n  sub-topology 0: user-activity → flags → by-category',
      },
      {
        job: 'activity-enrich',
        sourceTopics: ['user-activity'],
        stores: [],
        topology: 'activity-enrich\n  sub-topology 0: user-activity → known-events → enrich',
      },
    ];
  }

  status(): readonly JobStatusView[] {
    const state = (job: string): JobStatusView['state'] => this.options.states?.[job] ?? 'running';
    return [
      {
        job: 'activity-metrics',
        state: state('activity-metrics'),
        tasks: [
          {
            subtopology: 0,
            partition: 0,
            status: 'running',
            watermarkMs: 120_000,
            positions: { 'user-activity': '10' },
            lag: { 'user-activity': 3 },
          },
          {
            subtopology: 1,
            partition: 0,
            status: 'running',
            watermarkMs: null,
            positions: {},
            lag: { 'activity-metrics-by-category-repartition': 2 },
          },
        ],
      },
      { job: 'activity-enrich', state: state('activity-enrich'), tasks: [] },
    ];
  }

  store(name: string): QueryableStoreView | undefined {
    return name === this.store1.name ? this.store1 : undefined;
  }

  storeNames(): readonly string[] {
    return [this.store1.name];
  }

  async ownerOf(_store: string, key: string): Promise<KeyOwner> {
    if (key.startsWith('remote-')) {
      return { kind: 'remote', address: this.options.remoteAddress ?? '127.0.0.1:1' };
    }
    if (key.startsWith('moving-')) return { kind: 'unavailable', reason: 'rebalancing' };
    return { kind: 'local' };
  }

  metricsText(): string {
    return this.metrics.render();
  }
}

/** A server over a FakeQueryBackend (sharing its metrics registry), not listening. */
export async function fakeServer(
  options: FakeBackendOptions = {},
): Promise<{ app: FastifyInstance; backend: FakeQueryBackend }> {
  const backend = new FakeQueryBackend(options);
  const app = await buildServer({ backend, metrics: backend.metrics });
  return { app, backend };
}

/** The TCP port a listening server is bound to. */
export function listeningPort(app: FastifyInstance): number {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not on TCP');
  return address.port;
}
