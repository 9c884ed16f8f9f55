import { createServer, type Server } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureLocalKafka,
  localKafkaStatus,
  newClusterId,
  stopLocalKafka,
} from '../../../src/cli/local-kafka/local-kafka.js';
import { localKafkaLayout } from '../../../src/cli/local-kafka/local-kafka-layout.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-local-kafka-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { port: address.port, server };
}

describe('ensureLocalKafka', () => {
  it('refuses a port another process listens on with KAFKA_PORT_TAKEN, before fetching', async () => {
    const { port, server } = await occupiedPort();
    try {
      await expect(ensureLocalKafka({ port, rootDir: root, quiet: true })).rejects.toMatchObject({
        code: 'KAFKA_PORT_TAKEN',
        message: expect.stringContaining(`port ${port}`),
      });
      const layout = localKafkaLayout({ port, rootDir: root });
      expect(existsSync(layout.libsDir)).toBe(false);
      expect(existsSync(join(layout.brokerDir, 'start.lock'))).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe('localKafkaStatus and stopLocalKafka', () => {
  it('treat a pid file whose process is not our broker as stale and remove it', async () => {
    const layout = localKafkaLayout({ port: 19999, rootDir: root });
    mkdirSync(layout.brokerDir, { recursive: true });
    writeFileSync(layout.pidFile, `${process.pid}\n`);

    const status = await localKafkaStatus({ port: 19999, rootDir: root });
    expect(status).toMatchObject({ running: false, port: 19999, brokers: ['127.0.0.1:19999'] });
    expect(existsSync(layout.pidFile)).toBe(false);

    writeFileSync(layout.pidFile, `${process.pid}\n`);
    const lines: string[] = [];
    const stopped = await stopLocalKafka({ port: 19999, rootDir: root, log: (l) => lines.push(l) });
    expect(stopped).toEqual({ wasRunning: false, killed: false });
    expect(lines).toEqual(['No Kafka started by sluice is running on 127.0.0.1:19999']);
    expect(existsSync(layout.pidFile)).toBe(false);
  });
});

describe('newClusterId', () => {
  it('is 22 base64url characters (16 bytes) and never starts with a dash', () => {
    for (let i = 0; i < 200; i += 1) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
