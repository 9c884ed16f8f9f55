// Typed flag values shared by `sluice bench` and `sluice evaluate`: defaults, bounds, lists and
// the problem lines naming each bad flag.
import { describe, expect, it } from 'vitest';
import { CliOptionValues } from '../../src/cli/cli-option-values.js';

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  count: { type: 'string' },
  share: { type: 'string' },
  only: { type: 'string' },
  brokers: { type: 'string' },
} as const;

describe('CliOptionValues', () => {
  it('reads whole numbers with _ separators, and falls back when a flag is absent', () => {
    const flags = CliOptionValues.parse(['--count', '2_000_000', '-h'], FLAGS);
    expect(flags.wholeNumber('count', 5, 1)).toBe(2_000_000);
    expect(flags.numberBetween('share', 0.5, 0, 1)).toBe(0.5);
    expect(flags.flag('help')).toBe(true);
    expect(flags.text('only')).toBeUndefined();
    expect(flags.list('only')).toBeUndefined();
    expect(flags.brokers()).toBeUndefined();
    expect(() => flags.throwIfProblems()).not.toThrow();
  });

  it('collects a problem per bad value, naming the flag, and throws them together', () => {
    const flags = CliOptionValues.parse(
      ['--count', '0', '--share', '1', '--brokers', 'a:1, nohost,'],
      FLAGS,
    );
    expect(flags.wholeNumber('count', 5, 1)).toBe(5);
    expect(flags.numberBetween('share', 0.5, 0, 1)).toBe(0.5);
    expect(flags.brokers()).toEqual(['a:1', 'nohost']);
    expect(flags.problems).toEqual([
      '--count 0: expected a whole number >= 1',
      '--share 1: expected a number above 0 and below 1',
      '--brokers: "nohost" is not host:port',
    ]);
    expect(() => flags.throwIfProblems()).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: flags.problems.join('\n  '),
      }) as Error,
    );
  });

  it('rejects blank numbers and empty broker lists', () => {
    const flags = CliOptionValues.parse(['--count', ' ', '--share', '', '--brokers', ','], FLAGS);
    expect(flags.wholeNumber('count', 7, 0)).toBe(7);
    expect(flags.numberBetween('share', 0.5, 0, 1)).toBe(0.5);
    expect(flags.brokers()).toEqual([]);
    expect(flags.problems).toEqual([
      '--count  : expected a whole number >= 0',
      '--share : expected a number above 0 and below 1',
      '--brokers lists no broker',
    ]);
  });

  it('splits lists on commas, trimming and dropping empty items', () => {
    const flags = CliOptionValues.parse(['--only', ' a, b,,c '], FLAGS);
    expect(flags.list('only')).toEqual(['a', 'b', 'c']);
  });

  it('throws CONFIG_INVALID at once for an unknown flag or a missing value', () => {
    expect(() => CliOptionValues.parse(['--frobnicate'], FLAGS)).toThrow(/frobnicate/);
    expect(() => CliOptionValues.parse(['--count'], FLAGS)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error,
    );
  });
});
