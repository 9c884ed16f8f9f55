// A JSON value as a string key that keeps types apart (1 vs "1"), for the sets and count maps
// of distinct-count and top-k. The type prefix also keeps "__proto__" from ever being a key.

import type { JsonValue } from '../../core/record.js';

/** `s` + string, `n` + number, `t` / `f`, `z` for null, `j` + JSON for arrays and objects. */
export function canonicalValue(value: JsonValue): string {
  switch (typeof value) {
    case 'string':
      return 's' + value;
    case 'number':
      return 'n' + String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      return value === null ? 'z' : 'j' + JSON.stringify(value);
  }
}

/** The inverse of `canonicalValue`. */
export function fromCanonicalValue(key: string): JsonValue {
  switch (key.charCodeAt(0)) {
    case 0x73: // s
      return key.slice(1);
    case 0x6e: // n
      return Number(key.slice(1));
    case 0x74: // t
      return true;
    case 0x66: // f
      return false;
    case 0x6a: // j
      return JSON.parse(key.slice(1)) as JsonValue;
    default:
      return null;
  }
}
