/**
 * `@tfo/engine/testing`: what tests of plugins and of the CLI need to build an engine by hand and
 * look at what it shows. Not for production code.
 */
export { configSchema } from './config/config-schema.js';
export { resolveSettings } from './config/settings.js';
export { resolveTerraformBinary } from './terraform/terraform.js';
export { safeHead, safeTail } from './terraform/log-window.js';
export { MASK } from './redaction/redact.js';
