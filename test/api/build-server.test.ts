// The whole query API as built by buildServer: OpenAPI at /docs, errors for URLs the router
// refuses, no hostile request answered with a 5xx, and one smoke test on a real port.

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeServer, listeningPort } from './fake-query-backend.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function app(): Promise<FastifyInstance> {
  const s = await fakeServer();
  apps.push(s.app);
  return s.app;
}

/** Path segments no client should send (raw, already URL-encoded where it matters). */
const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '%FF',
  '%E0%A4%A',
  '%',
  '%%',
  '%2e%2e',
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  '%2F',
  '%20',
  '%E2%80%AE',
  '%F0%9F%92%A9',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  "'%20OR%201%3D1%20--",
  '%24%7Bjndi%3Aldap%3A%2F%2Fx%7D',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'k'.repeat(1001),
  'k'.repeat(1025),
  'k'.repeat(10_000),
  '%C3%BC'.repeat(600),
];

/** Query strings no client should send. */
const HOSTILE_QUERIES = [
  'from=abc',
  'from=-1',
  'to=-1',
  'limit=-1',
  'limit=0',
  'limit=1e9',
  'limit=99999999999999999999',
  'limit=Infinity',
  'limit=NaN',
  'limit=1.5',
  'limit=',
  'from=1e400',
  'from=60000&to=0',
  'from=1&from=2',
  'from[]=1',
  'from[a]=1',
  '__proto__=1',
  'constructor[prototype][x]=1',
  'unknown=1',
  'forwarded=maybe',
  '%FF=1',
  'from=%FF',
  `limit=${'9'.repeat(5000)}`,
  '&&&==&',
];

function hostileUrls(): string[] {
  const urls: string[] = [];
  for (const s of HOSTILE_SEGMENTS) {
    urls.push(
      `/jobs/${s}`,
      `/stores/${s}/keys/books`,
      `/stores/category-minute/keys/${s}`,
      `/stores/${s}/windows`,
      `/${s}`,
    );
  }
  for (const q of HOSTILE_QUERIES) {
    urls.push(`/stores/category-minute/keys/books?${q}`, `/stores/category-minute/windows?${q}`);
    urls.push(`/jobs?${q}`, `/health?${q}`, `/metrics?${q}`, `/stores?${q}`);
  }
  urls.push('/stores/category-minute/keys/', '/stores//keys/x', '//', '/stores/category-minute/');
  return urls;
}

describe('buildServer', () => {
  it('serves the OpenAPI document at /docs/json, with a summary on every route', async () => {
    const res = await (await app()).inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json<{
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { summary?: string; parameters?: unknown[] }>>;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('Sluice query API');
    // The core routes; later stages may add theirs.
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/metrics',
        '/jobs',
        '/jobs/{job}',
        '/stores',
        '/stores/{store}/keys/{key}',
        '/stores/{store}/windows',
      ]),
    );
    for (const [path, methods] of Object.entries(doc.paths)) {
      expect(methods.get?.summary, path).toBeTruthy();
    }
    const limit = (
      doc.paths['/stores/{store}/windows']!.get!.parameters as Array<{
        name: string;
        schema: unknown;
      }>
    ).find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000 });
  });

  it('serves the documentation page at /docs', async () => {
    const server = await app();
    const res = await server.inject({ url: '/docs' });
    // @fastify/swagger-ui may redirect /docs to /docs/; either way the page is HTML.
    const page = res.statusCode === 302 ? await server.inject({ url: '/docs/' }) : res;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger');
  });

  it.each([
    ['a bad escape', '/stores/category-minute/keys/%FF', 400, 'the URL is malformed'],
    ['a cut escape', '/stores/category-minute/keys/%E0%A4%A', 400, 'the URL is malformed'],
    [
      'a 10k-character key',
      `/stores/category-minute/keys/${'k'.repeat(10_000)}`,
      414,
      'a URL segment is longer than 1024 characters',
    ],
  ])(
    'answers a URL the router refuses (%s) with our error body',
    async (_, url, status, message) => {
      const res = await (await app()).inject({ url });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: 'bad_request', message });
      expect(res.body.length).toBeLessThan(200);
    },
  );

  it('answers no hostile URL with a 5xx, and every error as JSON', async () => {
    const server = await app();
    const urls = hostileUrls();
    expect(urls.length).toBeGreaterThan(250);
    const statuses = new Map<number, number>();
    for (const url of urls) {
      const res = await server.inject({ url });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      expect(res.statusCode, url.slice(0, 200)).toBeLessThan(500);
      if (res.statusCode >= 400) {
        const body = res.json<{ error?: unknown; message?: unknown }>();
        expect(typeof body.error, url.slice(0, 200)).toBe('string');
        expect(typeof body.message, url.slice(0, 200)).toBe('string');
      }
    }
    // The list really exercises the error paths, not only successes.
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(404)).toBeGreaterThan(20);
  });

  it('answers other methods and bodies with 4xx', async () => {
    const server = await app();
    const requests = [
      { method: 'POST', url: '/jobs', payload: '{not json' },
      { method: 'PUT', url: '/stores/category-minute/keys/books', payload: '[]' },
      { method: 'DELETE', url: '/stores/category-minute/keys/books' },
      { method: 'PATCH', url: '/health', payload: 'x'.repeat(2 * 1024 * 1024) },
      { method: 'OPTIONS', url: '/health' },
    ] as const;
    for (const r of requests) {
      const res = await server.inject({
        method: r.method,
        url: r.url,
        headers: { 'content-type': 'application/json' },
        ...('payload' in r ? { payload: r.payload } : {}),
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${r.method} ${r.url}`).toBeLessThan(500);
    }
  });

  it('serves /health on a real port (listen on port 0, fetch)', async () => {
    const server = await app();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const port = listeningPort(server);
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      status: 'ok',
      jobs: { 'activity-metrics': 'running', 'activity-enrich': 'running' },
    });
    const bad = await fetch(`http://127.0.0.1:${port}/stores/category-minute/keys/%FF`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(bad.status).toBe(400);
  });
});
