// Recommendation queries: GET /recommendations/:userId, /items/:itemId/similar and /trending,
// answered by a RecommendationService (the scoring stage's Recommender, wired in by the cli)
// over the recommendations job's stores.

import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../../core/errors.js';
import { HttpError } from '../plugins/error-handler.js';

/** Largest `k` a recommendation query may ask for. */
export const MAX_RECOMMENDATIONS = 100;

export interface RecommendedItemView {
  readonly itemId: string;
  readonly category: string;
  readonly score: number;
  readonly reason: string;
  readonly because?: string;
}

export interface SimilarItemView {
  readonly itemId: string;
  readonly category: string;
  readonly score: number;
  readonly pairWeight: number;
}

export interface TrendingItemView {
  readonly itemId: string;
  readonly category: string;
  readonly score: number;
}

/** What the routes need; results as the scoring stage's Recommender returns them. */
export interface RecommendationService {
  recommend(
    userId: string,
    k: number,
  ): Promise<{ userId: string; coldStart: boolean; items: readonly RecommendedItemView[] }>;
  similar(
    itemId: string,
    k: number,
  ): Promise<{
    itemId: string;
    known: boolean;
    similarity: string;
    items: readonly SimilarItemView[];
  }>;
  trending(
    category: string | undefined,
    k: number,
  ): Promise<{ category: string | undefined; atMs: number; items: readonly TrendingItemView[] }>;
}

const idParam = (name: string) =>
  ({
    type: 'object',
    properties: { [name]: { type: 'string', minLength: 1, maxLength: 1000 } },
    required: [name],
  }) as const;

const kQuery = {
  k: { type: 'integer', minimum: 1, maximum: MAX_RECOMMENDATIONS, default: 10 },
} as const;

const itemFields = {
  itemId: { type: 'string' },
  category: { type: 'string' },
  score: { type: 'number' },
} as const;

export async function recommendationRoutes(
  app: FastifyInstance,
  service: RecommendationService,
): Promise<void> {
  app.get<{ Params: { userId: string }; Querystring: { k: number } }>(
    '/recommendations/:userId',
    {
      schema: {
        summary:
          'Up to k items for a user: neighbours of their recent items blended with trending, ' +
          'with the reason for each; an unknown user gets trending items (coldStart: true)',
        params: idParam('userId'),
        querystring: { type: 'object', properties: kQuery, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              userId: { type: 'string' },
              coldStart: { type: 'boolean' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    ...itemFields,
                    reason: { type: 'string' },
                    because: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request) => answer(() => service.recommend(request.params.userId, request.query.k)),
  );

  app.get<{ Params: { itemId: string }; Querystring: { k: number } }>(
    '/items/:itemId/similar',
    {
      schema: {
        summary: 'The k items most related to an item (viewed after it), by LLR or cosine',
        params: idParam('itemId'),
        querystring: { type: 'object', properties: kQuery, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              itemId: { type: 'string' },
              similarity: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { ...itemFields, pairWeight: { type: 'number' } },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const result = await answer(() => service.similar(request.params.itemId, request.query.k));
      if (!result.known) throw new HttpError(404, `no item "${request.params.itemId}" seen yet`);
      return result;
    },
  );

  app.get<{ Querystring: { k: number; category?: string } }>(
    '/trending',
    {
      schema: {
        summary:
          'The k items with the highest decayed event counts, overall or in one category ' +
          '(scores decayed to atMs, the latest event time seen)',
        querystring: {
          type: 'object',
          properties: { ...kQuery, category: { type: 'string', minLength: 1, maxLength: 200 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              category: { type: 'string' },
              atMs: { type: 'number' },
              items: { type: 'array', items: { type: 'object', properties: itemFields } },
            },
          },
        },
      },
    },
    async (request) => answer(() => service.trending(request.query.category, request.query.k)),
  );
}

/** A store that closed under the query (partition moving, stopping) is a 503, not a 500. */
async function answer<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (err) {
    if (err instanceof SluiceError && err.retriable) throw new HttpError(503, err.message);
    throw err;
  }
}
