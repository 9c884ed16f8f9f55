// One running Sluice instance: state stores, the engine on Kafka, and the query API. Shared by
// `sluice run`, `sluice start` and the tests; `stop()` is the graceful shutdown.

import type { FastifyInstance } from 'fastify';
import { DuckdbDatabase, duckdbPathIn } from '../analytics/duckdb-database.js';
import { SqlRunner as ReadOnlySqlRunner } from '../analytics/sql-runner.js';
import { buildServer } from '../api/build-server.js';
import type { SqlRunner } from '../api/dashboards/dashboard-spec.js';
import { dashboardRoutes } from '../api/routes/dashboard-routes.js';
import { recommendationRoutes } from '../api/routes/recommendation-routes.js';
import { fraudRoutes } from '../api/routes/fraud-routes.js';
import { sqlRoutes } from '../api/routes/sql-routes.js';
import type { SluiceConfig } from '../config/sluice-config.js';
import type { Topology } from '../core/topology.js';
import { describeTopology } from '../jobs/describe-topology.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { Engine } from '../runtime/engine.js';
import { EngineQueryBackend } from '../runtime/engine-query-backend.js';
import { consoleLogger, type Logger } from '../runtime/logger.js';
import { QueryBackendReader } from '../scoring/recommendations/query-backend-reader.js';
import { Recommender } from '../scoring/recommendations/recommender.js';
import { findRecommendationStores } from '../scoring/recommendations/recs-nodes.js';
import { findFraudQueryStores } from '../scoring/fraud/fraud-query-stores.js';
import { bindDuckdbSinks, hasDuckdbSinks } from '../sinks/duckdb/duckdb-sink-node.js';
import { DuckdbSinkWriter } from '../sinks/duckdb/duckdb-sink-writer.js';
import { KafkaAdmin } from '../sources/kafka/kafka-admin.js';
import { KafkaChangelogReader } from '../sources/kafka/kafka-changelog-reader.js';
import { StoreManager } from '../state/store-manager.js';

export interface ServiceOptions {
  readonly topologies: readonly Topology[];
  readonly brokers: readonly string[];
  readonly config: SluiceConfig;
  readonly logger?: Logger;
  readonly plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
  /** Folder of dashboard files served at /dashboards (default `dashboards`; missing = none). */
  readonly dashboardsDir?: string;
  /** Read-only SQL for dashboards' SQL panels; without it they show "SQL not available". */
  readonly runSql?: SqlRunner;
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
  const duckdb = await openDuckdb(options, apiAddress, logger);
  const engine = new Engine({
    topologies: duckdb.topologies,
    brokers,
    stateFactory: stores,
    commitIntervalMs: config.commitIntervalMs,
    consumerThread: config.consumerThread,
    sessionTimeoutMs: config.sessionTimeoutMs,
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
    const runSql = options.runSql ?? duckdb.dashboardSql;
    const dashboards = dashboardRoutes({
      backend,
      metrics,
      dir: options.dashboardsDir ?? 'dashboards',
      ...(runSql ? { runSql } : {}),
    });
    // /recommendations, /items/:id/similar and /trending, when a job has the recs nodes.
    const recsStores = findRecommendationStores(options.topologies);
    const recommender = recsStores
      ? new Recommender(new QueryBackendReader(backend, recsStores))
      : undefined;
    const recs = recommender
      ? [(scope: FastifyInstance) => recommendationRoutes(scope, recommender)]
      : [];
    // /fraud/accounts/:id and /fraud/alerts, when a job has a fraud-score node.
    const fraudStores = findFraudQueryStores(options.topologies);
    const fraud =
      fraudStores.length > 0
        ? [(scope: FastifyInstance) => fraudRoutes(scope, backend, fraudStores)]
        : [];
    app = await buildServer({
      backend,
      metrics,
      plugins: [...(options.plugins ?? []), dashboards, ...recs, ...fraud, ...duckdb.plugins],
    });
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
      await duckdb.close();
      await reader.close();
      logger.info('stopped cleanly');
    },
  };
}

/** The DuckDB file as the service uses it: sinks bound to its writer, SQL for the API. */
interface ServiceDuckdb {
  readonly topologies: readonly Topology[];
  readonly plugins: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
  readonly dashboardSql: SqlRunner | undefined;
  close(): Promise<void>;
}

/**
 * Opens `<stateDir>/sluice.duckdb` when a job has to-duckdb nodes or the API is on: one writer
 * connection for the sinks (bound into the topologies), read-only runners for POST /sql and for
 * the dashboards' SQL panels (each its own concurrency budget). Without sinks, a file that
 * cannot be opened only turns SQL off; with sinks, it stops the start.
 */
async function openDuckdb(
  options: ServiceOptions,
  apiAddress: string,
  logger: Logger,
): Promise<ServiceDuckdb> {
  const needed = hasDuckdbSinks(options.topologies);
  const none: ServiceDuckdb = {
    topologies: options.topologies,
    plugins: [],
    dashboardSql: undefined,
    close: async () => undefined,
  };
  if (!needed && !apiAddress) return none;
  let database: DuckdbDatabase;
  try {
    database = await DuckdbDatabase.open(duckdbPathIn(options.config.stateDir));
  } catch (err) {
    if (needed) throw err;
    logger.warn(`SQL is off: ${err instanceof Error ? err.message : String(err)}`);
    return none;
  }
  const writer = needed
    ? await DuckdbSinkWriter.open(database.instance, { log: (line) => logger.info(line) })
    : undefined;
  const api = new ReadOnlySqlRunner(database);
  const panels = new ReadOnlySqlRunner(database, { maxConcurrent: 1 });
  return {
    topologies: writer ? bindDuckdbSinks(options.topologies, writer) : options.topologies,
    plugins: apiAddress ? [(scope: FastifyInstance) => sqlRoutes(scope, api)] : [],
    dashboardSql: async (sql: string) => {
      const outcome = await panels.query(sql);
      if (!outcome.ok) throw new Error(outcome.message);
      return outcome.result;
    },
    async close() {
      await api.close();
      await panels.close();
      // After engine.stop(): the last commit has appended every row the sinks queued.
      await writer?.close();
      database.close();
    },
  };
}
