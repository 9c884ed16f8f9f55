// The seeded random source behind `sluice generate`: xoshiro128** seeded through splitmix32, so
// the same seed gives the same demo traffic on every machine. Every model draws from its own fork.

/** 2^-32: turns a uint32 into a float in [0, 1). */
const UINT32_TO_UNIT = 1 / 4294967296;

/**
 * A small, fast, deterministic PRNG (xoshiro128**, 128-bit state). Not cryptographic.
 * Only integer arithmetic feeds the state, so a seed reproduces the same stream everywhere.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed` is any safe integer (or a string, hashed); equal seeds give equal streams. */
  constructor(seed: number | string) {
    let x = typeof seed === 'string' ? hashString(seed) : hashNumber(seed);
    // splitmix32 spreads one 32-bit seed over the four state words (never all zero).
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator with the given raw state (not all zero): for checking against reference vectors. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Prng {
    const prng = new Prng(0);
    prng.s0 = s0 >>> 0;
    prng.s1 = s1 >>> 0;
    prng.s2 = s2 >>> 0;
    prng.s3 = s3 >>> 0;
    return prng;
  }

  /**
   * An independent stream named `label`, derived from this stream's current state. Models fork
   * at construction so that, e.g., adding corruption does not change which events are generated.
   */
  fork(label: string): Prng {
    return new Prng(`${this.s0}:${this.s1}:${this.s2}:${this.s3}:${label}`);
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() * UINT32_TO_UNIT;
  }

  /** Uniform float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p` (0 → never, 1 → always). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty array');
    return item;
  }

  /** Standard normal deviate (Box-Muller; one of the pair, so the state stays simple). */
  normal(): number {
    const u1 = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential deviate with the given mean (e.g. inter-arrival time in ms). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Geometric count of failures before a success, success probability `p` in (0, 1]. */
  geometric(p: number): number {
    if (p >= 1) return 0;
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function hashNumber(seed: number): number {
  if (!Number.isSafeInteger(seed)) return hashString(String(seed));
  const low = (seed % 4294967296) >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return mix32(mix32(low) ^ Math.imul(high, 0x9e3779b1));
}

/** FNV-1a over UTF-16 code units, then a finaliser: a 32-bit seed from any label. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}
