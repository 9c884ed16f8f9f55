#!/usr/bin/env node
// postinstall: three patches to kafkajs 2.2.4's producer, each measured by `sluice bench` on the
// producer thread, each giving the same bytes or the same result as the code it replaces:
//  1. groupMessagesPerPartition copied a partition's array for every message (`[...current,
//     message]`): linear version.
//  2. the default partitioner's murmur2 used 64-bit Long objects: 32-bit Math.imul version
//     (bin/kafkajs-patches/murmur2.cjs).
//  3. the produce request built an Encoder per record and a Buffer per varint: uncompressed batches
//     are encoded in one pass (bin/kafkajs-patches/fast-record-batch.cjs); compressed ones and
//     unusual message shapes still use kafkajs' encoder.
// Idempotent; leaves any other kafkajs version alone (and says so).

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const patches = join(dirname(fileURLToPath(import.meta.url)), 'kafkajs-patches');
let root;
let version;
try {
  root = dirname(require.resolve('kafkajs/package.json'));
  version = require('kafkajs/package.json').version;
} catch {
  process.exit(0); // kafkajs not installed (e.g. a partial install): nothing to patch
}
if (version !== '2.2.4') {
  console.warn(`sluice: kafkajs ${version} is not 2.2.4: producer patches not applied`);
  process.exit(0);
}

/** Replaces `original` by `patched` in a kafkajs file, once. */
function replaceIn(relative, what, original, patched) {
  const file = join(root, relative);
  const text = readFileSync(file, 'utf8');
  if (text.includes(patched)) return;
  if (!text.includes(original)) {
    console.warn(`sluice: kafkajs ${version}: ${what} not patched (unknown shape)`);
    return;
  }
  writeFileSync(file, text.replace(original, patched));
  console.log(`sluice: patched kafkajs ${version} ${what}`);
}

replaceIn(
  'src/producer/groupMessagesPerPartition.js',
  'groupMessagesPerPartition (linear grouping)',
  `  return messages.reduce((result, message) => {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition] || []
    return Object.assign(result, { [partition]: [...current, message] })
  }, {})`,
  `  // Patched by sluice (bin/patch-kafkajs.js): linear instead of copying per message.
  const result = {}
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition]
    if (current === undefined) result[partition] = [message]
    else current.push(message)
  }
  return result`,
);

const murmur2 = join(root, 'src/producer/partitioners/default/murmur2.js');
const murmur2Text = readFileSync(murmur2, 'utf8');
const fastMurmur2 = readFileSync(join(patches, 'murmur2.cjs'), 'utf8');
if (murmur2Text !== fastMurmur2) {
  const ours = murmur2Text.includes('Installed into kafkajs by bin/patch-kafkajs.js');
  if (ours || murmur2Text.includes('k = Long.fromValue(k).multiply(M)')) {
    writeFileSync(murmur2, fastMurmur2);
    console.log(`sluice: patched kafkajs ${version} murmur2 (32-bit arithmetic)`);
  } else {
    console.warn(`sluice: kafkajs ${version}: murmur2 not patched (unknown shape)`);
  }
}

// The encoder is copied each time, so a changed bin/kafkajs-patches file reaches kafkajs.
copyFileSync(
  join(patches, 'fast-record-batch.cjs'),
  join(root, 'src/protocol/recordBatch/v0/sluice-fast-record-batch.js'),
);
replaceIn(
  'src/protocol/requests/produce/v3/request.js',
  'produce request (one-pass record batches)',
  `}) => {
  const dateNow = Date.now()`,
  `}) => {
  // Patched by sluice (bin/patch-kafkajs.js): uncompressed batches encoded in one pass.
  if (compression === Types.None) {
    const batch = require('../../../recordBatch/v0/sluice-fast-record-batch').encodeRecordBatch({
      messages,
      transactional: !!transactionalId,
      producerId: Long.fromValue(producerId),
      producerEpoch,
      firstSequence: firstSequence == null ? 0 : firstSequence,
    })
    if (batch !== null) {
      return new Encoder().writeInt32(partition).writeInt32(batch.length).writeBuffer(batch)
    }
  }
  const dateNow = Date.now()`,
);
