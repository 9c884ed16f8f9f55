// Starts one of our modules on a worker thread (the producer thread, the consumer thread), from
// dist/ or, under tests and tsx scripts, from the TypeScript sources.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker running `moduleUrl` (a `.js` URL next to the caller, e.g.
 * `new URL('./producer-worker.js', import.meta.url)`). When the caller itself runs from `.ts`
 * sources, the `.ts` module is loaded through tsx's loader, which workers do not inherit.
 */
export function startModuleThread(moduleUrl: URL, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(moduleUrl, { workerData });
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const entry = moduleUrl.href.replace(/\.js$/, '.ts');
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * The first message `worker` posts (the thread's report that it is ready, or why not). Rejects
 * when the thread fails or exits before posting one; `name` names the thread in that error.
 */
export function firstMessage<T>(worker: Worker, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T): void => {
      cleanup();
      resolve(message);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`${name} exited (code ${code}) before it was ready`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
