// The flags of a `sluice` subcommand (bench, evaluate) read into typed values: each bad value
// becomes one problem line naming its flag, so the command reports every problem at once.

import { parseArgs } from 'node:util';
import { SluiceError } from '../core/errors.js';

/** A flag as `node:util` parseArgs declares it; no `multiple`, so every value is a scalar. */
export interface CliFlagConfig {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

/** Reads parsed flags, collecting a problem per bad value instead of throwing at the first. */
export class CliOptionValues {
  /** Problems so far, one line each, e.g. `--events 0: expected a whole number >= 1`. */
  readonly problems: string[] = [];

  constructor(private readonly values: Readonly<Record<string, string | boolean | undefined>>) {}

  /**
   * Parses `args` against `flags` (strict, no positionals). An unknown flag or a missing value
   * throws CONFIG_INVALID at once: nothing else about the arguments can be trusted then.
   */
  static parse(
    args: readonly string[],
    flags: Readonly<Record<string, CliFlagConfig>>,
  ): CliOptionValues {
    try {
      const { values } = parseArgs({
        args: [...args],
        strict: true,
        allowPositionals: false,
        options: { ...flags },
      });
      return new CliOptionValues(values);
    } catch (err) {
      throw new SluiceError('CONFIG_INVALID', (err as Error).message, { cause: err });
    }
  }

  /** The value of a string flag; undefined when absent. */
  text(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** True only when the boolean flag was given. */
  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /**
   * A safe integer >= `min` (inclusive); `_` separators allowed (`2_000_000`). `fallback` when
   * the flag is absent, and also (with a problem) when it is blank or out of range.
   */
  wholeNumber(name: string, fallback: number, min: number): number {
    const text = this.text(name);
    if (text === undefined) return fallback;
    const n = Number(text.replace(/_/g, ''));
    if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) {
      this.problems.push(`--${name} ${text}: expected a whole number >= ${min}`);
      return fallback;
    }
    return n;
  }

  /**
   * A number in (min, max), both bounds exclusive. `fallback` when the flag is absent, and also
   * (with a problem) when it is blank, not a number or out of range.
   */
  numberBetween(name: string, fallback: number, min: number, max: number): number {
    const text = this.text(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (text.trim() === '' || !(n > min && n < max)) {
      this.problems.push(`--${name} ${text}: expected a number above ${min} and below ${max}`);
      return fallback;
    }
    return n;
  }

  /** A comma-separated list, items trimmed, empty items dropped; undefined when absent. */
  list(name: string): string[] | undefined {
    return this.text(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /**
   * `--brokers host:port,...`; undefined when absent. An empty list or an item that is not
   * host:port is a problem (the items are returned anyway).
   */
  brokers(): string[] | undefined {
    const brokers = this.list('brokers');
    if (brokers === undefined) return undefined;
    if (brokers.length === 0) this.problems.push('--brokers lists no broker');
    for (const b of brokers) {
      if (!/^[^:\s]+:\d{1,5}$/.test(b)) this.problems.push(`--brokers: "${b}" is not host:port`);
    }
    return brokers;
  }

  /** Throws CONFIG_INVALID listing every problem, one per line; returns when there are none. */
  throwIfProblems(): void {
    if (this.problems.length > 0) {
      throw new SluiceError('CONFIG_INVALID', this.problems.join('\n  '));
    }
  }
}
