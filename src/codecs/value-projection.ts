// Decode step, when a fetched batch arrives: the fields a job reads are taken from the batch's
// values into typed arrays (ProjectedValues), mostly by a byte scanner, and each value's object
// is built only when its record is processed. On a 200-byte event that is a third of the cost of
// JSON.parse, and the queued records hold no decoded objects.

import type { JsonObject, PredecodedValues } from '../core/record.js';
import { JsonCodec } from './json-codec.js';
import { JsonFieldScanner } from './json-field-scanner.js';

/** Per value and field, what the projection found (`ProjectedValues.types`). */
export const FIELD_ABSENT = 0;
export const FIELD_NUMBER = 1;
export const FIELD_STRING = 2;
export const FIELD_TRUE = 3;
export const FIELD_FALSE = 4;
export const FIELD_NULL = 5;
/** In a value's first slot: the main thread decodes this value itself. */
export const VALUE_LEFT = 255;

/** Slots per value: one per field, and at least one (for VALUE_LEFT). */
export function slotsPerValue(fields: readonly string[]): number {
  return Math.max(1, fields.length);
}

/**
 * The projected fields of every value of a batch, flat: slot `i × stride + j` is field j of
 * value i. Typed arrays rather than objects, so they cross threads without serialising and
 * hold no heap objects while the records wait in the queue.
 */
export interface ProjectedValues {
  /** FIELD_* per slot; VALUE_LEFT in a value's first slot. */
  readonly types: Uint8Array;
  /** The number, or for FIELD_STRING the index into `strings`. */
  readonly numbers: Float64Array;
  readonly strings: readonly string[];
}

/** Where a batch's values lie in `data`: `lengths[i]` -1 for none, else bytes at `starts[i]`. */
export interface ValueLayout {
  readonly data: Buffer;
  readonly count: number;
  valueStart(index: number): number;
  valueLength(index: number): number;
}

/** Projects one source topic's fields: `project` a batch, `reader` for its records. */
export class FieldProjector {
  private readonly scanner: JsonFieldScanner;
  private readonly codec: JsonCodec;

  constructor(
    readonly fields: readonly string[],
    private readonly maxRecordBytes: number,
  ) {
    this.scanner = new JsonFieldScanner(fields, maxRecordBytes);
    this.codec = new JsonCodec(maxRecordBytes);
  }

  /** The values of `layout` decoded ahead, read per record through `valueAt`. */
  project(layout: ValueLayout): PredecodedValues {
    const values = projectValues(
      layout,
      this.fields,
      this.scanner,
      this.codec,
      this.maxRecordBytes,
    );
    return new ProjectedValueReader(values, this.fields);
  }
}

/**
 * Projects `fields` of every value of `layout`. Most values take the byte scanner; what it does
 * not handle goes through JSON.parse (`codec`), so every answer equals JSON.parse's. A value
 * that fails to decode, is over `maxRecordBytes` or holds an object or array in a read field is
 * VALUE_LEFT: the main thread decodes it and names any error.
 */
export function projectValues(
  layout: ValueLayout,
  fields: readonly string[],
  scanner: JsonFieldScanner,
  codec: JsonCodec,
  maxRecordBytes: number,
): ProjectedValues {
  const { data, count } = layout;
  const stride = slotsPerValue(fields);
  const slots = count * stride;
  const types = new Uint8Array(slots);
  const numbers = new Float64Array(slots);
  const strings: string[] = [];
  const target = { types, numbers, strings };
  for (let i = 0; i < count; i++) {
    const pos = layout.valueStart(i);
    const length = layout.valueLength(i);
    const base = i * stride;
    if (length < 0 || length > maxRecordBytes) {
      types[base] = VALUE_LEFT;
      continue;
    }
    const stringsBefore = strings.length;
    if (!scanner.scan(data, pos, pos + length, base, target)) {
      // Undo the scan's partial writes; JSON.parse decides (and names any error).
      types.fill(0, base, base + stride);
      strings.length = stringsBefore;
      const decoded = codec.decodeBytes(data.subarray(pos, pos + length));
      if (decoded.ok !== true || !project(decoded.value, fields, base, target)) {
        types.fill(0, base, base + stride);
        types[base] = VALUE_LEFT;
      }
    }
  }
  return target;
}

/** Writes a parsed value's fields into the slots at `base`; false if it must be left. */
function project(
  value: JsonObject,
  fields: readonly string[],
  base: number,
  out: { types: Uint8Array; numbers: Float64Array; strings: string[] },
): boolean {
  for (let j = 0; j < fields.length; j++) {
    const field = fields[j]!;
    if (!Object.hasOwn(value, field)) continue; // FIELD_ABSENT (0)
    const v = value[field];
    const slot = base + j;
    if (typeof v === 'number') {
      // A float64 carries every JSON number exactly; ±Infinity (huge literals) too.
      out.types[slot] = FIELD_NUMBER;
      out.numbers[slot] = v;
    } else if (typeof v === 'string') {
      out.types[slot] = FIELD_STRING;
      out.numbers[slot] = out.strings.length;
      out.strings.push(v);
    } else if (v === true) out.types[slot] = FIELD_TRUE;
    else if (v === false) out.types[slot] = FIELD_FALSE;
    else if (v === null) out.types[slot] = FIELD_NULL;
    else return false; // objects and arrays: checking them would cost what it saves
  }
  return true;
}

/** Projected values read on demand: each value's object is built when its record is processed. */
export class ProjectedValueReader implements PredecodedValues {
  private readonly stride: number;

  constructor(
    private readonly values: ProjectedValues,
    private readonly fields: readonly string[],
  ) {
    this.stride = slotsPerValue(fields);
  }

  valueAt(index: number): JsonObject | undefined {
    const { types, numbers, strings } = this.values;
    const fields = this.fields;
    const base = index * this.stride;
    if (types[base] === VALUE_LEFT) return undefined;
    const value: JsonObject = {};
    for (let j = 0; j < fields.length; j++) {
      const slot = base + j;
      switch (types[slot]) {
        case FIELD_NUMBER:
          value[fields[j]!] = numbers[slot]!;
          break;
        case FIELD_STRING:
          value[fields[j]!] = strings[numbers[slot]!]!;
          break;
        case FIELD_TRUE:
          value[fields[j]!] = true;
          break;
        case FIELD_FALSE:
          value[fields[j]!] = false;
          break;
        case FIELD_NULL:
          value[fields[j]!] = null;
          break;
      }
    }
    return value;
  }
}
