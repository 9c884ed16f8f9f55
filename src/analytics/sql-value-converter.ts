// Turns DuckDB result values into JSON for `POST /sql`: DuckDB's own JSON conversion, except
// that integers and decimals that fit a double become numbers and JSON columns are embedded.

import {
  DuckDBDecimalValue,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import type { JsonValue } from '../core/record.js';

/** Decimals with more digits than this lose precision as a double, so they stay strings. */
const MAX_EXACT_DECIMAL_DIGITS = 15;

/**
 * Converts one value of a result. BIGINT-like values within ±(2^53 − 1) become numbers (else
 * decimal strings, as DuckDB's JSON conversion does), DECIMAL(≤15, s) becomes a number, a
 * `JSON` column's text is parsed so `reasons` arrive as arrays; timestamps are DuckDB's text.
 */
export const sqlValueConverter: DuckDBValueConverter<JsonValue> = (value, type, converter) => {
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      if (typeof value === 'bigint') {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value.toString();
      }
      break;
    case DuckDBTypeId.DECIMAL:
      if (value instanceof DuckDBDecimalValue && value.width <= MAX_EXACT_DECIMAL_DIGITS) {
        return Number(value.toString());
      }
      break;
    case DuckDBTypeId.VARCHAR:
      if (type.alias === 'JSON' && typeof value === 'string') {
        try {
          return JSON.parse(value) as JsonValue;
        } catch {
          return value;
        }
      }
      break;
    default:
      break;
  }
  return JsonDuckDBValueConverter(value, type, converter);
};
