#!/usr/bin/env node
// postinstall: replaces kafkajs 2.2.4's groupMessagesPerPartition, which copies a partition's
// array for every message (`[...current, message]`), with a linear version that returns the same
// object. Measured by `sluice bench`: that copy was the largest allocation site of the producer.
// Idempotent; leaves any other kafkajs version alone (and says so).

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let file;
let version;
try {
  file = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
  version = require('kafkajs/package.json').version;
} catch {
  process.exit(0); // kafkajs not installed (e.g. a partial install): nothing to patch
}

const ORIGINAL = `  return messages.reduce((result, message) => {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition] || []
    return Object.assign(result, { [partition]: [...current, message] })
  }, {})`;

const LINEAR = `  // Patched by sluice (bin/patch-kafkajs.js): linear instead of copying per message.
  const result = {}
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition]
    if (current === undefined) result[partition] = [message]
    else current.push(message)
  }
  return result`;

const text = readFileSync(file, 'utf8');
if (text.includes(LINEAR)) process.exit(0);
if (version !== '2.2.4' || !text.includes(ORIGINAL)) {
  console.warn(`sluice: kafkajs ${version}: groupMessagesPerPartition not patched (unknown shape)`);
  process.exit(0);
}
writeFileSync(file, text.replace(ORIGINAL, LINEAR));
console.log(`sluice: patched kafkajs ${version} groupMessagesPerPartition (linear grouping)`);
