// The query API (fastify): builds the app from a read-only backend without listening, so tests
// use app.inject() and `sluice run` listens. Every route has a JSON Schema; OpenAPI at /docs.

import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { QueryBackend } from '../core/query.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { healthRoutes } from './routes/health-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { storeRoutes } from './routes/store-routes.js';
import { errorHandler } from './plugins/error-handler.js';
import { finiteNumbers } from './plugins/finite-numbers.js';

export interface ServerDeps {
  readonly backend: QueryBackend;
  readonly metrics: MetricsRegistry;
  /** Extra route plugins (scoring, SQL, dashboards) registered by later stages. */
  readonly plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
  readonly logger?: boolean;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Long keys are allowed but bounded: a 4xx beats an unbounded lookup (a segment over this
    // is refused by the router with 414; the routes' schemas set tighter limits).
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    // URLs the router rejects (bad %-escapes, a segment over maxParamLength) get our error body.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const status = error.statusCode === 414 ? 414 : 400;
      const message =
        status === 414 ? 'a URL segment is longer than 1024 characters' : 'the URL is malformed';
      void reply.status(status).send({ error: 'bad_request', message });
    },
  });
  errorHandler(app, deps.metrics);
  finiteNumbers(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Sluice query API',
        version: '0.1.0',
        description: 'State stores, jobs and metrics of a Sluice instance',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(async (scope) => {
    await healthRoutes(scope, deps.backend);
    await jobRoutes(scope, deps.backend);
    await storeRoutes(scope, deps.backend);
    for (const plugin of deps.plugins ?? []) await plugin(scope);
  });
  return app;
}
