/**
 * `@tfo/engine/testing`: what tests of plugins and of the CLI need to build an engine by hand and
 * look inside a run. Not for production code.
 */
export { configSchema } from './config/config-schema.js';
export { validateConfig } from './config/config.js';
export { resolveSettings } from './config/settings.js';
export { DEPLOYMENT_HOOKS, createHooks } from './run/hooks.js';
export { resolveTerraformBinary, countChanges, planHasChanges } from './terraform/terraform.js';
export { safeHead, safeTail } from './terraform/log-window.js';
export { MASK, collectSensitive } from './redaction/redact.js';
export { redactChunks } from './redaction/redact-stream.js';
export { Journal, journalFile, readJournal, unfinishedRun } from './run/journal.js';
export { terraformDefaults, TERRAFORM_DEFAULTS } from './terraform/terraform-defaults.js';
export { localBackend, LOCAL_BACKEND } from './state/local-backend.js';
