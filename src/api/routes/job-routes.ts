// GET /jobs and GET /jobs/:job: topology, assigned partitions, lag, running/restoring.

import type { FastifyInstance } from 'fastify';
import type { QueryBackend } from '../../core/query.js';
import { HttpError } from '../plugins/error-handler.js';

const nameParam = {
  type: 'object',
  properties: { job: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['job'],
} as const;

export async function jobRoutes(app: FastifyInstance, backend: QueryBackend): Promise<void> {
  app.get('/jobs', { schema: { summary: 'Jobs on this instance and their state' } }, async () => {
    const status = new Map(backend.status().map((s) => [s.job, s]));
    return backend.jobs().map((j) => ({
      job: j.job,
      state: status.get(j.job)?.state ?? 'stopped',
      sourceTopics: j.sourceTopics,
      stores: j.stores,
      partitions: status.get(j.job)?.tasks.map((t) => t.partition) ?? [],
    }));
  });
  app.get<{ Params: { job: string } }>(
    '/jobs/:job',
    { schema: { summary: 'One job: topology, tasks, lag', params: nameParam } },
    async (request) => {
      const job = backend.jobs().find((j) => j.job === request.params.job);
      if (!job) throw new HttpError(404, `unknown job "${request.params.job}"`);
      const status = backend.status().find((s) => s.job === job.job);
      const tasks = status?.tasks ?? [];
      return {
        ...job,
        state: status?.state ?? 'stopped',
        ...(status?.error ? { error: status.error } : {}),
        tasks,
        lag: tasks.reduce((sum, t) => sum + Object.values(t.lag).reduce((a, b) => a + b, 0), 0),
      };
    },
  );
}
