// Turns stored windows into results: the value the window operator emits, and what the query
// API shows for a key (it gets this through the registry, since the API does not import windows).

import type { JsonObject, JsonValue } from '../core/record.js';
import type { Aggregator } from './aggregators/aggregator.js';
import { ACC, END, START, type StoredWindow, type StoredWindows } from './stored-window.js';

/** Field names the window operator puts in every result; aggregation names must differ. */
export const WINDOW_RESULT_FIELDS = ['key', 'startMs', 'endMs'] as const;

/** `{key, startMs, endMs, <aggregation name>: result, ...}`, aggregations in declared order. */
export function windowResult(
  key: string,
  window: StoredWindow,
  names: readonly string[],
  aggregators: readonly Aggregator[],
): JsonObject {
  const value: JsonObject = { key, startMs: window[START], endMs: window[END] };
  for (let i = 0; i < names.length; i++) {
    value[names[i] as string] = (aggregators[i] as Aggregator).result(window[ACC + i] as JsonValue);
  }
  return value;
}

/**
 * Results of a key's stored windows whose `[startMs, endMs)` overlaps `[fromMs, toMs)`
 * (defaults: all), in startMs order. `stored` is the raw store value (undefined = no windows).
 */
export function windowResults(
  key: string,
  stored: unknown,
  aggregations: Readonly<Record<string, { readonly aggregator: Aggregator }>>,
  fromMs = Number.NEGATIVE_INFINITY,
  toMs = Number.POSITIVE_INFINITY,
): JsonObject[] {
  if (!Array.isArray(stored)) return [];
  const names = Object.keys(aggregations);
  const aggregators = names.map(
    (name) => (aggregations[name] as { aggregator: Aggregator }).aggregator,
  );
  const out: JsonObject[] = [];
  for (const window of stored as StoredWindows) {
    if (window[END] > fromMs && window[START] < toMs) {
      out.push(windowResult(key, window, names, aggregators));
    }
  }
  return out;
}
