export { normalisePlan, policyDocument, stripIndexes, truePaths, maskSensitive, SENSITIVE } from './normalize.js';
export type { BucketView, ChangeKind, NormalisedResource, PolicyDocument, PolicyInput } from './normalize.js';
export {
  opa,
  opaOptionsSchema,
  evaluatePlan,
  policyMetadata,
  resolvePolicy,
  toFindings,
  FIRST_PARTY,
  FIRST_PARTY_BUNDLE,
  FIRST_PARTY_MANIFEST,
  FIRST_PARTY_POLICIES,
  PLUGIN_NAME,
} from './plugin.js';
export { fileSha256, shippedBundle } from './first-party.js';
export type { BundleManifest } from './first-party.js';
export { OPA_VERSION, opaInstallHint } from './opa-install.js';
export type { OpaOptions, OpaPlugin, ResolvedOpaOptions } from './plugin.js';
export {
  compilePolicies,
  sourceHash,
  regoSources,
  opaBinary,
  buildError,
  fileFromTarGz,
  ENTRYPOINTS,
} from './compile.js';
export type { CompiledPolicy } from './compile.js';
export { applyWaivers, checkWaivers, waiverSchema } from './waivers.js';
export type { Waiver } from './waivers.js';
export { buildSarif, writeSarif, lineOf, repoPrefix } from './sarif.js';
export type { SarifOptions, TextRedactor } from './sarif.js';
export {
  checkRuleOverrides,
  fingerprint,
  precisionOf,
  ruleOverrideSchema,
  ruleProfile,
  PROFILES,
  RULE_ID,
  SECURITY_SEVERITY,
} from './finding-contract.js';
export type { Profile, RuleOverride, SelectOptions } from './finding-contract.js';
export type { EvaluateResult, RawFinding } from './evaluate.worker.js';
export { runPolicyTests } from './policy-tests.js';
export type { PolicyTestOptions, PolicyTestResult } from './policy-tests.js';
