// The `transactions` event contract as the fraud scorer reads it: the fields it needs, checked
// once per record (a record that breaks the contract is dead-lettered, never scored).

import { SluiceError } from '../../core/errors.js';
import type { JsonObject } from '../../core/record.js';

/** One card payment (contract: `{txn_id, account_id, card_id, amount, ..., ts}`). */
export interface FraudTransaction {
  readonly txnId: string;
  readonly accountId: string;
  readonly cardId: string;
  /** Currency units (the contract does not convert currencies). */
  readonly amount: number;
  readonly merchantId: string;
  readonly deviceId: string;
  /** Degrees. */
  readonly lat: number;
  readonly lon: number;
  readonly country: string;
  /** Event time, epoch ms (the record's timestamp: the job's `ts` field). */
  readonly timestampMs: number;
}

/**
 * Reads the contract fields of a `transactions` value. Throws FIELD_MISSING (absent or null)
 * or FIELD_TYPE (wrong JSON type, or a number that is not finite), naming the field.
 */
export function readFraudTransaction(value: JsonObject, timestampMs: number): FraudTransaction {
  return {
    txnId: text(value, 'txn_id'),
    accountId: text(value, 'account_id'),
    cardId: text(value, 'card_id'),
    amount: number(value, 'amount'),
    merchantId: text(value, 'merchant_id'),
    deviceId: text(value, 'device_id'),
    lat: number(value, 'lat'),
    lon: number(value, 'lon'),
    country: text(value, 'country'),
    timestampMs,
  };
}

function text(value: JsonObject, field: string): string {
  const v = value[field];
  if (typeof v === 'string') return v;
  throw v === undefined || v === null ? missing(field) : wrongType(field, 'a string');
}

function number(value: JsonObject, field: string): number {
  const v = value[field];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw v === undefined || v === null ? missing(field) : wrongType(field, 'a finite number');
}

function missing(field: string): SluiceError {
  return new SluiceError('FIELD_MISSING', `transaction field "${field}" is missing`, {
    context: { field },
  });
}

function wrongType(field: string, expected: string): SluiceError {
  return new SluiceError('FIELD_TYPE', `transaction field "${field}" must be ${expected}`, {
    context: { field },
  });
}
