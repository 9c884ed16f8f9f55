import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  acceptsConnections,
  findFreePort,
  isPortFree,
} from '../../../src/cli/local-kafka/port-probe.js';

const servers: Server[] = [];

async function listen(host: string): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ port: 0, host }, resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

async function closeAll(): Promise<void> {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
}

afterEach(closeAll);

describe('isPortFree', () => {
  it('reports a port another server listens on as taken, and free once it closes', async () => {
    const port = await listen('127.0.0.1');
    expect(await isPortFree(port, '127.0.0.1')).toBe(false);
    await closeAll();
    expect(await isPortFree(port, '127.0.0.1')).toBe(true);
  });

  it('counts a listener on all interfaces as holding the loopback port', async () => {
    const port = await listen('0.0.0.0');
    expect(await isPortFree(port, '127.0.0.1')).toBe(false);
  });
});

describe('findFreePort', () => {
  it('returns a port that can be bound', async () => {
    const port = await findFreePort('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(await isPortFree(port, '127.0.0.1')).toBe(true);
  });
});

describe('acceptsConnections', () => {
  it('is true for a listening port and false for a closed one', async () => {
    const port = await listen('127.0.0.1');
    expect(await acceptsConnections(port, '127.0.0.1')).toBe(true);
    await closeAll();
    expect(await acceptsConnections(port, '127.0.0.1')).toBe(false);
  });
});
