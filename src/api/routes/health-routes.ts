// GET /health and GET /metrics (Prometheus text).

import type { FastifyInstance } from 'fastify';
import type { QueryBackend } from '../../core/query.js';

export async function healthRoutes(app: FastifyInstance, backend: QueryBackend): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and job states',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok', 'degraded'] },
              jobs: { type: 'object', additionalProperties: { type: 'string' } },
            },
            required: ['status', 'jobs'],
          },
        },
      },
    },
    async () => {
      const status = backend.status();
      return {
        status: status.some((s) => s.state === 'failed') ? 'degraded' : 'ok',
        jobs: Object.fromEntries(status.map((s) => [s.job, s.state])),
      };
    },
  );
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_req, reply) => {
      return reply.type('text/plain; version=0.0.4').send(backend.metricsText());
    },
  );
}
