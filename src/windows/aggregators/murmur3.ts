// MurmurHash3 (x86, 32-bit) over a string's UTF-16 code units: the hash behind the HyperLogLog
// sketch. Fast, well mixed, and stable across processes (the sketch is persisted).

/** 32-bit unsigned MurmurHash3 of `text`, two UTF-16 code units per 32-bit block. */
export function murmur3Hash32(text: string, seed = 0): number {
  let h = seed | 0;
  const length = text.length;
  const blocks = length & ~1;
  let k: number;
  for (let i = 0; i < blocks; i += 2) {
    k = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (blocks < length) {
    k = text.charCodeAt(blocks);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
