// The `sluice` command line: dispatches to one module per sub-command. This is the top of the
// import graph: it loads job files, builds topologies and starts the engine and the API.

import { SluiceError } from '../core/errors.js';

interface Command {
  readonly summary: string;
  readonly load: () => Promise<(args: string[]) => Promise<number>>;
}

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'Everything for a demo: local Kafka, the generator, the jobs in jobs/ and the API',
    load: async () => (await import('./start-command.js')).startCommand,
  },
  run: {
    summary: 'Run job files until stopped (SIGINT/SIGTERM: finish the batch, commit, exit 0)',
    load: async () => (await import('./run-command.js')).runCommand,
  },
  validate: {
    summary: 'Check job files; print every problem as file:line:col: path: message',
    load: async () => (await import('./validate-command.js')).validateCommand,
  },
  describe: {
    summary: 'Print the topology of a job: sub-topologies, nodes, stores and topics',
    load: async () => (await import('./describe-command.js')).describeCommand,
  },
  generate: {
    summary: 'Produce seeded demo data: user activity, card transactions, fraud labels',
    load: async () => (await import('./generate/generate-command.js')).generateCommand,
  },
  kafka: {
    summary: 'Manage the local Apache Kafka broker: start | stop | status',
    load: async () => (await import('./local-kafka/kafka-command.js')).kafkaCommand,
  },
  bench: {
    summary: 'Benchmark a windowed job against the client, broker and Kafka Streams ceilings',
    load: async () => (await import('./bench/bench-command.js')).benchCommand,
  },
  evaluate: {
    summary: 'Score the shipped fraud and recommendation jobs on generated, labelled traffic',
    load: async () => (await import('./evaluate/evaluate-command.js')).evaluateCommand,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`,
  );
  return [
    'Usage: sluice <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run `sluice <command> --help` for a command's options.",
    'Environment: KAFKA_BROKERS, SLUICE_STATE_DIR, SLUICE_HOST, SLUICE_PORT, SLUICE_COMMIT_INTERVAL_MS,',
    '             SLUICE_STATE_MEMORY_MB, SLUICE_SESSION_TIMEOUT_MS, SLUICE_KAFKA_PORT,',
    '             SLUICE_CONSUMER_THREAD (see README.md).',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    console.log('sluice 0.1.0');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`sluice: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const run = await command.load();
    return await run(rest);
  } catch (err) {
    if (err instanceof SluiceError) {
      console.error(`sluice ${name}: ${err.message} [${err.code}]`);
      return 1;
    }
    throw err;
  }
}
