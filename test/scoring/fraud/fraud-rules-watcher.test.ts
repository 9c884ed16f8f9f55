// Rules that change without a restart: the watched file is looked at most once per interval
// (wall clock given by the caller), a changed valid file replaces the rules, a bad or missing
// one keeps the previous rules and is counted and logged.
import { mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/core/errors.js';
import {
  FraudRulesWatcher,
  parseFraudRulesText,
} from '../../../src/scoring/fraud/fraud-rules-watcher.js';

const NAMES = new Set(['amount', 'country']);

function rulesYaml(threshold: number, reason = 'big'): string {
  return `rules:\n  - name: big\n    when: amount > ${threshold}\n    weight: 0.8\n    reason: ${reason}\n`;
}

let dir: string;
let file: string;
let mtimeS = 1_700_000_000;
const lines: string[] = [];
const log = {
  info: (line: string) => lines.push(`info ${line}`),
  warn: (line: string) => lines.push(`warn ${line}`),
};

/** Writes the file with a fresh mtime (1 s later each time), as an editor would. */
function write(text: string): void {
  writeFileSync(file, text);
  mtimeS += 1;
  utimesSync(file, mtimeS, mtimeS);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-fraud-rules-'));
  file = join(dir, 'rules.yaml');
  lines.length = 0;
  write(rulesYaml(100));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function watcher(): FraudRulesWatcher {
  return new FraudRulesWatcher({ path: file, knownNames: NAMES, checkIntervalMs: 1000, log });
}

const fires = (w: FraudRulesWatcher, nowMs: number, amount: number): boolean =>
  w.current(nowMs).score({ amount }).score > 0;

describe('FraudRulesWatcher', () => {
  it('applies a changed file from the next look at it, at most once per interval', () => {
    const w = watcher();
    expect(fires(w, 0, 150)).toBe(true);
    write(rulesYaml(200));
    // 0 looked at the file; 999 ms later is too early to look again.
    expect(fires(w, 999, 150)).toBe(true);
    expect(fires(w, 1000, 150)).toBe(false);
    expect(fires(w, 1000, 250)).toBe(true);
    expect(w.stats).toEqual({ reloads: 1, errors: 0, lastError: undefined });
    expect(lines).toEqual([expect.stringMatching(/^info fraud rules reloaded from .*: 1 rules/)]);
  });

  it('keeps the previous rules when the new file is bad, and counts it once', () => {
    const w = watcher();
    const before = w.current(0).version;
    write('rules:\n  - name: big\n    when: amount >\n    weight: 2\n    reason: x\n');
    expect(w.current(1000).version).toBe(before);
    expect(fires(w, 1000, 150)).toBe(true);
    // Not changed since: not read, not counted again.
    expect(w.current(5000).version).toBe(before);
    expect(w.stats.errors).toBe(1);
    expect(w.stats.lastError).toMatch(
      /weight: must be a number in \(0, 1\].*keeping the previous rules/,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn fraud rules not reloaded/);
    // Fixed: applied.
    write(rulesYaml(300));
    expect(fires(w, 6000, 250)).toBe(false);
    expect(w.stats.reloads).toBe(1);
  });

  it('refuses YAML syntax errors, unknown keys and unknown names', () => {
    const w = watcher();
    write('rules: [\n');
    w.current(1000);
    write('rules: []\nthreshold: 3\n');
    w.current(2000);
    write('rules:\n  - {name: a, when: amout > 1, weight: 0.5, reason: r}\n');
    w.current(3000);
    expect(w.stats.errors).toBe(3);
    expect(lines[1]).toMatch(/unknown key\(s\) threshold/);
    expect(lines[2]).toMatch(/unknown name "amout"/);
  });

  it('a missing file keeps the rules and is reported once until it is back', () => {
    const w = watcher();
    unlinkSync(file);
    expect(fires(w, 1000, 150)).toBe(true);
    expect(fires(w, 2000, 150)).toBe(true);
    expect(w.stats.errors).toBe(1);
    write(rulesYaml(500));
    expect(fires(w, 3000, 150)).toBe(false);
    expect(w.stats.reloads).toBe(1);
  });

  it('a touched file with the same text is not a reload', () => {
    const w = watcher();
    write(rulesYaml(100));
    w.current(1000);
    expect(w.stats).toEqual({ reloads: 0, errors: 0, lastError: undefined });
  });

  it('a missing or bad file at start is a job error', () => {
    expect(
      () =>
        new FraudRulesWatcher({
          path: join(dir, 'nope.yaml'),
          knownNames: NAMES,
          checkIntervalMs: 1000,
          log,
        }),
    ).toThrow(expect.objectContaining({ code: 'JOB_INVALID' }));
    write('rules: 3\n');
    expect(() => watcher()).toThrow(SluiceError);
  });
});

describe('parseFraudRulesText', () => {
  it('names the file in every problem', () => {
    expect(() => parseFraudRulesText('- a\n', 'x/rules.yaml', NAMES)).toThrow(
      /x\/rules\.yaml: expected a mapping with a "rules" list/,
    );
    expect(() => parseFraudRulesText('rules: [', 'x/rules.yaml', NAMES)).toThrow(
      expect.objectContaining({ code: 'JOB_YAML_SYNTAX' }),
    );
  });
});
