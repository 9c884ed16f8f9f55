// Reads an aggregation's input from a record by field name, for `of: amount` in a job file
// (expressions go through the expression compiler instead; both yield a `(record) => value`).

import type { JsonValue, StreamRecord } from '../core/record.js';

/**
 * An extractor for a top-level field, or a dotted path (`payment.amount`) when no top-level
 * field has that exact name. Missing fields and non-object steps give null.
 */
export function fieldExtractor(field: string): (record: StreamRecord) => JsonValue {
  const path = field.split('.');
  return (record) => {
    const value = record.value;
    if (Object.prototype.hasOwnProperty.call(value, field)) return value[field] ?? null;
    if (path.length === 1) return null;
    let current: JsonValue = value;
    for (const step of path) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return null;
      if (!Object.prototype.hasOwnProperty.call(current, step)) return null;
      current = current[step] ?? null;
    }
    return current;
  };
}
