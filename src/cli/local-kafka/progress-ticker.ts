// Progress lines for the slow steps of starting local Kafka (fetch, format, wait): one line
// every few seconds with the elapsed time, so a long first fetch never looks hung.

/** Where human-readable progress goes; one call per line, without a trailing newline. */
export type ProgressLog = (line: string) => void;

/** A log that drops everything, for `quiet` callers. */
export const silentLog: ProgressLog = () => undefined;

export interface ProgressTicker {
  /** Stops the ticker and returns the elapsed time in milliseconds. */
  stop(): number;
}

/**
 * Logs `<label>… <elapsed> s[, <detail()>]` every `intervalMs` until stopped. The timer is
 * unref'd so a forgotten ticker never keeps the process alive.
 */
export function progressTicker(
  log: ProgressLog,
  label: string,
  options: { intervalMs?: number; detail?: () => string | undefined } = {},
): ProgressTicker {
  const startedMs = Date.now();
  const timer = setInterval(() => {
    const elapsedS = Math.round((Date.now() - startedMs) / 1000);
    const detail = options.detail?.();
    log(`  ${label}… ${elapsedS} s${detail === undefined ? '' : `, ${detail}`}`);
  }, options.intervalMs ?? 5000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return Date.now() - startedMs;
    },
  };
}

/** `1234` → `"1.2 s"`: durations in progress lines. */
export function formatDurationMs(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}
