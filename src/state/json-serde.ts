// Store values as JSON bytes: what the JSON-first jobs hold (aggregates, profiles, top-k lists).
// A format change is a new StoreDeclaration.stateId, never a silent reinterpretation.

import type { Serde } from '../core/store.js';

/**
 * UTF-8 JSON. Round-trips plain data only: `undefined` properties vanish, NaN and ±Infinity
 * become null, Dates become strings, BigInt throws — keep such values out of store values.
 */
export class JsonSerde<V> implements Serde<V> {
  serialize(value: V): Buffer {
    return Buffer.from(JSON.stringify(value), 'utf8');
  }

  deserialize(bytes: Buffer): V {
    return JSON.parse(bytes.toString('utf8')) as V;
  }
}
