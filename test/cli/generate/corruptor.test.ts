import { describe, expect, it } from 'vitest';
import { isUtf8 } from 'node:buffer';
import {
  CORRUPTION_KIND_NAMES,
  Corruptor,
  type CorruptionKind,
} from '../../../src/cli/generate/corruptor.js';
import { Prng } from '../../../src/cli/generate/prng.js';

const txn = {
  txn_id: 'txn-a-1',
  account_id: 'acct-00001',
  card_id: 'card-000001',
  amount: 12.5,
  currency: 'EUR',
  merchant_id: 'merch-00001',
  merchant_category: 'grocery',
  device_id: 'dev-00000001',
  lat: 52.1,
  lon: 4.3,
  country: 'NL',
  ts: 1_700_000_000_000,
};
const view = {
  event_id: 'evt-a-1',
  user_id: 'user-00001',
  session_id: 'sess-a-1',
  item_id: 'item-000001',
  category: 'books',
  event_type: 'view',
  ts: 1_700_000_000_000,
};

/** What a strict JSON decoder makes of the bytes (independent of src/codecs on purpose). */
function classify(value: Buffer, required: readonly string[]): string {
  if (value.length === 0) return 'empty';
  if (value.length > 1024 * 1024) return 'too-large';
  if (!isUtf8(value)) return 'not-utf8';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return 'invalid-json';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not-object';
  const keys = Object.keys(parsed);
  if (keys.includes('__proto__') || keys.includes('constructor')) return 'forbidden-key';
  if (required.some((k) => !keys.includes(k))) return 'missing';
  return 'object';
}

const EXPECTED: Record<CorruptionKind, string> = {
  invalid_json: 'invalid-json',
  truncated_json: 'invalid-json',
  not_utf8: 'not-utf8',
  json_array: 'not-object',
  json_number: 'not-object',
  proto_key: 'forbidden-key',
  constructor_key: 'forbidden-key',
  wrong_type: 'object',
  missing_field: 'missing',
  oversized: 'too-large',
  empty: 'empty',
};

describe('Corruptor', () => {
  it('makes each kind fail the way its name says, for both contracts', () => {
    const c = new Corruptor(new Prng(1));
    for (const kind of CORRUPTION_KIND_NAMES) {
      for (let i = 0; i < 30; i++) {
        expect(classify(c.make(kind, txn, 'transactions'), Object.keys(txn)), kind).toBe(
          EXPECTED[kind],
        );
        expect(classify(c.make(kind, view, 'activity'), Object.keys(view)), kind).toBe(
          EXPECTED[kind],
        );
      }
    }
  });

  it('writes a wrong type into a known field', () => {
    const c = new Corruptor(new Prng(2));
    const fields = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const bad = JSON.parse(c.make('wrong_type', txn, 'transactions').toString()) as Record<
        string,
        unknown
      >;
      const changed = Object.keys(txn).filter(
        (k) => typeof bad[k] !== typeof txn[k as keyof typeof txn] || bad[k] === null,
      );
      expect(changed).toHaveLength(1);
      fields.add(changed[0]!);
    }
    expect(fields.has('amount')).toBe(true);
    expect(
      JSON.parse(new Corruptor(new Prng(3)).make('proto_key', txn, 'transactions').toString()),
    ).toHaveProperty('amount', 12.5);
  });

  it('draws every kind about equally, oversized rarely and never past its cap', () => {
    const c = new Corruptor(new Prng(4), { maxOversized: 3 });
    const n = 22_000;
    for (let i = 0; i < n; i++) c.corrupt(txn, 'transactions');
    const total = CORRUPTION_KIND_NAMES.reduce((s, k) => s + c.counts[k], 0);
    expect(total).toBe(n);
    expect(c.counts.oversized).toBe(3);
    for (const kind of CORRUPTION_KIND_NAMES.filter((k) => k !== 'oversized')) {
      expect(c.counts[kind] / n).toBeGreaterThan(0.08);
      expect(c.counts[kind] / n).toBeLessThan(0.12);
    }
  });
});
