// Installed into kafkajs by bin/patch-kafkajs.js in place of its default partitioner's murmur2:
// the same hash (Kafka's Utils.murmur2, as kafkajs computes it) with 32-bit Math.imul instead of
// 64-bit Long objects, which allocated several objects per key byte group. Unit-tested to agree.
'use strict';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** @param {Buffer | string | unknown} key @returns {number} the signed 32-bit hash */
module.exports = (key) => {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  switch (length & 3) {
    case 3:
      h ^= data[tail + 2] << 16;
    // falls through
    case 2:
      h ^= data[tail + 1] << 8;
    // falls through
    case 1:
      h ^= data[tail];
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
};
