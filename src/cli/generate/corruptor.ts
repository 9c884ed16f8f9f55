// Bad messages for testing dead letters: `sluice generate --corrupt-rate` swaps a fraction of
// event messages for one of these kinds, each aimed at one decode or validation error code.

import type { Prng } from './prng.js';

/** Every kind of bad value the generator produces, with the error it should provoke. */
export const CORRUPTION_KINDS = {
  invalid_json: 'DECODE_INVALID_JSON: malformed JSON text',
  truncated_json: 'DECODE_INVALID_JSON: a valid event cut short',
  not_utf8: 'DECODE_NOT_UTF8: JSON with invalid UTF-8 bytes in a string',
  json_array: 'DECODE_NOT_OBJECT: a JSON array',
  json_number: 'DECODE_NOT_OBJECT: a JSON number',
  proto_key: 'DECODE_FORBIDDEN_KEY: a __proto__ key',
  constructor_key: 'DECODE_FORBIDDEN_KEY: a constructor key',
  wrong_type: 'FIELD_TYPE: a field of the wrong type (e.g. amount: "abc")',
  missing_field: 'FIELD_MISSING: a required field removed',
  oversized: 'RECORD_TOO_LARGE: a valid event padded past 1 MiB',
  empty: 'DECODE_EMPTY: an empty value',
} as const;

export type CorruptionKind = keyof typeof CORRUPTION_KINDS;

export const CORRUPTION_KIND_NAMES = Object.keys(CORRUPTION_KINDS) as CorruptionKind[];

/** Which contract a corrupted event follows (decides the fields to break). */
export type EventTopicKind = 'activity' | 'transactions';

export interface CorruptorOptions {
  /** At most this many oversized values per run (each is > 1 MiB). Default 10. */
  readonly maxOversized?: number;
  /** Size of an oversized value in bytes. Default 1 MiB + 1 KiB. */
  readonly oversizedBytes?: number;
}

/** Oversized values are rare: this is their weight against 1 for every other kind. */
const OVERSIZED_WEIGHT = 0.02;

const REQUIRED_FIELDS: Record<EventTopicKind, readonly string[]> = {
  activity: ['event_id', 'user_id', 'session_id', 'item_id', 'category', 'event_type', 'ts'],
  transactions: ['txn_id', 'account_id', 'card_id', 'amount', 'currency', 'merchant_id', 'ts'],
};

/** Field → a value of the wrong type for it. */
const WRONG_TYPES: Record<EventTopicKind, ReadonlyArray<[string, unknown]>> = {
  activity: [
    ['ts', 'yesterday'],
    ['user_id', 42],
    ['event_type', ['view']],
    ['item_id', null],
  ],
  transactions: [
    ['amount', 'abc'],
    ['ts', '2024-01-01T00:00:00Z'],
    ['lat', 'north'],
    ['card_id', { number: '4111' }],
  ],
};

/** Turns good events into bad message values; counts what it made. */
export class Corruptor {
  readonly counts: Record<CorruptionKind, number>;
  private readonly maxOversized: number;
  private readonly oversizedBytes: number;

  constructor(
    private readonly prng: Prng,
    options: CorruptorOptions = {},
  ) {
    this.maxOversized = options.maxOversized ?? 10;
    this.oversizedBytes = options.oversizedBytes ?? 1024 * 1024 + 1024;
    this.counts = Object.fromEntries(CORRUPTION_KIND_NAMES.map((k) => [k, 0])) as Record<
      CorruptionKind,
      number
    >;
  }

  /** A bad value in place of `event` (of the given contract), of a random kind. */
  corrupt(
    event: Record<string, unknown>,
    topic: EventTopicKind,
  ): { value: Buffer; kind: CorruptionKind } {
    const kind = this.pickKind();
    this.counts[kind]++;
    return { value: this.make(kind, event, topic), kind };
  }

  /** A bad value of a given kind (tests use it to check each kind's bytes). */
  make(kind: CorruptionKind, event: Record<string, unknown>, topic: EventTopicKind): Buffer {
    const json = JSON.stringify(event);
    const prng = this.prng;
    switch (kind) {
      case 'invalid_json':
        return Buffer.from(
          prng.pick([
            json.replace(/"(\w+)":/, '$1:'), // unquoted key
            `${json.slice(0, -1)},}`, // trailing comma
            `{'single': 'quotes'}`,
            'not json at all',
            json.replace(/:/, '::'),
          ]),
        );
      case 'truncated_json':
        // Any proper prefix of a JSON object is invalid: the closing brace is missing.
        return Buffer.from(json.slice(0, prng.int(1, json.length - 1)));
      case 'not_utf8': {
        const field = REQUIRED_FIELDS[topic][2] ?? 'id';
        const [before, after] = splitAtFieldValue(json, field);
        return Buffer.concat([
          Buffer.from(before),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          Buffer.from(after),
        ]);
      }
      case 'json_array':
        return Buffer.from(JSON.stringify([event]));
      case 'json_number':
        return Buffer.from(String(prng.int(0, 1_000_000)));
      case 'proto_key':
        // JSON.stringify drops an own __proto__ set through a literal, so write the text.
        return Buffer.from(`{"__proto__":{"polluted":true},${json.slice(1)}`);
      case 'constructor_key':
        return Buffer.from(`{"constructor":{"prototype":{"polluted":true}},${json.slice(1)}`);
      case 'wrong_type': {
        const [field, bad] = prng.pick(WRONG_TYPES[topic]);
        return Buffer.from(JSON.stringify({ ...event, [field]: bad }));
      }
      case 'missing_field': {
        const field = prng.pick(REQUIRED_FIELDS[topic]);
        const copy = { ...event };
        delete copy[field];
        return Buffer.from(JSON.stringify(copy));
      }
      case 'oversized': {
        const padding = Math.max(0, this.oversizedBytes - json.length - 16);
        return Buffer.from(JSON.stringify({ ...event, padding: 'x'.repeat(padding) }));
      }
      case 'empty':
        return Buffer.alloc(0);
    }
  }

  private pickKind(): CorruptionKind {
    const allowOversized = this.counts.oversized < this.maxOversized;
    const others = CORRUPTION_KIND_NAMES.filter((k) => k !== 'oversized');
    const total = others.length + (allowOversized ? OVERSIZED_WEIGHT : 0);
    const target = this.prng.next() * total;
    const index = Math.floor(target);
    return index < others.length ? (others[index] as CorruptionKind) : 'oversized';
  }
}

/** Splits serialized JSON just inside the opening quote of `field`'s string value. */
function splitAtFieldValue(json: string, field: string): [string, string] {
  const marker = `"${field}":"`;
  const at = json.indexOf(marker);
  if (at < 0) return [json.slice(0, 1) + '"x":"', `",${json.slice(1)}`];
  const cut = at + marker.length;
  return [json.slice(0, cut), json.slice(cut)];
}
