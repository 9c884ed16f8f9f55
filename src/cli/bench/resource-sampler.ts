// CPU and memory of this process during an in-process `sluice bench` phase: the peak resident
// set, sampled (the kernel's maxRSS covers the whole process lifetime, earlier phases included).

/** Samples this process's RSS on a timer and keeps the largest value seen. */
export class ResourceSampler {
  private peakRssBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Starts sampling every `intervalMs` (and takes one sample now). */
  start(intervalMs = 25): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRssBytes) this.peakRssBytes = rss;
  }

  /** Takes a last sample and stops the timer. */
  stop(): void {
    this.sample();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Largest RSS sampled, MiB. */
  get peakRssMb(): number {
    return this.peakRssBytes / (1024 * 1024);
  }
}

/** User + system CPU seconds (all threads of the process) between two `process.cpuUsage()` readings. */
export function cpuSecondsBetween(from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): number {
  return (to.user - from.user + (to.system - from.system)) / 1e6;
}
