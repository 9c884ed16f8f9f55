// GET /dashboards (list), /dashboards/:name (live page), /dashboards/:name/stream (SSE),
// /dashboards/:name/data (current data as JSON) and the page's scripts, uPlot included — served
// from node_modules, so pages work without internet access.

import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../../core/clock.js';
import type { QueryBackend } from '../../core/query.js';
import type { MetricsRegistry } from '../../metrics/metrics-registry.js';
import { DASHBOARD_CLIENT_SCRIPT } from '../dashboards/dashboard-client-script.js';
import { loadDashboards } from '../dashboards/dashboard-loader.js';
import {
  ASSET_PATHS,
  renderDashboardIndex,
  renderDashboardPage,
} from '../dashboards/dashboard-page.js';
import { DashboardValidationError } from '../dashboards/dashboard-problem.js';
import { DashboardSampler } from '../dashboards/dashboard-sampler.js';
import type { DashboardSpec, SqlRunner } from '../dashboards/dashboard-spec.js';
import { DashboardStream } from '../dashboards/dashboard-stream.js';
import { serialSqlRunner } from '../dashboards/serial-sql-runner.js';
import { HttpError } from '../plugins/error-handler.js';

export interface DashboardRouteDeps {
  /** Job status: consumer lag per partition. */
  readonly backend: Pick<QueryBackend, 'status'>;
  readonly metrics: MetricsRegistry;
  /** Folder of dashboard files (default `dashboards`, relative to the working directory). */
  readonly dir?: string;
  /** Dashboards already loaded (instead of reading `dir`). */
  readonly dashboards?: readonly DashboardSpec[];
  /** Runs SQL panels (DuckDB, read-only); without it SQL panels say "SQL not available". */
  readonly runSql?: SqlRunner;
  readonly clock?: Clock;
}

/** A page whose socket holds more unsent bytes than this is too slow and is disconnected. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const nameParam = {
  type: 'object',
  properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 } },
  required: ['name'],
} as const;

/**
 * The dashboard routes as a plugin for buildServer. Loading fails with a
 * DashboardValidationError listing every problem (file:line:col) if any file is invalid.
 */
export function dashboardRoutes(deps: DashboardRouteDeps): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    let specs = deps.dashboards;
    if (specs === undefined) {
      const loaded = await loadDashboards(deps.dir ?? 'dashboards');
      if (loaded.problems.length > 0) throw new DashboardValidationError(loaded.problems);
      specs = loaded.dashboards;
    }
    const byName = new Map(specs.map((s) => [s.name, s]));
    const assets = await loadAssets();
    const runSql = deps.runSql === undefined ? undefined : serialSqlRunner(deps.runSql);
    const samplers = specs.map(
      (spec) =>
        new DashboardSampler(spec, {
          metrics: deps.metrics,
          status: () => deps.backend.status(),
          ...(runSql ? { runSql } : {}),
        }),
    );
    const clock = deps.clock ?? systemClock;
    const stream = new DashboardStream(samplers, clock);
    const open = new Set<ServerResponse>();
    stream.start();
    app.addHook('preClose', async () => {
      stream.stop();
      for (const response of open) response.end();
      open.clear();
    });

    const find = (name: string): DashboardSpec => {
      const spec = byName.get(name);
      if (spec === undefined) {
        throw new HttpError(
          404,
          `unknown dashboard "${name}" (dashboards: ${[...byName.keys()].join(', ') || 'none'})`,
        );
      }
      return spec;
    };

    app.get(
      '/dashboards',
      {
        schema: {
          summary: 'Dashboards: JSON list, or an HTML page of links when the client accepts HTML',
          produces: ['application/json', 'text/html'],
        },
      },
      async (request, reply) => {
        if ((request.headers.accept ?? '').includes('text/html')) {
          return reply.type('text/html; charset=utf-8').send(renderDashboardIndex(specs));
        }
        return specs.map((s) => ({
          name: s.name,
          title: s.title,
          description: s.description,
          url: `/dashboards/${s.name}`,
          refreshMs: s.refreshMs,
          panels: s.panels.map((p) => ({
            id: p.id,
            title: p.title,
            chart: p.chart,
            source: p.source,
            ...(p.source === 'metric' ? { metric: p.metric } : { tables: p.tables }),
          })),
        }));
      },
    );

    app.get<{ Params: { name: string } }>(
      '/dashboards/:name',
      {
        schema: {
          summary: 'A live dashboard page (HTML; charts update over /dashboards/:name/stream)',
          params: nameParam,
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        const spec = find(request.params.name);
        return reply.type('text/html; charset=utf-8').send(renderDashboardPage(spec));
      },
    );

    app.get<{ Params: { name: string } }>(
      '/dashboards/:name/data',
      {
        schema: {
          summary: "A dashboard's current data: every panel, as the stream's snapshot frame",
          params: nameParam,
        },
      },
      async (request, reply) => {
        const spec = find(request.params.name);
        const sampler = samplers.find((s) => s.spec === spec) as DashboardSampler;
        return reply.type('application/json').send(JSON.stringify(sampler.snapshot(clock.nowMs())));
      },
    );

    app.get<{ Params: { name: string } }>(
      '/dashboards/:name/stream',
      {
        schema: {
          summary: 'Server-sent events: a snapshot frame, then an update at every refresh',
          params: nameParam,
          produces: ['text/event-stream'],
        },
      },
      async (request, reply) => {
        const spec = find(request.params.name);
        reply.hijack();
        const response = reply.raw;
        response.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        // Browsers reconnect by themselves; 1 s keeps a restarted server's gap short.
        response.write('retry: 1000\n\n');
        open.add(response);
        const unsubscribe = stream.subscribe(spec.name, {
          send(text) {
            if (response.writableLength > MAX_BUFFERED_BYTES) response.destroy();
            else response.write(text);
          },
        });
        request.raw.on('close', () => {
          unsubscribe?.();
          open.delete(response);
        });
      },
    );

    app.get<{ Params: { file: string } }>(
      '/dashboards/_assets/:file',
      {
        schema: {
          summary: 'Scripts and styles of dashboard pages (uPlot from node_modules, page script)',
          params: {
            type: 'object',
            properties: { file: { type: 'string', enum: Object.keys(assets) } },
            required: ['file'],
          },
          produces: ['text/javascript', 'text/css'],
        },
      },
      async (request, reply) => {
        const asset = assets[request.params.file] as Asset;
        return reply
          .type(asset.type)
          .header('cache-control', 'public, max-age=300')
          .send(asset.body);
      },
    );
  };
}

interface Asset {
  readonly type: string;
  readonly body: string;
}

/** The page's static files by the last segment of their ASSET_PATHS entry. */
async function loadAssets(): Promise<Record<string, Asset>> {
  const require = createRequire(import.meta.url);
  const read = (path: string): Promise<string> => readFile(require.resolve(path), 'utf8');
  const js = 'text/javascript; charset=utf-8';
  const [uplotJs, uplotCss] = await Promise.all([
    read('uplot/dist/uPlot.iife.min.js'),
    read('uplot/dist/uPlot.min.css'),
  ]);
  const last = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
  return {
    [last(ASSET_PATHS.uplotJs)]: { type: js, body: uplotJs },
    [last(ASSET_PATHS.uplotCss)]: { type: 'text/css; charset=utf-8', body: uplotCss },
    [last(ASSET_PATHS.clientJs)]: { type: js, body: DASHBOARD_CLIENT_SCRIPT },
  };
}
