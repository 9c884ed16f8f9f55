// GET /health (job states) and GET /metrics (Prometheus text exposition) through app.inject().

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeServer } from '../fake-query-backend.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function app(options: Parameters<typeof fakeServer>[0] = {}): Promise<FastifyInstance> {
  const s = await fakeServer(options);
  apps.push(s.app);
  return s.app;
}

/** A sample line of the text format: name, optional {labels}, a value. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? \S+$/;

describe('GET /health', () => {
  it('is ok with every job state while no job failed', async () => {
    const res = await (
      await app({ states: { 'activity-enrich': 'restoring' } })
    ).inject({
      url: '/health',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      jobs: { 'activity-metrics': 'running', 'activity-enrich': 'restoring' },
    });
  });

  it('is degraded (still 200) when a job failed', async () => {
    const res = await (
      await app({ states: { 'activity-metrics': 'failed' } })
    ).inject({
      url: '/health',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('degraded');
  });

  it('ignores query parameters (it takes none)', async () => {
    const res = await (await app()).inject({ url: '/health?verbose=1' });
    expect(res.statusCode).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('is Prometheus text format 0.0.4', async () => {
    const server = await app();
    await server.inject({ url: '/health' });
    const res = await server.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = res.body.split('\n');
    expect(lines.at(-1)).toBe('');
    for (const line of lines.slice(0, -1)) {
      if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
      expect(line).toMatch(SAMPLE);
    }
    expect(res.body).toContain('# TYPE sluice_records_in_total counter');
    expect(res.body).toContain('sluice_records_in_total{job="activity-metrics"} 42');
    // The API counts its own requests: the /health call above.
    expect(res.body).toContain('sluice_http_requests_total{route="/health",status="200"} 1');
  });

  it('never turns request input into label values (unknown routes count as one route)', async () => {
    const server = await app();
    for (let i = 0; i < 20; i++) await server.inject({ url: `/no-such-route-${i}` });
    await server.inject({ url: '/stores/category-minute/keys/secret-key-123' });
    const res = await server.inject({ url: '/metrics' });
    expect(res.body).not.toContain('no-such-route');
    expect(res.body).not.toContain('secret-key-123');
    expect(res.body).toContain('route="/stores/:store/keys/:key",status="404"');
  });
});
