import { describe, expect, it } from 'vitest';
import {
  KAFKA_EXIT,
  kafkaCommand,
  parseKafkaArgs,
  type KafkaCommandIo,
} from '../../../src/cli/local-kafka/kafka-command.js';

function capture(): KafkaCommandIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

describe('parseKafkaArgs', () => {
  it.each([
    [['start'], { action: 'start', fresh: false, help: false }],
    [['stop', '--port', '19092'], { action: 'stop', port: 19092, fresh: false, help: false }],
    [['--port=29092', 'status'], { action: 'status', port: 29092, fresh: false, help: false }],
    [['start', '--fresh'], { action: 'start', fresh: true, help: false }],
    [['--help'], { fresh: false, help: true }],
    [['stop', '-h'], { action: 'stop', fresh: false, help: true }],
  ])('%j parses', (argv, expected) => {
    expect(parseKafkaArgs(argv)).toEqual({ ok: true, args: expected });
  });

  it.each([
    [[], /missing command/],
    [['restart'], /unknown command "restart"/],
    [['start', 'now'], /unexpected argument "now"/],
    [['start', '--port'], /--port needs a port number, got nothing/],
    [['start', '--port', 'abc'], /--port needs a port number, got abc/],
    [['start', '--port=0'], /\[1, 65535\]/],
    [['start', '--port', '70000'], /\[1, 65535\]/],
    [['start', '--verbose'], /unknown option --verbose/],
    [['stop', '--fresh'], /--fresh applies to start only/],
  ])('%j is a usage error', (argv, message) => {
    const parsed = parseKafkaArgs(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('kafkaCommand', () => {
  it('prints the usage on --help and exits 0 without touching Kafka', async () => {
    const io = capture();
    expect(await kafkaCommand(['--help'], io)).toBe(KAFKA_EXIT.ok);
    expect(io.outLines.join('\n')).toMatch(/^Usage: sluice kafka <start\|stop\|status>/);
    expect(io.errLines).toEqual([]);
  });

  it('exits 2 with the error and the usage on stderr for bad arguments', async () => {
    const io = capture();
    expect(await kafkaCommand(['start', '--port', 'x'], io)).toBe(KAFKA_EXIT.usage);
    expect(io.errLines[0]).toContain('--port needs a port number');
    expect(io.errLines.join('\n')).toContain('Usage: sluice kafka');
    expect(io.outLines).toEqual([]);
  });
});
