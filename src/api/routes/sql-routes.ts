// POST /sql: one read-only SQL statement over the DuckDB file (tables the to-duckdb nodes
// write); GET /sql/queries[/:name]: the named queries shipped with Sluice. Limits live in analytics.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SqlOutcome, SqlQueryService } from '../../core/sql-query.js';
import { HttpError } from '../plugins/error-handler.js';

/** Longest statement the route accepts (the runner may set a tighter limit). */
export const MAX_SQL_CHARS = 100_000;

const result = {
  type: 'object',
  properties: {
    columns: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, type: { type: 'string' } },
      },
    },
    rows: { type: 'array', items: { type: 'array', items: {} } },
    truncated: { type: 'boolean' },
  },
} as const;

const failure = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

const responses = {
  200: result,
  400: {
    description: 'DuckDB refused the statement (its message), or it ran out of time',
    ...failure,
  },
  403: {
    description: 'Not a single read-only statement, or a function that is not allowed',
    ...failure,
  },
  429: { description: 'Too many statements running; retry', ...failure },
} as const;

/**
 * Status of each outcome: DuckDB errors (syntax, binding, permission) 400 `invalid_sql`;
 * statements that are not one read-only query 403 `refused`; the time limit 400 `timeout`
 * (not 408, which clients retry by themselves); too many at once 429 `busy`.
 */
function send(reply: FastifyReply, outcome: SqlOutcome): unknown {
  if (outcome.ok) return outcome.result;
  switch (outcome.reason) {
    case 'invalid':
      return reply.status(400).send({ error: 'invalid_sql', message: outcome.message });
    case 'refused':
      return reply.status(403).send({ error: 'refused', message: outcome.message });
    case 'timeout':
      return reply.status(400).send({ error: 'timeout', message: outcome.message });
    case 'busy':
      return reply
        .status(429)
        .header('retry-after', '1')
        .send({ error: 'busy', message: outcome.message });
  }
}

export async function sqlRoutes(app: FastifyInstance, sql: SqlQueryService): Promise<void> {
  app.post<{ Body: { sql: string } }>(
    '/sql',
    {
      schema: {
        summary: 'Run one read-only SQL statement over the DuckDB file',
        description:
          'Only a single SELECT (WITH, FROM, VALUES, SHOW, DESCRIBE, SUMMARIZE) runs, in a ' +
          'read-only transaction, with no file or network access, a row limit (truncated: ' +
          'true when more rows were produced) and a time limit.',
        body: {
          type: 'object',
          properties: { sql: { type: 'string', minLength: 1, maxLength: MAX_SQL_CHARS } },
          required: ['sql'],
          additionalProperties: false,
        },
        response: responses,
      },
    },
    async (request, reply) => send(reply, await sql.query(request.body.sql)),
  );

  app.get(
    '/sql/queries',
    {
      schema: {
        summary: 'Named queries shipped with Sluice',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                description: { type: 'string' },
                sql: { type: 'string' },
              },
            },
          },
        },
      },
    },
    async () => sql.namedQueries(),
  );

  app.get<{ Params: { name: string } }>(
    '/sql/queries/:name',
    {
      schema: {
        summary: 'Run a named query',
        params: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['name'],
        },
        response: responses,
      },
    },
    async (request, reply) => {
      const named = sql.namedQueries().find((q) => q.name === request.params.name);
      if (!named) throw new HttpError(404, `unknown query "${request.params.name}"`);
      return send(reply, await sql.query(named.sql));
    },
  );
}
