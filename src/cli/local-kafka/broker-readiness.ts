// Decides when a just-started local broker is usable: its port accepts TCP and a kafkajs admin
// gets cluster metadata back — the same client library the rest of Sluice talks through.
import { Kafka, logLevel } from 'kafkajs';
import { acceptsConnections } from './port-probe.js';

/**
 * One readiness probe: TCP connect, then `describeCluster()` with retries off. Resolves true
 * when the broker answered with at least one broker in the metadata, false otherwise.
 */
export async function brokerAnswers(host: string, port: number): Promise<boolean> {
  if (!(await acceptsConnections(port, host))) return false;
  const admin = new Kafka({
    clientId: 'sluice-kafka-probe',
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export type ReadinessOutcome = 'ready' | 'exited' | 'timeout';

/**
 * Polls `brokerAnswers` every `pollMs` until it is true, `hasExited()` turns true (the JVM
 * died: no point waiting) or `timeoutMs` has passed since the call.
 */
export async function waitForBroker(options: {
  host: string;
  port: number;
  timeoutMs: number;
  pollMs?: number;
  hasExited: () => boolean;
}): Promise<ReadinessOutcome> {
  const deadlineMs = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 250;
  for (;;) {
    if (options.hasExited()) return 'exited';
    if (await brokerAnswers(options.host, options.port)) return 'ready';
    if (Date.now() >= deadlineMs) return 'timeout';
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
