// Window definitions in milliseconds: what the window operator assigns records to, when a window
// closes, and how long it is kept. Built from a job file's `window:` block by `toWindowDefinition`.

import { SluiceError } from '../core/errors.js';
import { parseDurationMs } from './duration.js';

/**
 * Every window is a half-open interval `[startMs, endMs)` of event time (epoch ms): start
 * inclusive, end exclusive.
 *
 * - `tumbling`: epoch-aligned, non-overlapping windows of `sizeMs`; each record falls in exactly
 *   one, the one with `startMs = floor(ts / sizeMs) * sizeMs`. Example, size 5m: a record at
 *   12:03:10 is in `[12:00:00, 12:05:00)`; one at 12:05:00 is in `[12:05:00, 12:10:00)`.
 * - `hopping`: windows of `sizeMs` starting every `advanceMs` (`startMs = k * advanceMs`, k ≥ 0);
 *   a record falls in every such window that contains it (`sizeMs / advanceMs` of them, fewer
 *   in the first `sizeMs` after the epoch, as in Kafka Streams). Example, size 10m advance 5m: a
 *   record at 12:03 is in `[11:55, 12:05)` and `[12:00, 12:10)`.
 * - `sliding`: Kafka Streams `SlidingWindows` with `timeDifferenceMs = sizeMs`. Kafka Streams
 *   windows are `[start, end]` with both ends inclusive and `end - start = sizeMs`; they are
 *   defined by the records: each record at `ts` gets a window `[ts - sizeMs, ts]` and, if later
 *   records fall within `sizeMs` after it, a window `[ts + 1, ts + 1 + sizeMs]`. We store and
 *   emit Kafka's `[start, end]` as `[startMs, endMs) = [start, end + 1)`, so a sliding window
 *   spans `sizeMs + 1` ms. Example, size 10s, records A at 12:00:05 and B at 12:00:12: Kafka
 *   has `[11:59:55, 12:00:05]` = {A}, `[12:00:02, 12:00:12]` = {A, B} and
 *   `[12:00:05.001, 12:00:15.001]` = {B}; here their endMs are 12:00:05.001, 12:00:12.001 and
 *   12:00:15.002.
 * - `session`: Kafka Streams `SessionWindows` with inactivity gap `gapMs`: records of one key
 *   whose timestamps are at most `gapMs` apart (inclusive) are in the same session; a record
 *   bridging two sessions merges them. Kafka's session `[first ts, last ts]` (inclusive) is
 *   `[startMs, endMs) = [first ts, last ts + 1)` here.
 *
 * `graceMs` (default 0): a window accepts records until the watermark (max event time seen by
 * the task) reaches `endMs + graceMs` — for sessions `endMs + gapMs + graceMs`, since a session
 * can still grow until then. This is Kafka Streams' rule (a window is closed when stream time ≥
 * window end + grace, with Kafka's exclusive end for time windows and inclusive end + 1 ms for
 * sliding and session windows).
 */
export type WindowDefinition =
  | { readonly type: 'tumbling'; readonly sizeMs: number; readonly graceMs?: number }
  | {
      readonly type: 'hopping';
      readonly sizeMs: number;
      readonly advanceMs: number;
      readonly graceMs?: number;
    }
  | { readonly type: 'sliding'; readonly sizeMs: number; readonly graceMs?: number }
  | { readonly type: 'session'; readonly gapMs: number; readonly graceMs?: number };

export type WindowType = WindowDefinition['type'];

/** The job-file form (durations as ms or strings such as "5m"); same shape as WindowDefinitionSpec. */
export interface WindowDefinitionInput {
  type: WindowType;
  size?: number | string;
  advance?: number | string;
  gap?: number | string;
  grace?: number | string;
}

/** Parses and validates a job file's window block. Throws JOB_INVALID with the field at fault. */
export function toWindowDefinition(input: WindowDefinitionInput): WindowDefinition {
  const graceMs = input.grace === undefined ? 0 : parseDurationMs(input.grace);
  const required = (field: 'size' | 'advance' | 'gap'): number => {
    const value = input[field];
    if (value === undefined) {
      throw new SluiceError('JOB_INVALID', `${input.type} window needs \`${field}\``, {
        context: { field: `window.${field}` },
      });
    }
    return parseDurationMs(value);
  };
  let definition: WindowDefinition;
  switch (input.type) {
    case 'tumbling':
      definition = { type: 'tumbling', sizeMs: required('size'), graceMs };
      break;
    case 'hopping':
      definition = {
        type: 'hopping',
        sizeMs: required('size'),
        advanceMs: required('advance'),
        graceMs,
      };
      break;
    case 'sliding':
      definition = { type: 'sliding', sizeMs: required('size'), graceMs };
      break;
    case 'session':
      definition = { type: 'session', gapMs: required('gap'), graceMs };
      break;
    default:
      throw new SluiceError('JOB_INVALID', `unknown window type ${JSON.stringify(input.type)}`, {
        context: { field: 'window.type' },
      });
  }
  validateWindowDefinition(definition);
  return definition;
}

/** Throws JOB_INVALID if sizes are not positive whole ms or a hop is larger than its window. */
export function validateWindowDefinition(definition: WindowDefinition): void {
  const positive = (field: string, value: number): void => {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new SluiceError(
        'JOB_INVALID',
        `window ${field} must be a positive whole number of ms`,
        {
          context: { field: `window.${field}` },
        },
      );
    }
  };
  const graceMs = definition.graceMs ?? 0;
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
    throw new SluiceError('JOB_INVALID', 'window grace must be a non-negative whole number of ms', {
      context: { field: 'window.grace' },
    });
  }
  switch (definition.type) {
    case 'tumbling':
    case 'sliding':
      positive('size', definition.sizeMs);
      break;
    case 'hopping':
      positive('size', definition.sizeMs);
      positive('advance', definition.advanceMs);
      if (definition.advanceMs > definition.sizeMs) {
        throw new SluiceError(
          'JOB_INVALID',
          'hopping window advance must not exceed its size (records would fall between windows)',
          { context: { field: 'window.advance' } },
        );
      }
      break;
    case 'session':
      positive('gap', definition.gapMs);
      break;
  }
}

/**
 * How long after `endMs` a window still accepts records: `graceMs`, plus `gapMs` for sessions.
 * A window is closed once the watermark ≥ `endMs + closeDelayMs(definition)`.
 */
export function closeDelayMs(definition: WindowDefinition): number {
  const graceMs = definition.graceMs ?? 0;
  return definition.type === 'session' ? definition.gapMs + graceMs : graceMs;
}

/**
 * The shortest retention (ms after `endMs`) that keeps results exact: until the window closes,
 * and for sliding windows one size longer, because a record may still read the aggregate of a
 * closed window ending up to `sizeMs + 1` ms before it (Kafka Streams keeps `2 × size + grace`
 * from the window start for the same reason).
 */
export function minRetentionMs(definition: WindowDefinition): number {
  if (definition.type === 'sliding') return definition.sizeMs + 1 + (definition.graceMs ?? 0);
  return closeDelayMs(definition);
}

/**
 * Default retention, in ms after a window's `endMs`: `sizeMs + graceMs`, or `2 × gapMs + graceMs`
 * for sessions, so a closed window stays queryable for one more window length (one more gap);
 * never less than `minRetentionMs`.
 */
export function defaultRetentionMs(definition: WindowDefinition): number {
  const graceMs = definition.graceMs ?? 0;
  const base =
    definition.type === 'session' ? 2 * definition.gapMs + graceMs : definition.sizeMs + graceMs;
  return Math.max(base, minRetentionMs(definition));
}

/**
 * Names the window shape in a store's stateId. Grace and retention are left out: changing them
 * does not change what the stored windows mean, so state is kept.
 */
export function windowDefinitionStateId(definition: WindowDefinition): string {
  switch (definition.type) {
    case 'tumbling':
    case 'sliding':
      return `${definition.type}(size=${definition.sizeMs})`;
    case 'hopping':
      return `hopping(size=${definition.sizeMs},advance=${definition.advanceMs})`;
    case 'session':
      return `session(gap=${definition.gapMs})`;
  }
}
