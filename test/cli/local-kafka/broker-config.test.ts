import { describe, expect, it } from 'vitest';
import {
  brokerConfig,
  brokerLog4jConfig,
  renderProperties,
} from '../../../src/cli/local-kafka/broker-config.js';

/** Reads `key=value` lines back the simple way (no escapes in these values). */
function parse(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as [string, string];
    });
  return new Map(entries);
}

describe('brokerConfig', () => {
  const props = brokerConfig({
    host: '127.0.0.1',
    port: 19092,
    controllerPort: 19093,
    dataDir: '/tmp/sluice/data',
  });

  it('makes one KRaft node that is broker and controller, on loopback only', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe('1');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props['controller.listener.names']).toBe('CONTROLLER');
    expect(props['log.dirs']).toBe('/tmp/sluice/data');
  });

  it('sizes internal topics for a single node so groups and transactions work', () => {
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['transaction.state.log.replication.factor']).toBe('1');
    expect(props['transaction.state.log.min.isr']).toBe('1');
    expect(props['num.partitions']).toBe('4');
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
    expect(props['auto.create.topics.enable']).toBe('true');
  });

  it('renders every property as one key=value line after a comment header', () => {
    const text = renderProperties(props, 'generated');
    expect(text.startsWith('# generated\n')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(Object.fromEntries(parse(text))).toEqual(props);
  });
});

describe('renderProperties', () => {
  it('escapes what java.util.Properties would misread', () => {
    const text = renderProperties(
      { 'a key:x=y': 'C:\\data\\kafka', lead: ' space', multi: 'one\ntwo' },
      'h',
    );
    expect(text.split('\n').slice(1, 4)).toEqual([
      'a\\ key\\:x\\=y=C:\\\\data\\\\kafka',
      'lead=\\ space',
      'multi=one\\ntwo',
    ]);
  });
});

describe('brokerLog4jConfig', () => {
  it('sends the root logger to a rolling file at the given path and nothing to the console', () => {
    const props = parse(brokerLog4jConfig('/tmp/sluice/logs/kafka.log'));
    expect(props.get('appender.file.type')).toBe('RollingFile');
    expect(props.get('appender.file.fileName')).toBe('/tmp/sluice/logs/kafka.log');
    expect(props.get('rootLogger.appenderRef.file.ref')).toBe('file');
    expect(props.get('rootLogger.level')).toBe('INFO');
    expect([...props.keys()].some((k) => k.toLowerCase().includes('console'))).toBe(false);
  });
});
