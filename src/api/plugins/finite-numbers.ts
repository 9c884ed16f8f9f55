// Closes a gap in Ajv's type coercion, which every route's query string and path go through:
// "Infinity" or "1e400" is coerced to Infinity, which passes an integer schema and its maximum.

import type { FastifyInstance } from 'fastify';
import { HttpError } from './error-handler.js';

/**
 * Answers 400 when a coerced query-string or path parameter is not a finite number (Ajv checks
 * `maximum` and `minimum` only on finite numbers, so `limit=Infinity` would reach the backend).
 */
export function finiteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const parts: Array<[string, unknown]> = [
      ['querystring', request.query],
      ['params', request.params],
    ];
    for (const [part, values] of parts) {
      if (values === null || typeof values !== 'object') continue;
      for (const [name, value] of Object.entries(values)) {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          throw new HttpError(400, `${part}/${name} must be a finite number`);
        }
      }
    }
  });
}
