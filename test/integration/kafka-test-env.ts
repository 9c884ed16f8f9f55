// How integration tests find the broker the global setup prepared, and name their topics and
// groups so that tests never see each other's records.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers chosen by test/integration/global-setup.ts. */
    kafkaBrokers: string[];
  }
}

/**
 * The brokers integration tests must use: what the global setup provided (KAFKA_BROKERS, or
 * the local broker it started), else KAFKA_BROKERS from the environment of this worker.
 */
export function testBrokers(): string[] {
  const provided = inject('kafkaBrokers');
  if (Array.isArray(provided) && provided.length > 0) return provided;
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseBrokers(fromEnv);
  throw new Error(
    'no Kafka brokers: run integration tests with `vitest --project integration`, whose ' +
      'global setup starts local Kafka, or set KAFKA_BROKERS',
  );
}

/** `"a:9092, b:9092"` → `['a:9092', 'b:9092']`. */
export function parseBrokers(text: string): string[] {
  return text
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

/** `<prefix>-<random hex>`: a topic, group or transactional id no other test run uses. */
export function uniqueTestName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
