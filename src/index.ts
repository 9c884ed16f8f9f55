// Public API of the sluice package: the job builder, the engine and the shared vocabulary.
export * from './core/record.js';
export * from './core/errors.js';
export * from './core/processor.js';
export * from './core/store.js';
export * from './core/sink.js';
export * from './core/clock.js';
export * from './core/topology.js';
export type * from './jobs/job-spec.js';
export * from './core/query.js';
