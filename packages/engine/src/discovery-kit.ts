/**
 * `@tfo/engine/discovery`: building blocks for a plugin that narrows or extends discovery (the
 * GitHub plugin's pull-request scope): git's changed files, deleted deployments, the tfvars glob,
 * and a bounded map.
 */
export { changedFiles, runGit } from './discovery/git.js';
export { deletedDeployments, mapLimit, tfvarsMatcher } from './discovery/discovery.js';
export type { ChangedFiles } from './discovery/git.js';
