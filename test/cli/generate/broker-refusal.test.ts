import { describe, expect, it } from 'vitest';
import { brokerRefusal } from '../../../src/cli/generate/demo-producer.js';

/** Shaped like kafkajs' errors: a protocol error carries the broker's error type. */
function protocolError(type: string, message: string): Error {
  return Object.assign(new Error(message), { type, retriable: false });
}

describe('brokerRefusal', () => {
  it('finds a refusal type in the error or anywhere in its causes', () => {
    const refusal = protocolError(
      'INVALID_TIMESTAMP',
      'The timestamp of the message is out of acceptable range',
    );
    expect(brokerRefusal(refusal)).toBe('INVALID_TIMESTAMP');
    expect(brokerRefusal(new Error('wrapped', { cause: refusal }))).toBe('INVALID_TIMESTAMP');
    const aggregate = Object.assign(new Error('several'), {
      errors: [new Error('other'), protocolError('MESSAGE_TOO_LARGE', 'too big')],
    });
    expect(brokerRefusal(aggregate)).toBe('MESSAGE_TOO_LARGE');
    const retried = Object.assign(new Error('retries exhausted'), { originalError: refusal });
    expect(brokerRefusal(retried)).toBe('INVALID_TIMESTAMP');
  });

  it('leaves connection trouble and non-errors alone (those mean the broker is unavailable)', () => {
    expect(brokerRefusal(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBeUndefined();
    expect(brokerRefusal(protocolError('NOT_LEADER_FOR_PARTITION', 'not leader'))).toBeUndefined();
    expect(brokerRefusal('a string')).toBeUndefined();
    expect(brokerRefusal(undefined)).toBeUndefined();
  });
});
