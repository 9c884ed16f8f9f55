// `sluice kafka start|stop|status [--port N]`: the command-line face of the local Kafka
// manager; the CLI main dispatches here and exits with the returned code.
import { SluiceError } from '../../core/errors.js';
import { ensureLocalKafka, localKafkaStatus, stopLocalKafka } from './local-kafka.js';
import { DEFAULT_KAFKA_PORT, KAFKA_VERSION } from './local-kafka-layout.js';

export type KafkaAction = 'start' | 'stop' | 'status';

export interface KafkaCommandArgs {
  /** Undefined only together with `help`. */
  action?: KafkaAction;
  port?: number;
  fresh: boolean;
  help: boolean;
}

export type ParsedKafkaArgs = { ok: true; args: KafkaCommandArgs } | { ok: false; error: string };

export interface KafkaCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Exit codes: 0 done (status: running), 1 failed, 2 bad usage, 3 status: not running. */
export const KAFKA_EXIT = { ok: 0, failed: 1, usage: 2, notRunning: 3 } as const;

export const KAFKA_USAGE = `Usage: sluice kafka <start|stop|status> [options]

Runs a single-node Apache Kafka ${KAFKA_VERSION} (KRaft) on 127.0.0.1 for development, tests
and CI. The first start fetches the jars from Maven Central with mvn (into .sluice/kafka/)
and needs Java 17+. Set KAFKA_BROKERS to use an existing cluster instead.

Commands:
  start     start the broker (or report it already runs) and wait until it answers
  stop      stop it: SIGTERM, then SIGKILL after 30 s
  status    say whether it runs, its pid, port and log file (exit 3 when not running)

Options:
  --port N  broker port (default: SLUICE_KAFKA_PORT or ${DEFAULT_KAFKA_PORT}); the controller
            uses N+1 when free
  --fresh   start only: delete the broker's topic data first
  -h, --help`;

/** Parses the arguments after `sluice kafka`; never throws. */
export function parseKafkaArgs(argv: readonly string[]): ParsedKafkaArgs {
  const args: KafkaCommandArgs = { fresh: false, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') {
      args.help = true;
    } else if (arg === '--fresh') {
      args.fresh = true;
    } else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg === '--port' ? argv[++i] : arg.slice('--port='.length);
      if (value === undefined || !/^\d+$/.test(value)) {
        return { ok: false, error: `--port needs a port number, got ${value ?? 'nothing'}` };
      }
      const port = Number(value);
      if (port < 1 || port > 65535) {
        return { ok: false, error: `--port must be in [1, 65535], got ${port}` };
      }
      args.port = port;
    } else if (arg.startsWith('-')) {
      return { ok: false, error: `unknown option ${arg}` };
    } else if (args.action === undefined && isAction(arg)) {
      args.action = arg;
    } else {
      return {
        ok: false,
        error:
          args.action === undefined
            ? `unknown command "${arg}" (expected start, stop or status)`
            : `unexpected argument "${arg}"`,
      };
    }
  }
  if (args.help) return { ok: true, args };
  if (args.action === undefined)
    return { ok: false, error: 'missing command: start, stop or status' };
  if (args.fresh && args.action !== 'start') {
    return { ok: false, error: '--fresh applies to start only' };
  }
  return { ok: true, args };
}

function isAction(word: string): word is KafkaAction {
  return word === 'start' || word === 'stop' || word === 'status';
}

const defaultIo: KafkaCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs `sluice kafka <args>` and resolves to the exit code (see KAFKA_EXIT). Sluice errors
 * (Java or mvn missing, port taken, start failed) are printed with their code, not thrown;
 * anything else is a bug and is rethrown.
 */
export async function kafkaCommand(
  argv: readonly string[],
  io: KafkaCommandIo = defaultIo,
): Promise<number> {
  const parsed = parseKafkaArgs(argv);
  if (!parsed.ok) {
    io.err(`sluice kafka: ${parsed.error}\n`);
    io.err(KAFKA_USAGE);
    return KAFKA_EXIT.usage;
  }
  const { args } = parsed;
  if (args.help || args.action === undefined) {
    io.out(KAFKA_USAGE);
    return KAFKA_EXIT.ok;
  }
  const portOption = args.port === undefined ? {} : { port: args.port };
  try {
    switch (args.action) {
      case 'start':
        await ensureLocalKafka({ ...portOption, fresh: args.fresh, log: io.out });
        return KAFKA_EXIT.ok;
      case 'stop':
        await stopLocalKafka({ ...portOption, log: io.out });
        return KAFKA_EXIT.ok;
      case 'status': {
        const status = await localKafkaStatus(portOption);
        const where = `Kafka ${status.version} on ${status.brokers.join(',')}`;
        if (status.running) {
          const answering = status.answering === true ? 'answering' : 'NOT answering';
          io.out(`${where}: running (pid ${status.pid}), ${answering}`);
        } else {
          io.out(`${where}: not running${status.fetched ? '' : ' (jars not fetched yet)'}`);
        }
        io.out(`  log:  ${status.logFile}`);
        io.out(`  data: ${status.dataDir}`);
        return status.running ? KAFKA_EXIT.ok : KAFKA_EXIT.notRunning;
      }
    }
  } catch (err) {
    if (!(err instanceof SluiceError)) throw err;
    io.err(`sluice kafka ${args.action}: ${err.message} [${err.code}]`);
    return KAFKA_EXIT.failed;
  }
}
