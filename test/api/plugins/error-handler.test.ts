// The API's error mapping on a bare fastify app: what each kind of failure answers, and that
// only unexpected errors are hidden behind "internal error".

import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler, HttpError } from '../../../src/api/plugins/error-handler.js';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serverThrowing(
  error: unknown,
): Promise<{ app: FastifyInstance; metrics: MetricsRegistry }> {
  const metrics = new MetricsRegistry();
  app = Fastify({ logger: false });
  errorHandler(app, metrics);
  app.get('/boom', async () => {
    throw error;
  });
  app.get(
    '/typed',
    { schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } } } } },
    async () => ({ ok: true }),
  );
  await app.ready();
  return { app, metrics };
}

describe('errorHandler', () => {
  it.each([
    [new HttpError(404, 'unknown thing'), 404, { error: 'not_found', message: 'unknown thing' }],
    [new HttpError(400, 'bad range'), 400, { error: 'bad_request', message: 'bad range' }],
    [new HttpError(409, 'conflict'), 409, { error: 'bad_request', message: 'conflict' }],
    [new HttpError(503, 'rebalancing'), 503, { error: 'unavailable', message: 'rebalancing' }],
    [new HttpError(500, 'meant'), 500, { error: 'internal', message: 'meant' }],
  ])('answers a route HttpError %s with its status and message', async (error, status, body) => {
    const { app } = await serverThrowing(error);
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual(body);
  });

  it.each([
    new Error('secret path /var/lib/sluice/state'),
    new TypeError('x is undefined'),
    'a string',
    Object.assign(new Error('odd status'), { statusCode: 99 }),
  ])('hides an unexpected error %s behind a 500 "internal error"', async (error) => {
    const { app } = await serverThrowing(error);
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal', message: 'internal error' });
  });

  it('answers schema validation failures with 400 and the failing field', async () => {
    const { app } = await serverThrowing(new Error('unused'));
    const res = await app.inject({ url: '/typed?n=abc' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message: 'querystring/n must be integer' });
  });

  it('answers unknown routes with 404 naming the method and path, not the query', async () => {
    const { app } = await serverThrowing(new Error('unused'));
    const res = await app.inject({ method: 'DELETE', url: '/nothing?token=abc' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'no route DELETE /nothing' });
  });

  it('counts every response by route and status', async () => {
    const { app, metrics } = await serverThrowing(new HttpError(503, 'away'));
    await app.inject({ url: '/boom' });
    await app.inject({ url: '/boom' });
    expect(metrics.sum('httpRequests', { route: '/boom', status: '503' })).toBe(2);
  });
});
