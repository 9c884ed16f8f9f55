// The `fraud-score` node kind: turns its job-file spec (durations as text, optional limits)
// into the scorer's options, loads its rules (inline, or a watched file shared by all tasks)
// and declares its stores and alert topic.

import { SluiceError } from '../core/errors.js';
import type { TopologyNode } from '../core/topology.js';
import { consoleLogger } from '../runtime/logger.js';
import type { FraudFeatureOptions } from '../scoring/fraud/fraud-features.js';
import { FraudRuleSet } from '../scoring/fraud/fraud-rules.js';
import { FraudRulesWatcher, type FraudRulesSource } from '../scoring/fraud/fraud-rules-watcher.js';
import {
  FraudScoreProcessor,
  fraudRuleNames,
  type FraudScoreOptions,
} from '../scoring/fraud/fraud-score-processor.js';
import { parseDurationMs } from '../windows/duration.js';
import type { FraudScoreNodeSpec } from './job-spec.js';

/** What a job file may leave out: bounds on per-account state, and features' refinements off. */
export const FRAUD_SCORE_DEFAULTS = {
  learnFromAlerts: false,
  maxRecent: 200,
  maxDevices: 16,
  maxMerchants: 64,
  maxCountries: 16,
  maxCards: 8,
  learnClamp: 0,
  priorLogStdDev: 1,
  priorWeight: 0,
  rulesCheckIntervalMs: 1_000,
  keepAlerts: 1_000,
} as const;

function inNode(node: string, err: unknown): SluiceError {
  const e = err instanceof SluiceError ? err : new SluiceError('JOB_INVALID', String(err));
  return new SluiceError(e.code, `node ${node}: ${e.message}`, {
    cause: err,
    context: { ...e.context, node },
  });
}

/** The scorer's options for a spec (rules not included). Throws JOB_INVALID on a bad duration. */
export function fraudFeatureOptions(spec: FraudScoreNodeSpec): FraudFeatureOptions {
  return {
    windows: Object.entries(spec.windows).map(([name, size]) => ({
      name,
      sizeMs: parseDurationMs(size),
    })),
    warmup: spec.profile.warmup,
    priorLogStdDev: spec.profile.priorLogStdDev ?? FRAUD_SCORE_DEFAULTS.priorLogStdDev,
    priorWeight: spec.profile.priorWeight ?? FRAUD_SCORE_DEFAULTS.priorWeight,
    minTravelKm: spec.geo.minDistanceKm,
    impossibleSpeedKmh: spec.geo.impossibleSpeedKmh,
    cardTesting: {
      windowMs: parseDurationMs(spec.cardTesting.window),
      smallAmount: spec.cardTesting.smallAmount,
      largeAmount: spec.cardTesting.largeAmount,
      minSmall: spec.cardTesting.minSmall,
    },
  };
}

/** Builds the TopologyNode of a `fraud-score` node. Throws JOB_INVALID naming the node. */
export function fraudScoreNode(spec: FraudScoreNodeSpec): TopologyNode {
  try {
    const features = fraudFeatureOptions(spec);
    const names = fraudRuleNames(features);
    const d = FRAUD_SCORE_DEFAULTS;
    let rules: FraudRulesSource;
    if ((spec.rules === undefined) === (spec.rulesFile === undefined)) {
      throw new SluiceError('JOB_INVALID', 'give exactly one of "rules" and "rulesFile"', {
        context: { field: 'rules' },
      });
    } else if (spec.rulesFile !== undefined) {
      rules = new FraudRulesWatcher({
        path: spec.rulesFile,
        knownNames: names,
        checkIntervalMs:
          spec.rulesCheckInterval === undefined
            ? d.rulesCheckIntervalMs
            : parseDurationMs(spec.rulesCheckInterval),
        log: consoleLogger,
      });
    } else {
      const fixed = FraudRuleSet.compile(spec.rules, names);
      rules = { current: () => fixed };
    }
    const p = spec.profile;
    const options: FraudScoreOptions = {
      features,
      profile: {
        learnFromAlerts: p.learnFromAlerts ?? d.learnFromAlerts,
        maxRecent: p.maxRecent ?? d.maxRecent,
        maxDevices: p.maxDevices ?? d.maxDevices,
        maxMerchants: p.maxMerchants ?? d.maxMerchants,
        maxCountries: p.maxCountries ?? d.maxCountries,
        maxCards: p.maxCards ?? d.maxCards,
        learnClampLogStdDevs: p.learnClamp ?? d.learnClamp,
      },
      rules,
      alert: {
        threshold: spec.alert.threshold,
        topic: spec.alert.topic,
        keep: spec.alert.keep ?? d.keepAlerts,
      },
      storeName: spec.store?.name ?? spec.name,
      alertStoreName: spec.store?.alertsName ?? `${spec.name}-alerts`,
      queryable: spec.store?.queryable ?? true,
    };
    // Built once here to validate the options and read the stores it declares.
    const stores = new FraudScoreProcessor(options).stores();
    return {
      name: spec.name,
      kind: spec.kind,
      create: () => new FraudScoreProcessor(options),
      stores,
      outputTopics: [
        {
          name: spec.alert.topic,
          ...(spec.alert.partitions === undefined ? {} : { partitions: spec.alert.partitions }),
        },
      ],
    };
  } catch (err) {
    throw inNode(spec.name, err);
  }
}
