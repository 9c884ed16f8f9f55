// `sluice run [files|dirs]`: loads job files, builds their topologies, starts the engine on
// Kafka and the query API, and runs until SIGINT/SIGTERM (then finishes the batch, commits and
// exits 0).

import { parseArgs } from 'node:util';
import { loadConfig, type SluiceConfig } from '../config/sluice-config.js';
import { SluiceError } from '../core/errors.js';
import { loadJobFiles } from '../jobs/job-loader.js';
import { formatJobProblem } from '../jobs/job-problem.js';
import { buildTopology } from '../jobs/topology-builder.js';
import { startService, type RunningService } from './sluice-service.js';
import { ensureLocalKafka } from './local-kafka/index.js';

export const RUN_USAGE = `Usage: sluice run [job files or directories] [options]

Runs the jobs (default: every *.yaml in jobs/) until SIGINT or SIGTERM, then finishes the
current batch, commits state and offsets, and exits 0. Serves the query API.

Options:
  --brokers host:port[,...]   Kafka to use (default: KAFKA_BROKERS, else the local broker,
                              started if needed)
  --state-dir DIR             state stores (default: SLUICE_STATE_DIR or state/)
  --port N                    query API port (default: SLUICE_PORT or 8080; 0 = no API)
  -h, --help`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      'state-dir': { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(RUN_USAGE);
    return 0;
  }
  const config = withOverrides(loadConfig(), values);
  const service = await startFromFiles(positionals.length ? positionals : ['jobs'], config);
  if (!service) return 1;
  return waitForSignal(service);
}

/** Loads and starts jobs; prints problems and returns undefined if any job file is invalid. */
export async function startFromFiles(
  paths: string[],
  config: SluiceConfig,
): Promise<RunningService | undefined> {
  const loaded = await loadJobFiles(paths);
  if (loaded.problems.length > 0) {
    for (const p of loaded.problems) console.error(formatJobProblem(p));
    console.error(`sluice: ${loaded.problems.length} problem(s) in job files; nothing started`);
    return undefined;
  }
  if (loaded.jobs.length === 0) {
    throw new SluiceError('JOB_NOT_FOUND', `no job files found in ${paths.join(', ')}`);
  }
  const brokers =
    config.brokers ?? (await ensureLocalKafka({ port: config.localKafkaPort })).brokers;
  const topologies = loaded.jobs.map((j) => buildTopology(j.spec));
  return startService({ topologies, brokers, config });
}

/** Resolves with exit code 0 after a graceful stop on SIGINT/SIGTERM. */
export function waitForSignal(service: RunningService): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        console.error(`sluice: ${signal} again, exiting without committing`);
        process.exit(130);
      }
      stopping = true;
      console.error(`sluice: ${signal}: finishing the current batch and committing…`);
      service.stop().then(
        () => resolve(0),
        (err: unknown) => {
          console.error(`sluice: stop failed: ${String(err)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

function withOverrides(
  config: SluiceConfig,
  values: {
    brokers?: string | undefined;
    'state-dir'?: string | undefined;
    port?: string | undefined;
  },
): SluiceConfig {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (values.brokers !== undefined) env.KAFKA_BROKERS = values.brokers;
  if (values['state-dir'] !== undefined) env.SLUICE_STATE_DIR = values['state-dir'];
  if (values.port !== undefined) env.SLUICE_PORT = values.port;
  return values.brokers || values['state-dir'] || values.port ? loadConfig(env) : config;
}
