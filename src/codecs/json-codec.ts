// Decode step of the flow: Kafka message bytes → a plain JSON object, or a SluiceError that the
// decode-error policy turns into a dead letter. Never throws; never lets a prototype key through.

import { isUtf8 } from 'node:buffer';
import { SluiceError } from '../core/errors.js';
import type { JsonObject, RawRecord } from '../core/record.js';

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// A cheap substring test first: only values that mention a forbidden name pay for a full walk.
const FORBIDDEN_HINT = /__proto__|constructor|prototype/;

export type DecodeResult = { ok: true; value: JsonObject } | { ok: false; error: SluiceError };

export class JsonCodec {
  constructor(private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {}

  decode(raw: RawRecord): DecodeResult {
    return this.decodeBytes(raw.value);
  }

  /** Decodes a message value (the bytes alone: the projection of a fetched batch has nothing else). */
  decodeBytes(bytes: Buffer | null): DecodeResult {
    if (bytes === null || bytes.length === 0) {
      return fail('DECODE_EMPTY', 'message has no value');
    }
    if (bytes.length > this.maxRecordBytes) {
      return fail(
        'RECORD_TOO_LARGE',
        `value is ${bytes.length} bytes; the limit is ${this.maxRecordBytes} (source.maxRecordBytes)`,
      );
    }
    if (!isUtf8(bytes)) {
      return fail('DECODE_NOT_UTF8', 'value bytes are not valid UTF-8');
    }
    const text = bytes.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return fail('DECODE_INVALID_JSON', `invalid JSON: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed;
      return fail('DECODE_NOT_OBJECT', `value is ${kind}, expected a JSON object`);
    }
    if (FORBIDDEN_HINT.test(text)) {
      const path = findForbiddenKey(parsed, '$');
      if (path !== undefined) {
        return fail('DECODE_FORBIDDEN_KEY', `forbidden key at ${path}`);
      }
    }
    return { ok: true, value: parsed as JsonObject };
  }
}

function findForbiddenKey(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `${path}.${key}`;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function fail(code: ConstructorParameters<typeof SluiceError>[0], message: string): DecodeResult {
  return { ok: false, error: new SluiceError(code, message, { domain: 'user' }) };
}
