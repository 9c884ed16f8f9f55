// Port checks before the local broker starts: is a port free on 127.0.0.1, does something
// accept connections there, and which free port can the controller take.
import { createConnection, createServer } from 'node:net';

/**
 * True when nothing holds `port` on `host`: we can bind it ourselves. A listener on
 * 0.0.0.0 or [::] counts as holding it too, since the kernel refuses the bind then.
 */
export async function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** A port the kernel reports free on `host` right now (another process may take it later). */
export async function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** True when a TCP connection to `host:port` opens within `timeoutMs`. */
export async function acceptsConnections(
  port: number,
  host: string,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
