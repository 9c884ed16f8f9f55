// The recommendation routes over a real Recommender on hand-built state: answers, cold start,
// 404 for an unknown item, 400 for k outside 1..100 or unknown parameters, 503 when a store
// closes under a query, and the routes listed in the OpenAPI document.

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/build-server.js';
import {
  recommendationRoutes,
  type RecommendationService,
} from '../../src/api/routes/recommendation-routes.js';
import { SluiceError } from '../../src/core/errors.js';
import { Recommender } from '../../src/scoring/recommendations/recommender.js';
import { fixtureReader } from '../scoring/recommendations/recs-fixture.js';
import { FakeQueryBackend } from './fake-query-backend.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function server(service: RecommendationService = new Recommender(fixtureReader())) {
  const backend = new FakeQueryBackend();
  const app = await buildServer({
    backend,
    metrics: backend.metrics,
    plugins: [(scope) => recommendationRoutes(scope, service)],
  });
  apps.push(app);
  return app;
}

describe('recommendation routes', () => {
  it('GET /recommendations/:userId answers with items and reasons', async () => {
    const app = await server();
    const res = await app.inject('/recommendations/u1?k=2');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      userId: string;
      coldStart: boolean;
      items: Array<{ itemId: string; reason: string }>;
    }>();
    expect(body.userId).toBe('u1');
    expect(body.coldStart).toBe(false);
    expect(body.items.map((i) => [i.itemId, i.reason])).toEqual([
      ['p', 'viewed y'],
      ['q', 'viewed x'],
    ]);
    expect(body.items[0]).toEqual({
      itemId: 'p',
      category: 'a',
      score: expect.any(Number),
      reason: 'viewed y',
      because: 'y',
    });
  });

  it('an unknown user gets trending items with 200 (cold start); k defaults to 10', async () => {
    const app = await server();
    const res = await app.inject('/recommendations/nobody%20here');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      userId: 'nobody here',
      coldStart: true,
      items: [{ itemId: 'z' }, { itemId: 'r' }, { itemId: 'p' }, { itemId: 's' }],
    });
  });

  it('GET /items/:itemId/similar ranks neighbours; an unknown item is 404', async () => {
    const app = await server();
    const res = await app.inject('/items/y/similar?k=1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      itemId: 'y',
      similarity: 'cosine',
      items: [{ itemId: 'p', category: 'a', score: 0.5, pairWeight: 2 }],
    });
    const missing = await app.inject('/items/nope/similar');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found' });
  });

  it('GET /trending overall and per category', async () => {
    const app = await server();
    const all = await app.inject('/trending?k=2');
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({
      atMs: 7_200_000,
      items: [{ itemId: 'z', score: 8 }, { itemId: 'r' }],
    });
    const books = await app.inject('/trending?category=b');
    expect(books.json()).toMatchObject({ category: 'b', items: [] });
  });

  it('k outside 1..100, a non-integer k or an unknown parameter is 400', async () => {
    const app = await server();
    for (const url of [
      '/recommendations/u1?k=0',
      '/recommendations/u1?k=101',
      '/recommendations/u1?k=abc',
      '/recommendations/u1?k=1.5',
      '/recommendations/u1?limit=3',
      '/items/y/similar?k=0',
      '/trending?k=1000',
      '/trending?category=',
    ]) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: 'bad_request' });
    }
    expect((await app.inject('/recommendations/u1?k=100')).statusCode).toBe(200);
  });

  it('a store closing under a query is 503; other failures are 500 without details', async () => {
    const failing = (err: Error): RecommendationService => ({
      recommend: () => Promise.reject(err),
      similar: () => Promise.reject(err),
      trending: () => Promise.reject(err),
    });
    const closed = await server(
      failing(new SluiceError('STATE_STORE', 'store "item-stats" is closed', { retriable: true })),
    );
    const res = await closed.inject('/trending');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'unavailable' });
    const broken = await server(failing(new Error('secret detail')));
    const bad = await broken.inject('/recommendations/u1');
    expect(bad.statusCode).toBe(500);
    expect(bad.body).not.toContain('secret');
  });

  it('documents the routes in OpenAPI', async () => {
    const app = await server();
    const doc = (await app.inject('/docs/json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/recommendations/{userId}', '/items/{itemId}/similar', '/trending']),
    );
  });
});
