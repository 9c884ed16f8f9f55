// Kafka message headers (bytes, or arrays of bytes) as the strings Sluice's records carry.

import type { RecordHeaders } from '../../core/record.js';

/** Headers of a record without any: shared and frozen (no allocation per record). */
export const EMPTY_HEADERS: RecordHeaders = Object.freeze({});

/** Decoded headers; the shared frozen empty object when there are none (no allocation). */
export function decodeHeaders(headers: Record<string, unknown> | undefined): RecordHeaders {
  // Perf (sluice bench): kafkajs hands every record a headers object, almost always empty;
  // `for…in` and a lazily created result allocate nothing for those (Object.entries did, twice
  // per record).
  let out: RecordHeaders | undefined;
  if (headers === undefined) return EMPTY_HEADERS;
  for (const k in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, k)) continue;
    const v = headers[k];
    if (v === undefined) continue;
    out ??= Object.create(null) as RecordHeaders;
    out[k] = headerText(v);
  }
  return out ?? EMPTY_HEADERS;
}

/** A header value as text: bytes as UTF-8, repeated values joined with commas. */
export function headerText(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (Array.isArray(v)) return v.map(headerText).join(',');
  return typeof v === 'string' ? v : JSON.stringify(v);
}
