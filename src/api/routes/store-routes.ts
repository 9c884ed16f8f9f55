// Store queries: windows of one key, and windows in a time range across keys. A key owned by
// another instance is answered by that instance (the request is forwarded once).

import type { FastifyInstance } from 'fastify';
import type { QueryBackend } from '../../core/query.js';
import { HttpError } from '../plugins/error-handler.js';
import { forwardToOwner } from '../plugins/forward-to-owner.js';

/** Largest `limit` a window range may ask for. */
export const MAX_WINDOW_LIMIT = 10_000;
const MAX_MS = 8.64e15;

const windowRow = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    startMs: { type: 'number' },
    endMs: { type: 'number' },
    value: { type: 'object', additionalProperties: true },
  },
} as const;

export async function storeRoutes(app: FastifyInstance, backend: QueryBackend): Promise<void> {
  app.get('/stores', { schema: { summary: 'Queryable stores' } }, async () => backend.storeNames());

  app.get<{
    Params: { store: string; key: string };
    Querystring: { from?: number; to?: number; forwarded?: boolean };
  }>(
    '/stores/:store/keys/:key',
    {
      schema: {
        summary: 'Windows of one key, optionally overlapping [from, to) (epoch ms)',
        params: {
          type: 'object',
          properties: {
            store: { type: 'string', minLength: 1, maxLength: 200 },
            key: { type: 'string', minLength: 1, maxLength: 1000 },
          },
          required: ['store', 'key'],
        },
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'integer', minimum: 0, maximum: MAX_MS },
            to: { type: 'integer', minimum: 0, maximum: MAX_MS },
            forwarded: { type: 'boolean' },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              store: { type: 'string' },
              key: { type: 'string' },
              windows: { type: 'array', items: windowRow },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { store: name, key } = request.params;
      const { from, to, forwarded } = request.query;
      checkRange(from, to);
      const store = backend.store(name);
      if (!store) throw new HttpError(404, `unknown store "${name}"`);
      if (!forwarded) {
        const owner = await backend.ownerOf(name, key);
        if (owner.kind === 'remote')
          return forwardToOwner(reply, owner.address, request.url, 'key');
        if (owner.kind === 'unavailable') throw new HttpError(503, owner.reason);
      }
      const windows = await store.windowsOfKey(key, from, to);
      if (windows === undefined) throw new HttpError(404, `no key "${key}" in store "${name}"`);
      return { store: name, key, windows };
    },
  );

  app.get<{ Params: { store: string }; Querystring: { from: number; to: number; limit: number } }>(
    '/stores/:store/windows',
    {
      schema: {
        summary: 'Windows overlapping [from, to) across the keys this instance owns',
        params: {
          type: 'object',
          properties: { store: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['store'],
        },
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'integer', minimum: 0, maximum: MAX_MS, default: 0 },
            to: { type: 'integer', minimum: 0, maximum: MAX_MS, default: MAX_MS },
            limit: { type: 'integer', minimum: 1, maximum: MAX_WINDOW_LIMIT, default: 100 },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { store: { type: 'string' }, windows: { type: 'array', items: windowRow } },
          },
        },
      },
    },
    async (request) => {
      const { from, to, limit } = request.query;
      checkRange(from, to);
      const store = backend.store(request.params.store);
      if (!store) throw new HttpError(404, `unknown store "${request.params.store}"`);
      return { store: store.name, windows: await store.windows(from, to, limit) };
    },
  );
}

function checkRange(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from > to) {
    throw new HttpError(400, `from (${from}) is after to (${to})`);
  }
}
