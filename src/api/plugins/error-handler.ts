// Error mapping for the API: validation problems are 400 with a message, unknown routes 404,
// a key whose owner cannot answer 503, and only our own bugs are 500. Each response is counted
// by route and status.

import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from '../../metrics/metrics-registry.js';

/** An error a route means to answer with: its status and message are shown to the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorHandler(app: FastifyInstance, metrics: MetricsRegistry): void {
  app.setErrorHandler((error, request, reply) => {
    const e = error as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) {
      return reply.status(400).send({ error: 'bad_request', message: e.message });
    }
    const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
    // A route's own 5xx (503: the key's owner is away) is expected and its message is safe to
    // show; any other 5xx is a bug whose message may leak internals.
    const intended = error instanceof HttpError;
    if (status >= 500 && !intended) request.log.error(error);
    return reply.status(status).send({
      error:
        status === 503
          ? 'unavailable'
          : status >= 500
            ? 'internal'
            : status === 404
              ? 'not_found'
              : 'bad_request',
      message: status >= 500 && !intended ? 'internal error' : e.message,
    });
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    });
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics
      .counter('httpRequests', {
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      })
      .inc();
  });
}
