// Fraud queries: GET /fraud/accounts/:accountId (profile, latest features and score of an
// account) and GET /fraud/alerts (recent alerts), read from the fraud-score node's queryable
// stores through the QueryBackend; the stores' views shape the rows (src/scoring/fraud).

import type { FastifyInstance } from 'fastify';
import type { QueryBackend } from '../../core/query.js';
import { HttpError } from '../plugins/error-handler.js';
import { forwardToOwner } from '../plugins/forward-to-owner.js';

/** The stores of one fraud-score node (found by the cli in the running topologies). */
export interface FraudRouteStores {
  readonly job: string;
  readonly accounts: string;
  readonly alerts: string;
}

/** Largest `limit` GET /fraud/alerts accepts. */
export const MAX_ALERT_LIMIT = 1000;
/** Alert rows read per store at most (the stores keep a bounded ring per task anyway). */
const ALERT_SCAN_CAP = 100_000;
const MAX_MS = 8.64e15;

const seenList = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      count: { type: 'integer' },
      last_seen: { type: 'number' },
    },
  },
} as const;

const accountResponse = {
  type: 'object',
  properties: {
    account_id: { type: 'string' },
    job: { type: 'string' },
    scored: { type: 'integer' },
    profile: {
      type: 'object',
      properties: {
        learned: { type: 'integer' },
        amount_mean: { type: 'number' },
        amount_stddev: { type: 'number' },
        devices: seenList,
        merchants: seenList,
        countries: seenList,
        cards: seenList,
        last_location: {
          type: ['object', 'null'],
          properties: { lat: { type: 'number' }, lon: { type: 'number' }, ts: { type: 'number' } },
        },
      },
    },
    features: { type: 'object', additionalProperties: true },
    last_score: {
      type: ['object', 'null'],
      properties: {
        txn_id: { type: 'string' },
        card_id: { type: 'string' },
        ts: { type: 'number' },
        score: { type: 'number' },
        reasons: { type: 'array', items: { type: 'string' } },
        alerted: { type: 'boolean' },
      },
    },
  },
} as const;

const alertItem = {
  type: 'object',
  properties: {
    txn_id: { type: 'string' },
    account_id: { type: 'string' },
    card_id: { type: 'string' },
    score: { type: 'number' },
    reasons: { type: 'array', items: { type: 'string' } },
    ts: { type: 'number' },
    emitted_at: { type: 'number' },
  },
} as const;

interface AlertRow {
  txn_id: string;
  account_id: string;
  card_id: string;
  score: number;
  reasons: string[];
  ts: number;
  emitted_at: number;
}

export async function fraudRoutes(
  app: FastifyInstance,
  backend: QueryBackend,
  stores: readonly FraudRouteStores[],
): Promise<void> {
  app.get<{ Params: { accountId: string }; Querystring: { forwarded?: boolean } }>(
    '/fraud/accounts/:accountId',
    {
      schema: {
        summary:
          'Fraud profile of an account: learned habit, features and score of its latest payment',
        params: {
          type: 'object',
          properties: { accountId: { type: 'string', minLength: 1, maxLength: 1000 } },
          required: ['accountId'],
        },
        querystring: {
          type: 'object',
          properties: { forwarded: { type: 'boolean' } },
          additionalProperties: false,
        },
        response: { 200: accountResponse },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      for (const s of stores) {
        const view = backend.store(s.accounts);
        if (!view) continue;
        if (!request.query.forwarded) {
          const owner = await backend.ownerOf(s.accounts, accountId);
          if (owner.kind === 'remote')
            return forwardToOwner(reply, owner.address, request.url, 'account');
          if (owner.kind === 'unavailable') throw new HttpError(503, owner.reason);
        }
        const rows = await view.windowsOfKey(accountId);
        const row = rows?.[0];
        if (row !== undefined) return { ...row.value, account_id: accountId, job: s.job };
      }
      throw new HttpError(404, `no fraud profile for account "${accountId}"`);
    },
  );

  app.get<{ Querystring: { since: number; limit: number } }>(
    '/fraud/alerts',
    {
      schema: {
        summary:
          'Recent fraud alerts made by this instance (its partitions), newest first; `since` is ' +
          'epoch ms of emitted_at (inclusive)',
        querystring: {
          type: 'object',
          properties: {
            since: { type: 'integer', minimum: 0, maximum: MAX_MS, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_ALERT_LIMIT, default: 100 },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              count: { type: 'integer' },
              alerts: { type: 'array', items: alertItem },
            },
          },
        },
      },
    },
    async (request) => {
      const { since, limit } = request.query;
      const alerts: AlertRow[] = [];
      for (const s of stores) {
        const view = backend.store(s.alerts);
        if (!view) continue;
        for (const row of await view.windows(since, MAX_MS, ALERT_SCAN_CAP)) {
          alerts.push(row.value as unknown as AlertRow);
        }
      }
      alerts.sort((a, b) => b.emitted_at - a.emitted_at || b.ts - a.ts);
      const newest = alerts.slice(0, limit);
      return { count: newest.length, alerts: newest };
    },
  );
}
