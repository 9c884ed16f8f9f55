// Vitest global setup of the integration project: one broker for every integration and e2e
// test file — KAFKA_BROKERS when set, else the local Kafka manager's broker (started if needed).
import type { TestProject } from 'vitest/node';
import { ensureLocalKafka, stopLocalKafka } from '../../src/cli/local-kafka/index.js';
import { parseBrokers } from './kafka-test-env.js';

/**
 * Provides `kafkaBrokers` (read it with `testBrokers()` from kafka-test-env.ts) and sets
 * KAFKA_BROKERS for code under test that reads the environment. A broker this setup started
 * is stopped at teardown unless SLUICE_KEEP_KAFKA=1; one that was already running stays.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    project.provide('kafkaBrokers', parseBrokers(fromEnv));
    return async () => undefined;
  }
  const kafka = await ensureLocalKafka();
  process.env.KAFKA_BROKERS = kafka.brokers.join(',');
  project.provide('kafkaBrokers', kafka.brokers);
  return async () => {
    delete process.env.KAFKA_BROKERS;
    if (kafka.startedByUs && process.env.SLUICE_KEEP_KAFKA !== '1') {
      await stopLocalKafka();
    }
  };
}
