import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { firstMessage } from '../../src/core/module-thread.js';

function thread(code: string): Worker {
  return new Worker(code, { eval: true });
}

describe('firstMessage', () => {
  it("resolves with the thread's first message and stops listening", async () => {
    const worker = thread(
      `const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ type: 'ready' }); parentPort.postMessage({ type: 'later' });`,
    );
    await expect(firstMessage(worker, 'test thread')).resolves.toEqual({ type: 'ready' });
    expect(worker.listenerCount('message')).toBe(0);
    await worker.terminate();
  });

  it('rejects, naming the thread, when it exits before posting', async () => {
    const worker = thread(`process.exit(3);`);
    await expect(firstMessage(worker, 'test thread')).rejects.toThrow(
      'test thread exited (code 3) before it was ready',
    );
  });

  it('rejects with the error the thread failed with', async () => {
    const worker = thread(`throw new Error('broken at start');`);
    await expect(firstMessage(worker, 'test thread')).rejects.toThrow('broken at start');
    expect(worker.listenerCount('error')).toBe(0);
  });
});
