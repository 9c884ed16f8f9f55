// Answers a query for a key another instance owns by asking that instance once (`forwarded=true`
// stops it from forwarding again) and passing its answer through.

import type { FastifyReply } from 'fastify';
import { errorMessage } from '../../core/errors.js';
import { HttpError } from './error-handler.js';

/** `what` names the thing owned, for the 503 message (e.g. "key", "account"). */
export async function forwardToOwner(
  reply: FastifyReply,
  address: string,
  url: string,
  what: string,
): Promise<FastifyReply> {
  const target = new URL(url, `http://${address}`);
  target.searchParams.set('forwarded', 'true');
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(5000) });
    return reply
      .status(res.status)
      .type('application/json')
      .send(await res.text());
  } catch (err) {
    throw new HttpError(
      503,
      `owner of this ${what} at ${address} did not answer: ${errorMessage(err)}`,
    );
  }
}
