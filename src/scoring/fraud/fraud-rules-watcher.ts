// Rules that change without a restart: the fraud node reads its rules file when the job is
// built, then, from `process()` and at most once per check interval (event-loop free: no
// timers), looks at the file's mtime; a changed file is validated and compiled, and a bad one
// keeps the previous rules, logs the problem and counts it.

import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { SluiceError, errorMessage } from '../../core/errors.js';
import { FraudRuleSet } from './fraud-rules.js';

export interface FraudRulesWatcherOptions {
  /** The rules file (YAML `rules: [...]`); relative paths resolve against the working directory. */
  readonly path: string;
  /** Names rules may read (see FraudRuleSet.compile). */
  readonly knownNames: ReadonlySet<string>;
  /** Smallest wall-clock interval between two looks at the file, ms. */
  readonly checkIntervalMs: number;
  /** Where reloads (info) and rejected files (warn) are reported, one line each. */
  readonly log: { info(line: string): void; warn(line: string): void };
}

/** Counters of a watcher, for tests and status. */
export interface FraudRulesWatcherStats {
  /** Successful reloads after the initial load. */
  readonly reloads: number;
  /** Changed files that were rejected (the previous rules stayed). */
  readonly errors: number;
  readonly lastError: string | undefined;
}

/** Parses a rules file's text: YAML with a top-level `rules` list. Throws like FraudRuleSet.compile. */
export function parseFraudRulesText(
  text: string,
  file: string,
  knownNames: ReadonlySet<string>,
): FraudRuleSet {
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw new SluiceError('JOB_YAML_SYNTAX', `${file}: ${errorMessage(err).split('\n')[0] ?? ''}`, {
      cause: err,
      context: { file },
    });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('rules' in doc)) {
    throw new SluiceError('JOB_INVALID', `${file}: expected a mapping with a "rules" list`, {
      context: { file },
    });
  }
  const extra = Object.keys(doc).filter((k) => k !== 'rules');
  if (extra.length > 0) {
    throw new SluiceError('JOB_INVALID', `${file}: unknown key(s) ${extra.join(', ')}`, {
      context: { file },
    });
  }
  try {
    return FraudRuleSet.compile(doc.rules, knownNames);
  } catch (err) {
    if (err instanceof SluiceError) {
      throw new SluiceError(err.code, `${file}: ${err.message}`, { cause: err, context: { file } });
    }
    throw err;
  }
}

/** Where a fraud node gets the rules for the next payment (a watched file, or fixed rules). */
export interface FraudRulesSource {
  current(nowMs: number): FraudRuleSet;
}

/** The current rules of one fraud node, shared by all its tasks. */
export class FraudRulesWatcher implements FraudRulesSource {
  private rules: FraudRuleSet;
  private mtimeMs: number;
  private size: number;
  private text: string;
  private lastCheckMs = Number.NEGATIVE_INFINITY;
  private reloads = 0;
  private errors = 0;
  private lastError: string | undefined;
  /** The file is missing and that was reported: report again only after it came back. */
  private missingReported = false;

  /** Loads the file now; throws (the job does not build) if it is missing or invalid. */
  constructor(private readonly options: FraudRulesWatcherOptions) {
    let info;
    try {
      info = statSync(options.path);
      this.text = readFileSync(options.path, 'utf8');
    } catch (err) {
      throw new SluiceError(
        'JOB_INVALID',
        `fraud rules file ${options.path}: ${errorMessage(err)}`,
        {
          cause: err,
          context: { file: options.path },
        },
      );
    }
    this.mtimeMs = info.mtimeMs;
    this.size = info.size;
    this.rules = parseFraudRulesText(this.text, options.path, options.knownNames);
  }

  get stats(): FraudRulesWatcherStats {
    return { reloads: this.reloads, errors: this.errors, lastError: this.lastError };
  }

  /**
   * The rules to apply to the next payment. Looks at the file when `nowMs` (wall clock, epoch
   * ms) is at least the check interval after the previous look; a changed, valid file replaces
   * the rules from this call on.
   */
  current(nowMs: number): FraudRuleSet {
    if (nowMs - this.lastCheckMs < this.options.checkIntervalMs) return this.rules;
    this.lastCheckMs = nowMs;
    this.check();
    return this.rules;
  }

  private check(): void {
    const { path, log, knownNames } = this.options;
    let mtimeMs: number;
    let size: number;
    try {
      const info = statSync(path);
      mtimeMs = info.mtimeMs;
      size = info.size;
    } catch (err) {
      // A file being replaced (editors write a temp file and rename) may be briefly missing:
      // keep the rules, report once per outage rather than every interval.
      if (!this.missingReported) this.reject(`cannot read ${path}: ${errorMessage(err)}`);
      this.missingReported = true;
      return;
    }
    this.missingReported = false;
    if (mtimeMs === this.mtimeMs && size === this.size) return;
    this.mtimeMs = mtimeMs;
    this.size = size;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      this.reject(`cannot read ${path}: ${errorMessage(err)}`);
      return;
    }
    if (text === this.text) return;
    this.text = text;
    try {
      const rules = parseFraudRulesText(text, path, knownNames);
      this.rules = rules;
      this.reloads++;
      log.info(
        `fraud rules reloaded from ${path}: ${rules.rules.length} rules (version ${rules.version})`,
      );
    } catch (err) {
      this.reject(
        `${errorMessage(err)}; keeping the previous rules (version ${this.rules.version})`,
      );
    }
  }

  /** Counts and logs a rejected file (the previous rules stay). */
  private reject(message: string): void {
    this.errors++;
    this.lastError = message;
    this.options.log.warn(`fraud rules not reloaded: ${message}`);
  }
}
