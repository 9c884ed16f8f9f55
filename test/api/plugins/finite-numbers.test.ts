// finiteNumbers on a bare fastify app: Ajv coerces "Infinity" and "1e400" to Infinity, which an
// integer schema with a maximum lets through; the hook turns that into a 400.

import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../../src/api/plugins/error-handler.js';
import { finiteNumbers } from '../../../src/api/plugins/finite-numbers.js';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function server(withHook: boolean): Promise<{ app: FastifyInstance; seen: unknown[] }> {
  const seen: unknown[] = [];
  app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: true } } });
  errorHandler(app, new MetricsRegistry());
  if (withHook) finiteNumbers(app);
  app.get<{ Querystring: { limit: number }; Params: { n: number } }>(
    '/items/:n',
    {
      schema: {
        params: { type: 'object', properties: { n: { type: 'integer', maximum: 100 } } },
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 10, default: 5 } },
        },
      },
    },
    async (request) => {
      seen.push(request.query.limit, request.params.n);
      return { limit: request.query.limit, n: request.params.n };
    },
  );
  await app.ready();
  return { app, seen };
}

describe('finiteNumbers', () => {
  it('shows the gap it closes: without it, limit=Infinity reaches the handler', async () => {
    const { app, seen } = await server(false);
    const res = await app.inject({ url: '/items/1?limit=Infinity' });
    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([Number.POSITIVE_INFINITY, 1]);
  });

  it.each([
    ['/items/1?limit=Infinity', 'querystring/limit must be a finite number'],
    ['/items/1?limit=-Infinity', 'querystring/limit must be a finite number'],
    ['/items/1?limit=1e400', 'querystring/limit must be a finite number'],
    ['/items/Infinity', 'params/n must be a finite number'],
  ])('answers 400 for %s before the handler runs', async (url, message) => {
    const { app, seen } = await server(true);
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message });
    expect(seen).toEqual([]);
  });

  it('lets finite numbers and defaults through', async () => {
    const { app } = await server(true);
    expect((await app.inject({ url: '/items/7?limit=10' })).json()).toEqual({ limit: 10, n: 7 });
    expect((await app.inject({ url: '/items/7' })).json()).toEqual({ limit: 5, n: 7 });
  });
});
