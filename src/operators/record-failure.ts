// Turns whatever an operator's per-record work threw into the SluiceError a dead letter carries:
// the original code (FIELD_MISSING, EXPR_EVAL, ...) with the node that failed added to its context.

import { SluiceError, type ErrorCode } from '../core/errors.js';

/** `err` as a SluiceError naming `node`; non-Sluice errors get `fallback` (default EXPR_EVAL). */
export function recordFailure(
  err: unknown,
  node: string,
  fallback: ErrorCode = 'EXPR_EVAL',
): SluiceError {
  if (err instanceof SluiceError) {
    if (err.context.node === node) return err;
    return new SluiceError(err.code, err.message, {
      domain: err.domain,
      retriable: err.retriable,
      cause: err.cause ?? err,
      context: { ...err.context, node },
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SluiceError(fallback, message, { cause: err, context: { node } });
}
