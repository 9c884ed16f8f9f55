// Column types of DuckDB sink tables: what a JSON field becomes, how a column widens when a
// later record does not fit, and whether a value fits a declared column.

import type { JsonValue } from '../../core/record.js';

/** The DuckDB types a sink table column can have. */
export type DuckdbColumnType = 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'JSON' | 'TIMESTAMP';

export const DUCKDB_COLUMN_TYPES: readonly DuckdbColumnType[] = [
  'BOOLEAN',
  'BIGINT',
  'DOUBLE',
  'VARCHAR',
  'JSON',
  'TIMESTAMP',
];

/**
 * The type a field gets from one value: booleans BOOLEAN, integers within ±(2^53 − 1) BIGINT,
 * other numbers DOUBLE, strings VARCHAR, arrays and objects JSON; null says nothing (undefined).
 */
export function inferColumnType(value: JsonValue | undefined): DuckdbColumnType | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'boolean':
      return 'BOOLEAN';
    case 'number':
      return Number.isSafeInteger(value) ? 'BIGINT' : 'DOUBLE';
    case 'string':
      return 'VARCHAR';
    default:
      return 'JSON';
  }
}

/**
 * The narrowest type holding both: BIGINT and DOUBLE make DOUBLE; any other mix makes JSON
 * (every value is stored as its JSON text). Inferred columns only ever widen.
 */
export function widenColumnType(a: DuckdbColumnType, b: DuckdbColumnType): DuckdbColumnType {
  if (a === b) return a;
  if ((a === 'BIGINT' && b === 'DOUBLE') || (a === 'DOUBLE' && b === 'BIGINT')) return 'DOUBLE';
  return 'JSON';
}

/** Epoch ms of a TIMESTAMP value: a finite number of ms, or a date string `Date.parse` reads. */
export function timestampMsOf(value: JsonValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * Whether a non-null value can be stored in a column of the type without losing anything:
 * VARCHAR takes anything (non-strings as JSON text), BIGINT only safe integers.
 */
export function fitsColumnType(value: JsonValue, type: DuckdbColumnType): boolean {
  switch (type) {
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'BIGINT':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'DOUBLE':
      return typeof value === 'number';
    case 'VARCHAR':
    case 'JSON':
      return true;
    case 'TIMESTAMP':
      return timestampMsOf(value) !== undefined;
  }
}
