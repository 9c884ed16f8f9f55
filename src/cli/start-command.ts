// `sluice start` (what `npm start` runs): the whole demo in one command — the local Kafka
// (unless KAFKA_BROKERS is set), the demo-data generator as a child process, every job in
// jobs/ and the query API. Ctrl-C stops all of it cleanly.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/sluice-config.js';
import { ensureLocalKafka } from './local-kafka/index.js';
import { startFromFiles, waitForSignal } from './run-command.js';

export const START_USAGE = `Usage: sluice start [options]

Starts everything for a demo: the local Kafka broker (unless KAFKA_BROKERS is set), the demo
data generator (sluice generate, running until stopped), every job in jobs/ and the query API
(http://127.0.0.1:8080 by default). Ctrl-C stops it all; the broker keeps running
(sluice kafka stop stops it).

Options:
  --rate N        generator events per second (default 200; 0 = no generator)
  --jobs PATH     job files or directory (default jobs/)
  -h, --help`;

const BIN = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

export async function startCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '200' },
      jobs: { type: 'string', default: 'jobs' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(START_USAGE);
    return 0;
  }
  let config = loadConfig();
  if (!config.brokers) {
    const kafka = await ensureLocalKafka({ port: config.localKafkaPort });
    config = { ...config, brokers: kafka.brokers };
    console.error(`sluice: Kafka at ${kafka.brokers.join(',')} (log: ${kafka.logFile})`);
  }
  const brokers = config.brokers ?? [];
  const rate = Number(values.rate);
  let generator: ChildProcess | undefined;
  if (rate > 0) {
    generator = spawn(
      process.execPath,
      [
        BIN,
        'generate',
        '--rate',
        String(rate),
        '--count',
        '0',
        '--quiet',
        '--brokers',
        brokers.join(','),
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    console.error(`sluice: generator running at ${rate} events/s (pid ${generator.pid ?? '?'})`);
  }
  const service = await startFromFiles([values.jobs], config);
  if (!service) {
    generator?.kill('SIGTERM');
    return 1;
  }
  if (service.apiAddress) console.error(`sluice: try  curl http://${service.apiAddress}/jobs`);
  const code = await waitForSignal(service);
  generator?.kill('SIGTERM');
  return code;
}
