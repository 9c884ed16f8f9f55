// Welford's running mean and variance, kept as plain JSON in an account's fraud profile so a
// transaction amount can be compared with the account's habit (the amount z-score).

/** Count, mean and sum of squared deviations (M2) of the values added so far. */
export interface RunningStats {
  n: number;
  mean: number;
  m2: number;
}

/** Stats of no values. */
export function emptyStats(): RunningStats {
  return { n: 0, mean: 0, m2: 0 };
}

/** Adds `x` in place (Welford: numerically stable, one pass, O(1) memory). */
export function addToStats(stats: RunningStats, x: number): void {
  stats.n += 1;
  const delta = x - stats.mean;
  stats.mean += delta / stats.n;
  stats.m2 += delta * (x - stats.mean);
}

/** Sample variance (divides by n − 1); 0 with fewer than two values. */
export function statsVariance(stats: RunningStats): number {
  return stats.n < 2 ? 0 : Math.max(0, stats.m2 / (stats.n - 1));
}

/** Sample standard deviation; 0 with fewer than two values. */
export function statsStdDev(stats: RunningStats): number {
  return Math.sqrt(statsVariance(stats));
}
