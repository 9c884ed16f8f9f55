// A small HyperLogLog sketch (Flajolet et al. 2007) kept as a string of registers, one base64
// character per register, so it is plain JSON (4 KiB at precision 12) and cheap to hold in memory.

/** Default precision: 2^12 = 4096 registers, standard error ≈ 1.04 / √4096 ≈ 1.6%. */
export const DEFAULT_HLL_PRECISION = 12;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CHAR_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) CHAR_VALUE[ALPHABET.charCodeAt(i)] = i;
const TWO_POW_32 = 2 ** 32;

function registerAt(registers: string, index: number): number {
  return CHAR_VALUE[registers.charCodeAt(index)] ?? 0;
}

/**
 * Operations on a register string. The sketch takes 32-bit hashes: the top `p` bits pick the
 * register, the rank of the first 1 in the other bits is stored. Estimates are meant for up to
 * ~10^8 distinct values (the 32-bit hash range correction applies beyond 2^32 / 30).
 */
export const hyperLogLog = {
  /** An empty sketch with 2^precision registers (precision 4–16). */
  empty(precision: number = DEFAULT_HLL_PRECISION): string {
    if (!Number.isInteger(precision) || precision < 4 || precision > 16) {
      throw new RangeError(`HyperLogLog precision must be 4..16, got ${precision}`);
    }
    return 'A'.repeat(1 << precision);
  },

  /** Registers after adding one 32-bit hash; the same string when no register changed. */
  add(registers: string, hash: number): string {
    const p = Math.log2(registers.length);
    const index = hash >>> (32 - p);
    const rest = (hash << p) >>> 0;
    const rank = rest === 0 ? 33 - p : Math.clz32(rest) + 1;
    if (rank <= registerAt(registers, index)) return registers;
    return registers.slice(0, index) + ALPHABET.charAt(rank) + registers.slice(index + 1);
  },

  /** Sets registers in a byte array (used to build a sketch from many hashes at once). */
  addToBytes(bytes: Uint8Array, hash: number): void {
    const p = Math.log2(bytes.length);
    const index = hash >>> (32 - p);
    const rest = (hash << p) >>> 0;
    const rank = rest === 0 ? 33 - p : Math.clz32(rest) + 1;
    if (rank > (bytes[index] ?? 0)) bytes[index] = rank;
  },

  toBytes(registers: string): Uint8Array {
    const bytes = new Uint8Array(registers.length);
    for (let i = 0; i < registers.length; i++) bytes[i] = registerAt(registers, i);
    return bytes;
  },

  fromBytes(bytes: Uint8Array): string {
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += ALPHABET.charAt(bytes[i] ?? 0);
    return out;
  },

  /** The union of two sketches of the same precision (register-wise max). */
  merge(a: string, b: string): string {
    if (a.length !== b.length)
      throw new RangeError('cannot merge HyperLogLog sketches of different precision');
    const bytes = hyperLogLog.toBytes(a);
    for (let i = 0; i < bytes.length; i++) {
      const v = registerAt(b, i);
      if (v > (bytes[i] ?? 0)) bytes[i] = v;
    }
    return hyperLogLog.fromBytes(bytes);
  },

  /** Estimated number of distinct hashes added, with the small- and large-range corrections. */
  estimate(registers: string): number {
    const m = registers.length;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < m; i++) {
      const v = registerAt(registers, i);
      if (v === 0) zeros++;
      sum += 2 ** -v;
    }
    const alpha = m >= 128 ? 0.7213 / (1 + 1.079 / m) : m === 64 ? 0.709 : m === 32 ? 0.697 : 0.673;
    let estimate = (alpha * m * m) / sum;
    if (estimate <= 2.5 * m && zeros > 0) {
      estimate = m * Math.log(m / zeros);
    } else if (estimate > TWO_POW_32 / 30) {
      estimate = -TWO_POW_32 * Math.log(1 - estimate / TWO_POW_32);
    }
    return Math.round(estimate);
  },
};
