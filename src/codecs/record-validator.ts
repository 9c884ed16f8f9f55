// Validation step after decoding: a record must have the fields a job's `source.fields`
// declares, with their JSON types. A mismatch is a dead letter, never a crash further down.

import { SluiceError } from '../core/errors.js';
import type { JsonObject, JsonValue } from '../core/record.js';
import type { FieldRule } from '../core/topology.js';

export class RecordValidator {
  constructor(private readonly rules: readonly FieldRule[]) {}

  /** The first problem of a record, or undefined if it matches every rule. */
  check(value: JsonObject): SluiceError | undefined {
    for (const rule of this.rules) {
      const v = Object.prototype.hasOwnProperty.call(value, rule.field)
        ? value[rule.field]
        : undefined;
      if (v === undefined || v === null) {
        if (rule.optional) continue;
        return new SluiceError(
          'FIELD_MISSING',
          `field "${rule.field}" is missing (source.fields says ${rule.type})`,
          {
            context: { field: rule.field },
          },
        );
      }
      if (!matches(v, rule.type)) {
        return new SluiceError(
          'FIELD_TYPE',
          `field "${rule.field}" is ${jsonType(v)}, expected ${rule.type}`,
          {
            context: { field: rule.field },
          },
        );
      }
    }
    return undefined;
  }
}

function matches(v: JsonValue, type: FieldRule['type']): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    default:
      return typeof v === type;
  }
}

function jsonType(v: JsonValue): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}
