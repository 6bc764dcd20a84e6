/** The sensitive values of past runs (the engine collects them again from their saved plans). */
export { sensitiveOfRuns } from '@tfo/engine';
