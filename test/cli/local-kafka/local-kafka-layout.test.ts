import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KAFKA_PORT,
  localKafkaLayout,
  resolveKafkaPort,
} from '../../../src/cli/local-kafka/local-kafka-layout.js';

describe('resolveKafkaPort', () => {
  it('prefers the explicit port, then SLUICE_KAFKA_PORT, then 9092', () => {
    expect(resolveKafkaPort(19092, { SLUICE_KAFKA_PORT: '29092' })).toBe(19092);
    expect(resolveKafkaPort(undefined, { SLUICE_KAFKA_PORT: ' 29092 ' })).toBe(29092);
    expect(resolveKafkaPort(undefined, {})).toBe(DEFAULT_KAFKA_PORT);
    expect(resolveKafkaPort(undefined, { SLUICE_KAFKA_PORT: '' })).toBe(DEFAULT_KAFKA_PORT);
  });

  it.each(['abc', '0', '65536', '90.5'])('rejects SLUICE_KAFKA_PORT=%s as CONFIG_INVALID', (v) => {
    expect(() => resolveKafkaPort(undefined, { SLUICE_KAFKA_PORT: v })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('localKafkaLayout', () => {
  it('keeps jars per version and broker files per port under .sluice', () => {
    const layout = localKafkaLayout({ port: 19092, rootDir: '/p' });
    expect(layout).toMatchObject({
      libsDir: '/p/.sluice/kafka/4.3.1/libs',
      pomFile: '/p/.sluice/kafka/4.3.1/pom.xml',
      pidFile: '/p/.sluice/kafka-data/19092/broker.pid',
      logFile: '/p/.sluice/kafka-data/19092/logs/kafka.log',
      dataDir: '/p/.sluice/kafka-data/19092/data',
    });
  });

  it('defaults the root to the Sluice package folder', () => {
    const { rootDir } = localKafkaLayout({ port: 9092 });
    const pkg = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('sluice');
  });
});
