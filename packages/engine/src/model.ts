/**
 * The typed data that flows through a run. Plugins meet on these objects and on the hooks;
 * they never call each other.
 */
export type * from './model/deployment.js';
export type * from './model/plan.js';
export type * from './model/state.js';
export type * from './model/run.js';
export type * from './model/context.js';
export type * from './model/audit.js';
