// Where the local Kafka manager keeps things: the fetched jars under `.sluice/kafka/<version>/`
// and, per broker port, config, pid file, logs and data under `.sluice/kafka-data/<port>/`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../../core/errors.js';

/** The pinned Apache Kafka release the manager fetches and runs (KRaft only). */
export const KAFKA_VERSION = '4.3.1';

/** Broker port used when neither an option nor `SLUICE_KAFKA_PORT` names one. */
export const DEFAULT_KAFKA_PORT = 9092;

/** The only address the local broker listens on. */
export const KAFKA_HOST = '127.0.0.1';

export interface LocalKafkaLayout {
  /** Project root: the folder holding Sluice's package.json. */
  rootDir: string;
  version: string;
  /** Client (PLAINTEXT) port of the broker. */
  port: number;
  /** `.sluice/kafka/<version>/`: the generated pom, Maven's log and the fetch marker. */
  distDir: string;
  pomFile: string;
  /** Folder of every runtime jar; the broker's class path is `<libsDir>/*`. */
  libsDir: string;
  /** Written last by a successful fetch; its presence means `libsDir` is complete. */
  fetchMarkerFile: string;
  /** Full Maven output of the last fetch, for when it fails. */
  fetchLogFile: string;
  /** `.sluice/kafka-data/<port>/`: everything of one broker. */
  brokerDir: string;
  serverPropertiesFile: string;
  log4jConfigFile: string;
  pidFile: string;
  /** The broker's own log (log4j2). */
  logFile: string;
  /** The JVM's stdout and stderr: crashes before logging starts end up here. */
  outFile: string;
  /** `log.dirs`: topic data and the KRaft metadata log. */
  dataDir: string;
}

/** Paths for a broker on `port`, rooted at `rootDir` (default: the Sluice package root). */
export function localKafkaLayout(options: { port: number; rootDir?: string }): LocalKafkaLayout {
  const rootDir = options.rootDir ?? sluiceRootDir();
  const distDir = join(rootDir, '.sluice', 'kafka', KAFKA_VERSION);
  const brokerDir = join(rootDir, '.sluice', 'kafka-data', String(options.port));
  return {
    rootDir,
    version: KAFKA_VERSION,
    port: options.port,
    distDir,
    pomFile: join(distDir, 'pom.xml'),
    libsDir: join(distDir, 'libs'),
    fetchMarkerFile: join(distDir, 'fetched.json'),
    fetchLogFile: join(distDir, 'mvn.log'),
    brokerDir,
    serverPropertiesFile: join(brokerDir, 'server.properties'),
    log4jConfigFile: join(brokerDir, 'log4j2.properties'),
    pidFile: join(brokerDir, 'broker.pid'),
    logFile: join(brokerDir, 'logs', 'kafka.log'),
    outFile: join(brokerDir, 'logs', 'kafka.out'),
    dataDir: join(brokerDir, 'data'),
  };
}

/**
 * The broker port: `explicit` if given, else `SLUICE_KAFKA_PORT`, else 9092.
 * Throws CONFIG_INVALID for anything but an integer in [1, 65535].
 */
export function resolveKafkaPort(
  explicit: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (explicit !== undefined) return checkPort(explicit, 'port');
  const fromEnv = env.SLUICE_KAFKA_PORT;
  if (fromEnv === undefined || fromEnv.trim() === '') return DEFAULT_KAFKA_PORT;
  if (!/^\d+$/.test(fromEnv.trim())) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `SLUICE_KAFKA_PORT must be a port number, got "${fromEnv}"`,
    );
  }
  return checkPort(Number(fromEnv.trim()), 'SLUICE_KAFKA_PORT');
}

function checkPort(port: number, source: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SluiceError(
      'CONFIG_INVALID',
      `${source} must be an integer in [1, 65535], got ${port}`,
    );
  }
  return port;
}

/**
 * The folder of the nearest package.json above this module. Anchored to the code rather
 * than the working directory so `sluice kafka stop` finds the broker from anywhere.
 */
export function sluiceRootDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
