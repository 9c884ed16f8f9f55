#!/usr/bin/env -S node --max-semi-space-size=64 --initial-old-space-size=256
// Entry point of the `sluice` CLI: runs the compiled TypeScript in dist/ (built by `npm install`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
