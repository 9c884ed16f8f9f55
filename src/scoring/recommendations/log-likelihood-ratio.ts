// Dunning's log-likelihood ratio (G²) of a 2×2 contingency table: how surprising it is that
// two items co-occur as often as they do. Scores item-to-item neighbours (see item-similarity).

/** x·ln(x), with 0·ln(0) = 0. */
function xLogX(x: number): number {
  return x <= 0 ? 0 : x * Math.log(x);
}

/** Unnormalised Shannon entropy N·H of counts summing to N (natural log). */
function entropy(...counts: number[]): number {
  let sum = 0;
  let terms = 0;
  for (const c of counts) {
    sum += c;
    terms += xLogX(c);
  }
  return xLogX(sum) - terms;
}

/**
 * G² = 2·(H(rows) + H(columns) − H(matrix)) of the table
 *
 * |            | B     | not B |
 * | ---------- | ----- | ----- |
 * | **A**      | k11   | k12   |
 * | **not A**  | k21   | k22   |
 *
 * (Dunning 1993, computed as Mahout's `LogLikelihood.logLikelihoodRatio`). Counts may be
 * fractional (weighted pairs); negative counts are read as 0. ≥ 0; 0 when A and B are
 * independent. It is large for strong positive *and* negative association: see
 * `isPositivelyAssociated` for the direction.
 *
 * Example: (1, 0, 0, 1) → 4·ln 2 ≈ 2.7726; (10, 0, 0, 10) → 40·ln 2 ≈ 27.726.
 */
export function logLikelihoodRatio(k11: number, k12: number, k21: number, k22: number): number {
  const a = Math.max(0, k11);
  const b = Math.max(0, k12);
  const c = Math.max(0, k21);
  const d = Math.max(0, k22);
  const rowEntropy = entropy(a + b, c + d);
  const columnEntropy = entropy(a + c, b + d);
  const matrixEntropy = entropy(a, b, c, d);
  // Round-off can make the difference slightly negative when the counts are independent.
  if (rowEntropy + columnEntropy < matrixEntropy) return 0;
  return 2 * (rowEntropy + columnEntropy - matrixEntropy);
}

/** True when A and B occur together more often than independence predicts (k11·k22 > k12·k21). */
export function isPositivelyAssociated(
  k11: number,
  k12: number,
  k21: number,
  k22: number,
): boolean {
  return k11 * k22 > k12 * k21;
}
