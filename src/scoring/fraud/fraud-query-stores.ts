// Where the query API finds fraud state: the stores of each `fraud-score` node in the running
// topologies (the cli passes them to the fraud routes, which read them through the QueryBackend).

import type { Topology } from '../../core/topology.js';
import { FRAUD_ACCOUNT_STATE, FRAUD_ALERT_STATE } from './fraud-score-processor.js';

/** The two stores of one fraud-score node. */
export interface FraudQueryStores {
  readonly job: string;
  /** Account state, key = account_id (one row per account through its view). */
  readonly accounts: string;
  /** Recent alerts, a ring of slots per task (one row per alert through its view). */
  readonly alerts: string;
}

/** Every fraud-score node's stores, in topology order (stores recognised by their stateId). */
export function findFraudQueryStores(topologies: readonly Topology[]): FraudQueryStores[] {
  const found: FraudQueryStores[] = [];
  for (const topology of topologies) {
    for (const node of topology.subtopologies.flatMap((s) => s.nodes)) {
      const accounts = node.stores.find((s) => s.stateId.startsWith(`${FRAUD_ACCOUNT_STATE}.`));
      const alerts = node.stores.find((s) => s.stateId.startsWith(`${FRAUD_ALERT_STATE}.`));
      if (accounts?.queryable && alerts?.queryable) {
        found.push({ job: topology.job, accounts: accounts.name, alerts: alerts.name });
      }
    }
  }
  return found;
}
