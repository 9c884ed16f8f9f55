// The dashboard routes over the shipped dashboards: the list (JSON and HTML), pages, their
// scripts (uPlot from node_modules), current data, the SSE stream on a real port, and a
// refusal to start on an invalid dashboard file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/api/build-server.js';
import type { DashboardFrame } from '../../../src/api/dashboards/dashboard-frame.js';
import { dashboardRoutes } from '../../../src/api/routes/dashboard-routes.js';
import { FakeQueryBackend, listeningPort } from '../fake-query-backend.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function server(
  dir = 'dashboards',
): Promise<{ app: FastifyInstance; backend: FakeQueryBackend }> {
  const backend = new FakeQueryBackend();
  const app = await buildServer({
    backend,
    metrics: backend.metrics,
    plugins: [dashboardRoutes({ backend, metrics: backend.metrics, dir })],
  });
  apps.push(app);
  return { app, backend };
}

describe('dashboard routes', () => {
  it('lists dashboards as JSON, or as links for a browser', async () => {
    const { app } = await server();
    const json = await app.inject({ url: '/dashboards' });
    expect(json.statusCode).toBe(200);
    const list = json.json<Array<{ name: string; url: string; panels: unknown[] }>>();
    expect(list.map((d) => [d.name, d.url])).toEqual([
      ['fraud', '/dashboards/fraud'],
      ['overview', '/dashboards/overview'],
      ['recommendations', '/dashboards/recommendations'],
    ]);
    expect(list[1]!.panels[0]).toEqual({
      id: 'p0',
      title: 'Events per second, by job',
      chart: 'line',
      source: 'metric',
      metric: 'recordsIn',
    });
    const html = await app.inject({ url: '/dashboards', headers: { accept: 'text/html' } });
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('<a href="/dashboards/overview">Pipeline overview</a>');
  });

  it('serves a page with its panels, config and local scripts (no CDN)', async () => {
    const { app } = await server();
    const page = await app.inject({ url: '/dashboards/overview' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.match(/data-panel="p\d+"/g)).toHaveLength(9);
    expect(page.body).toContain('<script src="/dashboards/_assets/uplot.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
    const config = /<script id="dashboard-config" type="application\/json">(.*?)<\/script>/s.exec(
      page.body,
    );
    expect(JSON.parse(config![1]!)).toMatchObject({
      name: 'overview',
      streamUrl: '/dashboards/overview/stream',
      windowMs: 300_000,
      refreshMs: 1000,
    });

    const uplot = await app.inject({ url: '/dashboards/_assets/uplot.js' });
    expect(uplot.headers['content-type']).toMatch(/^text\/javascript/);
    expect(uplot.body).toContain('uPlot');
    const css = await app.inject({ url: '/dashboards/_assets/uplot.css' });
    expect(css.body).toContain('.uplot');
    const client = await app.inject({ url: '/dashboards/_assets/dashboard.js' });
    expect(() => new Script(client.body)).not.toThrow();
    expect((await app.inject({ url: '/dashboards/_assets/other.js' })).statusCode).toBe(400);
  });

  it('answers 404 for an unknown dashboard and 400 for a malformed name', async () => {
    const { app } = await server();
    const missing = await app.inject({ url: '/dashboards/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: 'not_found',
      message: 'unknown dashboard "nope" (dashboards: fraud, overview, recommendations)',
    });
    expect((await app.inject({ url: '/dashboards/Bad%20Name' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/dashboards/nope/stream' })).statusCode).toBe(404);
  });

  it('serves current data; SQL panels say SQL is not available without a runner', async () => {
    const { app } = await server();
    const data = (await app.inject({ url: '/dashboards/fraud/data' })).json<DashboardFrame>();
    expect(data.type).toBe('snapshot');
    expect(Object.keys(data.panels)).toHaveLength(8);
    expect(data.panels.p0).toMatchObject({
      kind: 'empty',
      message: expect.stringMatching(/^SQL not available/),
    });
    expect(data.panels.p3).toMatchObject({ kind: 'series' });
  });

  it('streams a snapshot then updates over SSE, and ends the stream when the server closes', async () => {
    const { app } = await server();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      get(`http://127.0.0.1:${listeningPort(app)}/dashboards/overview/stream`, resolve).on(
        'error',
        reject,
      );
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const frames: DashboardFrame[] = [];
    let buffer = '';
    const ended = new Promise<void>((resolve) => response.on('end', resolve));
    const twoFrames = new Promise<void>((resolve) => {
      response.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((l) => l.startsWith('data: '));
          if (data !== undefined) frames.push(JSON.parse(data.slice(6)) as DashboardFrame);
          if (frames.length >= 2) resolve();
        }
      });
    });
    await twoFrames;
    expect(frames[0]!.type).toBe('snapshot');
    expect(Object.keys(frames[0]!.panels)).toHaveLength(9);
    expect(frames[1]!.type).toBe('update');
    expect(frames[1]!.timeMs).toBeGreaterThanOrEqual(frames[0]!.timeMs);
    // The events/s line appends a point at every refresh.
    expect(frames[1]!.panels.p0).toMatchObject({ kind: 'append' });
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    await ended;
  });

  it('refuses to start on an invalid dashboard file, naming file, line and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-dash-'));
    try {
      await writeFile(
        join(dir, 'x.yaml'),
        'name: x\ntitle: X\npanels:\n  - title: A\n    metric: sluice_lag\n    chart: line\n',
      );
      await expect(server(dir)).rejects.toThrow(
        `invalid dashboard files:\n${join(dir, 'x.yaml')}:5:13: panels[0].metric: unknown metric "sluice_lag"`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
