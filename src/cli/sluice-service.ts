// One running Sluice instance: state stores, the engine on Kafka, and the query API. Shared by
// `sluice run`, `sluice start` and the tests; `stop()` is the graceful shutdown.

import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/build-server.js';
import type { SluiceConfig } from '../config/sluice-config.js';
import type { Topology } from '../core/topology.js';
import { describeTopology } from '../jobs/describe-topology.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { Engine } from '../runtime/engine.js';
import { EngineQueryBackend } from '../runtime/engine-query-backend.js';
import { consoleLogger, type Logger } from '../runtime/logger.js';
import { KafkaAdmin } from '../sources/kafka/kafka-admin.js';
import { KafkaChangelogReader } from '../sources/kafka/kafka-changelog-reader.js';
import { StoreManager } from '../state/store-manager.js';

export interface ServiceOptions {
  readonly topologies: readonly Topology[];
  readonly brokers: readonly string[];
  readonly config: SluiceConfig;
  readonly logger?: Logger;
  readonly plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
}

export interface RunningService {
  readonly engine: Engine;
  readonly stores: StoreManager;
  /** Undefined when the API is off (port 0). */
  readonly app: FastifyInstance | undefined;
  /** `host:port` the API listens on, or ''. */
  readonly apiAddress: string;
  stop(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config, brokers } = options;
  const logger = options.logger ?? consoleLogger;
  const metrics = new MetricsRegistry();
  const reader = new KafkaChangelogReader(brokers);
  const stores = new StoreManager({
    stateDir: config.stateDir,
    memoryBudgetBytes: config.stateMemoryBytes,
    changelogReader: reader,
    metrics,
    log: (line: string) => logger.info(line),
  });
  const apiAddress = config.apiPort === 0 ? '' : `${config.apiHost}:${config.apiPort}`;
  const engine = new Engine({
    topologies: options.topologies,
    brokers,
    stateFactory: stores,
    commitIntervalMs: config.commitIntervalMs,
    metrics,
    logger,
    apiAddress,
  });
  let app: FastifyInstance | undefined;
  const admin = apiAddress ? await KafkaAdmin.connect(brokers, 'sluice-query-router') : undefined;
  if (apiAddress) {
    const backend = new EngineQueryBackend({
      engine,
      stores,
      admin,
      apiAddress,
      describe: describeTopology,
    });
    app = await buildServer({ backend, metrics, plugins: options.plugins ?? [] });
    await app.listen({ host: config.apiHost, port: config.apiPort });
    logger.info(`query API on http://${apiAddress} (OpenAPI at /docs)`);
  }
  await engine.start();
  return {
    engine,
    stores,
    app,
    apiAddress,
    async stop() {
      await engine.stop();
      await app?.close();
      await admin?.close();
      await stores.closeAll();
      await reader.close();
      logger.info('stopped cleanly');
    },
  };
}
