// Store queries through app.inject(): windows of one key (with odd keys, ranges, ownership and
// forwarding to the owning instance) and window ranges across keys, with their input checks.

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_WINDOW_LIMIT } from '../../../src/api/routes/store-routes.js';
import { fakeServer, listeningPort, STORE_KEYS, windowRows } from '../fake-query-backend.js';

const STORE = '/stores/category-minute';
const keyUrl = (key: string, query = ''): string =>
  `${STORE}/keys/${encodeURIComponent(key)}${query}`;

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function server(options: Parameters<typeof fakeServer>[0] = {}) {
  const s = await fakeServer(options);
  apps.push(s.app);
  return s;
}

describe('GET /stores', () => {
  it('lists the queryable stores', async () => {
    const { app } = await server();
    const res = await app.inject({ url: '/stores' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(['category-minute']);
  });
});

describe('GET /stores/:store/keys/:key', () => {
  it('returns every window of a key', async () => {
    const { app } = await server();
    const res = await app.inject({ url: keyUrl('books') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      store: 'category-minute',
      key: 'books',
      windows: windowRows().filter((r) => r.key === 'books'),
    });
  });

  it('passes [from, to) to the store and returns the windows overlapping it', async () => {
    const { app, backend } = await server();
    const res = await app.inject({ url: keyUrl('books', '?from=60000&to=120000') });
    expect(res.statusCode).toBe(200);
    const { windows } = res.json<{ windows: Array<{ startMs: number }> }>();
    expect(windows.map((w) => w.startMs)).toEqual([60_000]);
    expect(backend.store1.calls.at(-1)).toEqual({
      method: 'windowsOfKey',
      args: ['books', 60_000, 120_000],
    });
  });

  it('accepts from = to', async () => {
    const { app, backend } = await server();
    const res = await app.inject({ url: keyUrl('books', '?from=5&to=5') });
    expect(res.statusCode).toBe(200);
    expect(backend.store1.calls).toEqual([{ method: 'windowsOfKey', args: ['books', 5, 5] }]);
  });

  it.each(STORE_KEYS)('decodes the URL-encoded key %j exactly', async (key) => {
    const { app } = await server();
    const res = await app.inject({ url: keyUrl(key) });
    expect(res.statusCode).toBe(200);
    expect(res.json().key).toBe(key);
    expect(res.json().windows).toEqual(windowRows().filter((r) => r.key === key));
  });

  it('does not resolve dot segments that are encoded: ..%2F stays part of the key', async () => {
    const { app } = await server();
    const res = await app.inject({ url: `${STORE}/keys/..%2Fetc%2Fpasswd` });
    expect(res.statusCode).toBe(200);
    expect(res.json().key).toBe('../etc/passwd');
  });

  it('answers 404 for an unknown key and an unknown store', async () => {
    const { app } = await server();
    const noKey = await app.inject({ url: keyUrl('nope') });
    expect(noKey.statusCode).toBe(404);
    expect(noKey.json()).toEqual({
      error: 'not_found',
      message: 'no key "nope" in store "category-minute"',
    });
    const noStore = await app.inject({ url: '/stores/nope/keys/books' });
    expect(noStore.statusCode).toBe(404);
    expect(noStore.json().error).toBe('not_found');
  });

  it('answers 400 when from is after to', async () => {
    const { app, backend } = await server();
    const res = await app.inject({ url: keyUrl('books', '?from=60000&to=0') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message: 'from (60000) is after to (0)' });
    expect(backend.store1.calls).toEqual([]);
  });

  it.each([
    ['from=abc', 'querystring/from must be integer'],
    ['from=-1', 'querystring/from must be >= 0'],
    ['to=1.5', 'querystring/to must be integer'],
    ['to=99999999999999999999', 'querystring/to must be <= 8640000000000000'],
    ['from=Infinity', 'querystring/from must be a finite number'],
    ['to=1e400', 'querystring/to must be a finite number'],
    ['from=1&from=2', 'querystring/from must be integer'],
    ['forwarded=maybe', 'querystring/forwarded must be boolean'],
    ['bogus=1', 'querystring must NOT have additional properties'],
  ])('answers 400 for ?%s', async (query, message) => {
    const { app, backend } = await server();
    const res = await app.inject({ url: keyUrl('books', `?${query}`) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message });
    expect(backend.store1.calls).toEqual([]);
  });

  it('bounds key length: 1000 characters are looked up, 1001 are refused, 10k too', async () => {
    const { app, backend } = await server();
    expect((await app.inject({ url: keyUrl('k'.repeat(1000)) })).statusCode).toBe(404);
    const over = await app.inject({ url: keyUrl('k'.repeat(1001)) });
    expect(over.statusCode).toBe(400);
    expect(over.json().message).toBe('params/key must NOT have more than 1000 characters');
    const huge = await app.inject({ url: keyUrl('k'.repeat(10_000)) });
    expect(huge.statusCode).toBe(414);
    expect(huge.json()).toEqual({
      error: 'bad_request',
      message: 'a URL segment is longer than 1024 characters',
    });
    // Only the 1000-character key reached the store.
    expect(backend.store1.calls).toHaveLength(1);
  });

  it('answers 503 with the reason when the key has no owner right now', async () => {
    const { app } = await server();
    const res = await app.inject({ url: keyUrl('moving-1') });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'unavailable', message: 'rebalancing' });
  });

  it('answers 503 when the owning instance does not answer', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const { app } = await server({ remoteAddress: '127.0.0.1:1' });
    const res = await app.inject({ url: keyUrl('remote-1') });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toBe('unavailable');
    expect(res.json().message).toContain('127.0.0.1:1 did not answer');
  });

  it('forwards a key owned by another instance to it, once, with the query kept', async () => {
    // The owner: a real server on a free loopback port, whose store answers for remote- keys.
    const remoteKey = 'remote-ü/x';
    const owner = await server({
      rows: [{ key: remoteKey, startMs: 0, endMs: 60_000, value: { events: 99 } }],
    });
    await owner.app.listen({ host: '127.0.0.1', port: 0 });
    const port = listeningPort(owner.app);
    const ownerStore = owner.backend.store1;
    const { app } = await server({ remoteAddress: `127.0.0.1:${port}` });
    const res = await app.inject({ url: keyUrl(remoteKey, '?from=0&to=60000') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      store: 'category-minute',
      key: remoteKey,
      windows: [{ key: remoteKey, startMs: 0, endMs: 60_000, value: { events: 99 } }],
    });
    // The owner answered from its own store (it does not forward again: forwarded=true).
    expect(ownerStore.calls).toEqual([{ method: 'windowsOfKey', args: [remoteKey, 0, 60_000] }]);
  });
});

describe('GET /stores/:store/windows', () => {
  it('returns windows across keys with the default range and limit 100', async () => {
    const { app, backend } = await server();
    const res = await app.inject({ url: `${STORE}/windows` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ store: 'category-minute', windows: windowRows() });
    expect(backend.store1.calls).toEqual([{ method: 'windows', args: [0, 8.64e15, 100] }]);
  });

  it('honours from, to and limit', async () => {
    const { app, backend } = await server();
    const res = await app.inject({ url: `${STORE}/windows?from=60000&to=120000&limit=3` });
    expect(res.statusCode).toBe(200);
    const windows = res.json().windows as Array<{ startMs: number }>;
    expect(windows).toHaveLength(3);
    expect(windows.every((w) => w.startMs === 60_000)).toBe(true);
    expect(backend.store1.calls).toEqual([{ method: 'windows', args: [60_000, 120_000, 3] }]);
  });

  it(`accepts limit up to ${MAX_WINDOW_LIMIT}`, async () => {
    const { app } = await server();
    const res = await app.inject({ url: `${STORE}/windows?limit=${MAX_WINDOW_LIMIT}` });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['limit=-1', 'querystring/limit must be >= 1'],
    ['limit=0', 'querystring/limit must be >= 1'],
    ['limit=1e9', `querystring/limit must be <= ${MAX_WINDOW_LIMIT}`],
    ['limit=99999999999999999999', `querystring/limit must be <= ${MAX_WINDOW_LIMIT}`],
    [`limit=${MAX_WINDOW_LIMIT + 1}`, `querystring/limit must be <= ${MAX_WINDOW_LIMIT}`],
    ['limit=Infinity', 'querystring/limit must be a finite number'],
    ['limit=-Infinity', 'querystring/limit must be a finite number'],
    ['limit=NaN', 'querystring/limit must be integer'],
    ['limit=1.5', 'querystring/limit must be integer'],
    ['limit=', 'querystring/limit must be integer'],
    ['limit=abc', 'querystring/limit must be integer'],
    ['from=abc', 'querystring/from must be integer'],
    ['from=1e400&to=1e400', 'querystring/from must be a finite number'],
    ['from=5&to=1', 'from (5) is after to (1)'],
    ['x=1', 'querystring must NOT have additional properties'],
  ])('answers 400 for ?%s', async (query, message) => {
    const { app, backend } = await server();
    const res = await app.inject({ url: `${STORE}/windows?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message });
    expect(backend.store1.calls).toEqual([]);
  });

  it('answers 404 for an unknown store', async () => {
    const { app } = await server();
    const res = await app.inject({ url: '/stores/nope/windows' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'unknown store "nope"' });
  });
});
