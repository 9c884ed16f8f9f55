// The shipped dashboards in a real headless Chromium: Sluice runs every job in jobs/ (topics
// prefixed, as test/integration/stateless-pipeline.test.ts does) on the local broker while the
// demo generator produces 300 events/s; each dashboard page must get live data over SSE, draw
// it with uPlot, change between two readings, and show no panel error. SQL panels run on the
// service's own DuckDB file: a panel over tables the shipped jobs write must show their rows, one
// over a table no shipped job writes yet must say so. Screenshots: test-results/dashboards/
// <name>.png (1366×768) and <name>-1920x1080.png.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDashboards } from '../../src/api/dashboards/dashboard-loader.js';
import { prefixedJobSpec } from '../../src/cli/evaluate/shipped-job.js';
import { generateCommand } from '../../src/cli/generate/generate-command.js';
import { startService } from '../../src/cli/sluice-service.js';
import { loadConfig } from '../../src/config/sluice-config.js';
import { parseJobText } from '../../src/jobs/job-loader.js';
import type { JobSpec } from '../../src/jobs/job-spec.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { testBrokers, uniqueTestName } from '../integration/kafka-test-env.js';
import { deleteTopicsWithPrefix } from '../integration/support/proof-env.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = 'test-results/dashboards';

/** What the page script reports per panel (window.sluiceDashboard.readings()). */
interface PanelReading {
  readonly id: string;
  readonly title: string;
  readonly chart: string;
  readonly kind: string;
  readonly updates: number;
  readonly points: number;
  readonly nonNull: number;
  readonly hasChart: boolean;
  /** The drawn data (uPlot's arrays) or the last frame, as JSON. */
  readonly signature: string;
}

/** Tables (and `<table>_latest` views) the jobs' to-duckdb nodes write. */
function tablesWritten(specs: readonly JobSpec[]): Set<string> {
  const tables = new Set<string>();
  for (const spec of specs) {
    for (const node of spec.nodes as ReadonlyArray<{ kind: string; table?: unknown }>) {
      if (node.kind !== 'to-duckdb' || typeof node.table !== 'string') continue;
      tables.add(node.table).add(`${node.table}_latest`);
    }
  }
  return tables;
}

/** A TCP port free right now on 127.0.0.1, for the API to listen on. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function readings(page: Page): Promise<PanelReading[]> {
  return page.evaluate<PanelReading[]>('window.sluiceDashboard.readings()');
}

/** Waits for `count` more frames from the stream (one a second). */
async function waitForFrames(page: Page, count: number): Promise<void> {
  const seen = await page.evaluate<number>('window.sluiceDashboard.frames()');
  await page.waitForFunction(`window.sluiceDashboard.frames() >= ${seen + count}`, undefined, {
    timeout: 10_000,
    polling: 100,
  });
}

/** Waits until each titled panel has values (line charts: at least `minPoints` points). */
async function waitForPanels(
  page: Page,
  titles: readonly string[],
  minPoints: number,
): Promise<void> {
  await page.waitForFunction(
    `window.sluiceDashboard && window.sluiceDashboard.frames() >= 2 &&
     window.sluiceDashboard.readings().filter(function (r) {
       return ${JSON.stringify(titles)}.indexOf(r.title) >= 0 &&
         (r.nonNull > 0 || r.kind === 'table' || (r.kind === 'number' && r.signature.indexOf('null') < 0)) &&
         (r.chart !== 'line' || r.points >= ${minPoints});
     }).length === ${titles.length}`,
    undefined,
    { timeout: 30_000, polling: 200 },
  );
}

describe('dashboards in headless Chromium', () => {
  const brokers = testBrokers();
  const prefix = `${uniqueTestName('dash')}-`;
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('shows live data on every shipped dashboard, at laptop and full-HD sizes', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium; .ci/run does)`,
      );
    }
    const quiet = { stdout: () => undefined, stderr: () => undefined };
    const generatorArgs = ['--topic-prefix', prefix, '--brokers', brokers.join(','), '--quiet'];
    // Creates the topics (with a few events) before the jobs subscribe to them.
    const created = await generateCommand(
      ['--count', '50', '--rate', '0', '--seed', '1', ...generatorArgs],
      quiet,
    );
    expect(created).toBe(0);
    cleanups.push(() => deleteTopicsWithPrefix(brokers, prefix));

    const specs: JobSpec[] = [];
    for (const file of (await readdir('jobs')).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      const parsed = parseJobText(await readFile(join('jobs', file), 'utf8'), `jobs/${file}`);
      expect(parsed.problems, file).toEqual([]);
      specs.push(prefixedJobSpec(parsed.spec!, prefix));
    }
    const stateDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const apiPort = await freePort();
    const service = await startService({
      topologies: specs.map((s) => buildTopology(s)),
      brokers,
      config: {
        ...loadConfig({}),
        brokers,
        stateDir,
        apiHost: '127.0.0.1',
        apiPort,
        commitIntervalMs: 500,
      },
      logger: silentLogger,
    });
    cleanups.push(() => service.stop());
    const base = `http://127.0.0.1:${apiPort}`;

    // Traffic for the whole test: 300 events/s with a few bad and very late records (for the
    // dead-letter and late panels), and API requests (for requests/s by route).
    const stopGenerator = new AbortController();
    const generating = generateCommand(
      [
        ...['--rate', '300', '--duration', '5m', '--seed', '2', '--corrupt-rate', '0.01'],
        ...['--late-rate', '0.02', '--late-max', '90s', ...generatorArgs],
      ],
      { ...quiet, signal: stopGenerator.signal },
    );
    cleanups.push(async () => {
      stopGenerator.abort();
      await generating;
    });
    const pinger = setInterval(() => {
      for (const path of ['/jobs', '/stores/nope/windows']) {
        void fetch(`${base}${path}`)
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
      }
    }, 100);
    cleanups.push(async () => clearInterval(pinger));

    // What each dashboard must show: metric panels fed by the running jobs, and SQL panels
    // whose tables the jobs write; SQL panels over other tables must say the table is missing.
    const { dashboards } = await loadDashboards('dashboards');
    const written = tablesWritten(specs);
    const jobNames = specs.map((s) => s.name);
    const expectations = new Map(
      dashboards.map((d) => {
        const withData: string[] = [];
        const missingTable: string[] = [];
        for (const panel of d.panels) {
          if (panel.source === 'sql') {
            if (panel.tables.every((t) => written.has(t))) withData.push(panel.title);
            else missingTable.push(panel.title);
          }
        }
        return [d.name, { withData, missingTable }];
      }),
    );
    const fedByJobs: Record<string, string[]> = {
      overview: [
        'Events per second, by job',
        'End-to-end latency p50 / p99',
        'Dead letters, by reason',
      ],
      fraud: jobNames.some((j) => j.includes('fraud')) ? ['Transactions scored per second'] : [],
      recommendations: ['API requests per second, by route', 'Activity events per second, by job'],
    };

    const context: BrowserContext = await chromium.launchPersistentContext(
      await mkdtemp(join(tmpdir(), 'sluice-chromium-')),
      { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1366, height: 768 } },
    );
    cleanups.push(() => context.close());
    await mkdir(SCREENSHOTS, { recursive: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });

    const index = await page.goto(`${base}/dashboards`);
    expect(index?.status()).toBe(200);
    expect(await page.locator('main li a').allTextContents()).toEqual([
      'Fraud alerts',
      'Pipeline overview',
      'Recommendations',
    ]);

    const started = Date.now();
    for (const name of ['overview', 'fraud', 'recommendations']) {
      const { withData, missingTable } = expectations.get(name)!;
      const mustHaveData = [...(fedByJobs[name] ?? []), ...withData];
      await page.setViewportSize({ width: 1366, height: 768 });
      const response = await page.goto(`${base}/dashboards/${name}`);
      expect(response?.status()).toBe(200);
      // Live data in the panels that must have it (on the overview for 8 s or more, so that
      // its screenshot shows some history).
      await waitForPanels(page, mustHaveData, name === 'overview' ? 8 : 1);
      const first = await readings(page);
      await waitForFrames(page, 2);
      const second = await readings(page);
      console.log(
        `${name}: ${second.map((r) => `${r.title} [${r.kind}, ${r.points} pts, ${r.nonNull} values]`).join('; ')}`,
      );

      // Every panel got data or a stated empty state, none an error; charts are uPlot canvases.
      for (const r of second) {
        expect(r.kind, `${name}: ${r.title}`).not.toBe('waiting');
        expect(r.kind, `${name}: ${r.title}: ${r.signature}`).not.toBe('error');
        if (r.chart === 'line' && r.kind !== 'empty') expect(r.hasChart, r.title).toBe(true);
      }
      expect(await page.locator('.uplot canvas').count()).toBeGreaterThan(0);
      // The charts moved between the two readings.
      const changed = second.filter((r, i) => r.signature !== first[i]!.signature);
      expect(changed.length, `${name}: panels that changed`).toBeGreaterThan(0);
      for (const title of fedByJobs[name] ?? []) {
        const before = first.find((r) => r.title === title)!;
        const after = second.find((r) => r.title === title)!;
        expect(after.updates, title).toBeGreaterThan(before.updates);
        if (after.chart === 'line') expect(after.signature, title).not.toBe(before.signature);
      }
      // SQL over a table no shipped job writes: a clear empty state, not an error.
      for (const title of missingTable) {
        const r = second.find((p) => p.title === title)!;
        expect(r.kind, title).toBe('empty');
        expect(r.signature, title).toMatch(/No data yet: table \w+ does not exist/);
      }
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
      await page.setViewportSize({ width: 1920, height: 1080 });
      await waitForFrames(page, 1);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-1920x1080.png`) });
    }
    console.log(`dashboards checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(pageErrors).toEqual([]);
  });
});
