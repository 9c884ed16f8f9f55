// Process configuration from environment variables: one table of settings with defaults,
// validated once at start; every problem is reported together.

import { SluiceError } from '../core/errors.js';

export interface SluiceConfig {
  /** Kafka bootstrap servers; undefined = start the local broker. */
  readonly brokers: string[] | undefined;
  readonly stateDir: string;
  readonly apiHost: string;
  /** 0 = do not serve the query API. */
  readonly apiPort: number;
  readonly commitIntervalMs: number;
  /**
   * Consumer-group session timeout, ms: how long the group waits for a member that stopped
   * heartbeating (e.g. a killed process) before giving its partitions to others.
   */
  readonly sessionTimeoutMs: number;
  /** Memory budget for state (RocksDB block cache + write buffers + write-back cache), bytes. */
  readonly stateMemoryBytes: number;
  readonly localKafkaPort: number;
  /** Where each job's consumer runs: its own thread, the job's, or chosen per job. */
  readonly consumerThread: ConsumerThreadMode;
}

/**
 * Where a job's consumer runs. 'on': a thread of its own (ConsumerThreadSource), with the fields
 * of sub-topologies that read only some (SubTopology.sourceFields) decoded as a batch arrives;
 * 'off': the job's thread (KafkaSource). 'auto': on for jobs whose source is read for some
 * fields only (windowed jobs with filters and derived fields before their window), off for the
 * rest. Measured by `sluice bench`: the windowed benchmark job ran ~20% faster with the thread,
 * the fraud-signals job (key-by and scoring, whose processing is the bottleneck) ~25% slower.
 */
export type ConsumerThreadMode = 'auto' | 'on' | 'off';

interface Setting {
  readonly env: string;
  readonly help: string;
  readonly default: string;
}

/** Every environment variable Sluice reads (README's configuration table lists these). */
export const SETTINGS = {
  brokers: {
    env: 'KAFKA_BROKERS',
    help: 'Comma-separated Kafka bootstrap servers; unset = start the local broker',
    default: '',
  },
  stateDir: {
    env: 'SLUICE_STATE_DIR',
    help: 'Directory of state stores and the DuckDB file',
    default: 'state',
  },
  apiHost: { env: 'SLUICE_HOST', help: 'Query API listen address', default: '127.0.0.1' },
  apiPort: { env: 'SLUICE_PORT', help: 'Query API port (0 = no API)', default: '8080' },
  commitIntervalMs: {
    env: 'SLUICE_COMMIT_INTERVAL_MS',
    help: 'How often state and offsets are committed',
    default: '1000',
  },
  sessionTimeoutMs: {
    env: 'SLUICE_SESSION_TIMEOUT_MS',
    help: 'Consumer-group session timeout: how soon a dead instance loses its partitions',
    default: '30000',
  },
  stateMemoryBytes: {
    env: 'SLUICE_STATE_MEMORY_MB',
    help: 'Memory budget for state stores, MiB',
    default: '256',
  },
  localKafkaPort: {
    env: 'SLUICE_KAFKA_PORT',
    help: 'Port of the local Kafka broker',
    default: '9092',
  },
  consumerThread: {
    env: 'SLUICE_CONSUMER_THREAD',
    help: "Where each job's Kafka consumer runs: 1 = a thread of its own, 0 = the job's thread, auto = its own thread for jobs that read only some fields of their source (windowed jobs)",
    default: 'auto',
  },
} as const satisfies Record<keyof SluiceConfig, Setting>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SluiceConfig {
  const problems: string[] = [];
  const read = (key: keyof typeof SETTINGS): string => {
    const v = env[SETTINGS[key].env];
    return v === undefined || v.trim() === '' ? SETTINGS[key].default : v.trim();
  };
  const int = (key: keyof typeof SETTINGS, min: number, max: number): number => {
    const text = read(key);
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${SETTINGS[key].env}=${text}: expected an integer in ${min}..${max}`);
      return Number(SETTINGS[key].default);
    }
    return n;
  };
  const brokersText = read('brokers');
  const brokers = brokersText === '' ? undefined : brokersText.split(',').map((b) => b.trim());
  for (const b of brokers ?? []) {
    if (!/^[^:\s]+:\d{1,5}$/.test(b)) problems.push(`KAFKA_BROKERS: "${b}" is not host:port`);
  }
  const config: SluiceConfig = {
    brokers,
    stateDir: read('stateDir'),
    apiHost: read('apiHost'),
    apiPort: int('apiPort', 0, 65535),
    commitIntervalMs: int('commitIntervalMs', 10, 600_000),
    // The broker's default group.min/max.session.timeout.ms bound what it accepts.
    sessionTimeoutMs: int('sessionTimeoutMs', 6_000, 1_800_000),
    stateMemoryBytes: int('stateMemoryBytes', 16, 65536) * 1024 * 1024,
    localKafkaPort: int('localKafkaPort', 1, 65535),
    consumerThread: consumerThreadMode(read('consumerThread'), problems),
  };
  if (problems.length > 0) {
    throw new SluiceError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}

/** SLUICE_CONSUMER_THREAD: `auto`, `1`/`on` or `0`/`off`. */
function consumerThreadMode(text: string, problems: string[]): ConsumerThreadMode {
  const value = text.toLowerCase();
  if (value === 'auto') return 'auto';
  if (value === '1' || value === 'on') return 'on';
  if (value === '0' || value === 'off') return 'off';
  problems.push(`SLUICE_CONSUMER_THREAD=${text}: expected auto, 1 (on) or 0 (off)`);
  return 'auto';
}
