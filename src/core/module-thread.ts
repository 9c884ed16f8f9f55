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
