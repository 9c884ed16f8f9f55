// Deep copy of plain JSON data: sliding windows seed a new window with another window's
// accumulators, and aggregators mutate accumulators in place, so the seed must be a copy.

import type { JsonValue } from '../core/record.js';

export function cloneJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i] as JsonValue);
    return out as T;
  }
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) out[key] = cloneJson(value[key] as JsonValue);
  return out as T;
}
