// What `sluice evaluate` reports: the results JSON (bench-results/evaluate.json), the table on
// stdout and the verdict on each target. Pure: the command gathers the figures and writes.

import type { FraudFigures } from './fraud-metrics.js';

/** Recommendation figures at k = 10 over the held-out next-view cases. */
export interface RecsFigures {
  /** Held-out cases: users with training history who view something after the cut. */
  readonly cases: number;
  /** Cases whose next view is in the session of their last training event. */
  readonly sameSessionCases: number;
  readonly hitRateAt10: number;
  readonly ndcgAt10: number;
  /** Cases for which the API returned 10 items. */
  readonly fullLists: number;
  readonly popularityHitRateAt10: number;
  readonly popularityNdcgAt10: number;
  readonly itemKnnHitRateAt10: number;
  readonly itemKnnNdcgAt10: number;
  /** Streaming hit-rate@10 over the same-session cases only (the kNN's home ground). */
  readonly sameSessionHitRateAt10: number;
  readonly itemKnnSameSessionHitRateAt10: number;
  /** GET /recommendations latency seen by the evaluator, ms. */
  readonly queryMsP50: number;
  readonly queryMsP99: number;
}

/** Freshness: produce a user's view → their recommendations change, per trial, ms. */
export interface FreshnessFigures {
  readonly trials: number;
  /** Trials whose list did not change before the timeout (left out of the percentiles). */
  readonly unchanged: number;
  readonly p50Ms: number;
  readonly maxMs: number;
}

export interface RunInfo {
  /** Job files scored. */
  readonly recsJob: string;
  readonly fraudJob: string;
  readonly seed: number;
  readonly events: number;
  readonly activityTraining: number;
  readonly activityHeldOut: number;
  /** Payments produced first, as fast as possible, to build profiles; not scored. */
  readonly warmupPayments: number;
  /** Payments produced live at the transaction rate and scored. */
  readonly scoredPayments: number;
  readonly scoredFraudLabels: number;
  readonly transactionRatePerSec: number;
  /** Payments/s the evaluator actually reached while producing. */
  readonly achievedTransactionRatePerSec: number;
  readonly brokers: readonly string[];
  readonly startedAt: string;
  readonly elapsedSeconds: number;
}

/** Targets the issue sets; each is checked and reported. */
export const EVALUATION_TARGETS = {
  /** Per pattern, at the shipped thresholds. */
  minPrecision: 0.9,
  minRecall: 0.9,
  /** Streaming hit-rate@10 at least this share of the offline item-kNN's. */
  minKnnRatio: 0.9,
  maxFreshnessP50Ms: 1000,
} as const;

export interface TargetCheck {
  readonly name: string;
  readonly met: boolean;
  readonly detail: string;
}

export interface EvaluationInput {
  /** Undefined when the fraud job could not be run (the reason says why). */
  readonly fraud: FraudFigures | undefined;
  /** The same over every payment, the warm-up included (for reference; not a target). */
  readonly fraudWithWarmup?: FraudFigures | undefined;
  readonly fraudSkipped?: string;
  readonly recs: RecsFigures;
  readonly freshness: FreshnessFigures | undefined;
  readonly run: RunInfo;
}

/** A figure for JSON: NaN (no samples) becomes null; ratios rounded to 4 decimals. */
function num(x: number, decimals = 4): number | null {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * The results JSON: exactly the issue's keys — `fraud.patterns.<name>.{precision, recall,
 * latency_ms_p50}`, `fraud.overall.{precision, recall}`, `recs.{hit_rate_at_10, ndcg_at_10,
 * popularity_hit_rate_at_10, item_knn_hit_rate_at_10}` — plus extra figures beside them,
 * `targets` and `run`. With the fraud job skipped, `fraud` is null.
 */
export function evaluationResults(input: EvaluationInput): Record<string, unknown> {
  const { fraud, recs, freshness, run } = input;
  return {
    fraud: fraud
      ? {
          patterns: Object.fromEntries(
            Object.entries(fraud.patterns).map(([name, p]) => [
              name,
              {
                precision: num(p.precision),
                recall: num(p.recall),
                latency_ms_p50: num(p.latencyMsP50, 1),
                latency_ms_p95: num(p.latencyMsP95, 1),
                labelled: p.labelled,
                detected: p.detected,
                false_positives: num(p.falsePositives, 2),
                incidents: p.incidents,
                incidents_detected: p.incidentsDetected,
              },
            ]),
          ),
          overall: {
            precision: num(fraud.overall.precision),
            recall: num(fraud.overall.recall),
            latency_ms_p50: num(fraud.overall.latencyMsP50, 1),
            latency_ms_p95: num(fraud.overall.latencyMsP95, 1),
            labelled: fraud.overall.labelled,
            alerts: fraud.overall.alerts,
            true_positives: fraud.overall.truePositives,
            false_positives: fraud.overall.falsePositives,
            duplicate_alerts: fraud.overall.duplicateAlerts,
            false_positive_reasons: fraud.overall.falsePositiveReasons,
          },
        }
      : null,
    ...(input.fraudWithWarmup
      ? {
          fraud_with_warmup: {
            patterns: Object.fromEntries(
              Object.entries(input.fraudWithWarmup.patterns).map(([name, p]) => [
                name,
                { precision: num(p.precision), recall: num(p.recall), labelled: p.labelled },
              ]),
            ),
            overall: {
              precision: num(input.fraudWithWarmup.overall.precision),
              recall: num(input.fraudWithWarmup.overall.recall),
            },
          },
        }
      : {}),
    ...(input.fraudSkipped !== undefined ? { fraud_skipped: input.fraudSkipped } : {}),
    recs: {
      hit_rate_at_10: num(recs.hitRateAt10),
      ndcg_at_10: num(recs.ndcgAt10),
      popularity_hit_rate_at_10: num(recs.popularityHitRateAt10),
      item_knn_hit_rate_at_10: num(recs.itemKnnHitRateAt10),
      popularity_ndcg_at_10: num(recs.popularityNdcgAt10),
      item_knn_ndcg_at_10: num(recs.itemKnnNdcgAt10),
      same_session_hit_rate_at_10: num(recs.sameSessionHitRateAt10),
      item_knn_same_session_hit_rate_at_10: num(recs.itemKnnSameSessionHitRateAt10),
      cases: recs.cases,
      same_session_cases: recs.sameSessionCases,
      full_lists: recs.fullLists,
      query_ms_p50: num(recs.queryMsP50, 2),
      query_ms_p99: num(recs.queryMsP99, 2),
      ...(freshness
        ? {
            freshness_trials: freshness.trials,
            freshness_unchanged: freshness.unchanged,
            freshness_ms_p50: num(freshness.p50Ms, 1),
            freshness_ms_max: num(freshness.maxMs, 1),
          }
        : {}),
    },
    targets: Object.fromEntries(
      evaluationTargets(input).map((t) => [t.name, { met: t.met, detail: t.detail }]),
    ),
    run,
  };
}

/** Every target with its verdict (fraud targets only when the fraud job ran). */
export function evaluationTargets(input: EvaluationInput): TargetCheck[] {
  const T = EVALUATION_TARGETS;
  const checks: TargetCheck[] = [];
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  if (input.fraud) {
    for (const [name, p] of Object.entries(input.fraud.patterns)) {
      checks.push({
        name: `fraud.${name}.precision`,
        met: p.precision >= T.minPrecision,
        detail: `${p.precision.toFixed(3)} (target >= ${T.minPrecision})`,
      });
      checks.push({
        name: `fraud.${name}.recall`,
        met: p.recall >= T.minRecall,
        detail: `${p.recall.toFixed(3)} (target >= ${T.minRecall})`,
      });
    }
  }
  const { recs } = input;
  checks.push({
    name: 'recs.above_popularity',
    met: recs.hitRateAt10 > recs.popularityHitRateAt10,
    detail: `hit-rate@10 ${pct(recs.hitRateAt10)} vs popularity ${pct(recs.popularityHitRateAt10)}`,
  });
  const ratio = recs.itemKnnHitRateAt10 > 0 ? recs.hitRateAt10 / recs.itemKnnHitRateAt10 : 0;
  checks.push({
    name: 'recs.within_10pct_of_item_knn',
    met: ratio >= T.minKnnRatio,
    detail: `hit-rate@10 ${pct(recs.hitRateAt10)} = ${ratio.toFixed(3)} x item-kNN ${pct(recs.itemKnnHitRateAt10)} (target >= ${T.minKnnRatio})`,
  });
  if (input.freshness) {
    const f = input.freshness;
    checks.push({
      name: 'recs.freshness_p50_under_1s',
      met: f.p50Ms < T.maxFreshnessP50Ms && f.unchanged === 0,
      detail: `p50 ${f.p50Ms.toFixed(0)} ms, max ${f.maxMs.toFixed(0)} ms over ${f.trials} trials${f.unchanged > 0 ? `, ${f.unchanged} never changed` : ''}`,
    });
  }
  return checks;
}

/** The table printed on stdout. */
export function formatEvaluationReport(input: EvaluationInput): string {
  const lines: string[] = [];
  const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
  const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '-');
  const row = (cells: readonly string[], widths: readonly number[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');

  lines.push(
    `Fraud (${input.run.fraudJob}, its thresholds; per payment, over the ${input.run.scoredPayments} payments after ${input.run.warmupPayments} warm-up ones)`,
  );
  if (input.fraud) {
    const widths = [18, 9, 9, 8, 10, 9, 13, 12, 12];
    lines.push(
      row(
        [
          'pattern',
          'labelled',
          'detected',
          'FP',
          'precision',
          'recall',
          'incidents',
          'latency p50',
          'latency p95',
        ],
        widths,
      ),
    );
    for (const [name, p] of Object.entries(input.fraud.patterns)) {
      lines.push(
        row(
          [
            name,
            String(p.labelled),
            String(p.detected),
            p.falsePositives.toFixed(1),
            pct(p.precision),
            pct(p.recall),
            `${p.incidentsDetected}/${p.incidents}`,
            ms(p.latencyMsP50),
            ms(p.latencyMsP95),
          ],
          widths,
        ),
      );
    }
    const o = input.fraud.overall;
    lines.push(
      row(
        [
          'overall',
          String(o.labelled),
          String(o.truePositives),
          String(o.falsePositives),
          pct(o.precision),
          pct(o.recall),
          '',
          ms(o.latencyMsP50),
          ms(o.latencyMsP95),
        ],
        widths,
      ),
    );
    lines.push(
      `  ${o.alerts} payments alerted (+${o.duplicateAlerts} duplicate alerts); a pattern's FP = false ` +
        "alerts charged to it by their reasons (naive Bayes over its true alerts' reasons)",
    );
    const fpReasons = Object.entries(o.falsePositiveReasons)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${reason} ${n}`);
    if (fpReasons.length > 0) lines.push(`  false alerts by reason: ${fpReasons.join('; ')}`);
    lines.push('  latency = alert emitted_at - wall clock when the evaluator produced the payment');
    const w = input.fraudWithWarmup;
    if (w) {
      const perPattern = Object.entries(w.patterns).map(
        ([name, p]) => `${name} ${pct(p.precision)}/${pct(p.recall)}`,
      );
      lines.push(
        `  with the warm-up payments too (precision/recall): overall ${pct(w.overall.precision)}/${pct(w.overall.recall)}; ${perPattern.join(', ')}`,
      );
    }
  } else {
    lines.push(`  skipped: ${input.fraudSkipped ?? 'not run'}`);
  }

  const r = input.recs;
  lines.push('');
  lines.push(
    `Recommendations (${input.run.recsJob}): next view after the cut, ${r.cases} users (${r.sameSessionCases} in the same session)`,
  );
  const widths = [30, 14, 10, 22];
  lines.push(row(['ranker', 'hit-rate@10', 'NDCG@10', 'hit-rate@10 same-sess'], widths));
  lines.push(
    row(
      [
        'sluice (GET /recommendations)',
        pct(r.hitRateAt10),
        pct(r.ndcgAt10),
        pct(r.sameSessionHitRateAt10),
      ],
      widths,
    ),
  );
  lines.push(
    row(
      ['popularity (training views)', pct(r.popularityHitRateAt10), pct(r.popularityNdcgAt10), ''],
      widths,
    ),
  );
  lines.push(
    row(
      [
        'item-kNN (DuckDB, offline)',
        pct(r.itemKnnHitRateAt10),
        pct(r.itemKnnNdcgAt10),
        pct(r.itemKnnSameSessionHitRateAt10),
      ],
      widths,
    ),
  );
  lines.push(
    `  API: ${r.fullLists}/${r.cases} full lists of 10; query p50 ${r.queryMsP50.toFixed(1)} ms, p99 ${r.queryMsP99.toFixed(1)} ms`,
  );
  if (input.freshness) {
    const f = input.freshness;
    lines.push(
      `Freshness: a new view changes the user's recommendations in p50 ${ms(f.p50Ms)}, max ${ms(f.maxMs)} (${f.trials} trials${f.unchanged > 0 ? `, ${f.unchanged} unchanged after the timeout` : ''})`,
    );
  }

  lines.push('');
  lines.push('Targets');
  for (const t of evaluationTargets(input)) {
    lines.push(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.name}: ${t.detail}`);
  }
  const run = input.run;
  lines.push('');
  lines.push(
    `seed ${run.seed}, ${run.events} events: activity ${run.activityTraining} training + ${run.activityHeldOut} held out, ` +
      `payments ${run.warmupPayments} warm-up + ${run.scoredPayments} scored (${run.scoredFraudLabels} labelled fraud) at ${run.achievedTransactionRatePerSec.toFixed(0)}/s; ` +
      `${run.elapsedSeconds.toFixed(0)} s`,
  );
  return `${lines.join('\n')}\n`;
}
