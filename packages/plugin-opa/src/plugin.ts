import path from 'node:path';
import {
  STAGE,
  TfoError,
  workerPath,
  type Engine,
  type Finding,
  type PlanJson,
  type Plugin,
  type Severity,
  parsePluginOptions,
} from '@tfo/engine';
import { z } from 'zod';
import { policyCommand } from './commands.js';
import type { CompiledPolicy } from './compile.js';
import type { EvaluateResult, EvaluateTask, RawFinding } from './evaluate.worker.js';
import {
  checkRuleOverrides,
  fingerprint,
  ruleOverridesSchema,
  ruleProfile,
  type SelectOptions,
} from './finding-contract.js';
import {
  FIRST_PARTY,
  FIRST_PARTY_BUNDLE,
  FIRST_PARTY_MANIFEST,
  FIRST_PARTY_POLICIES,
  policyFolder,
  resolvePolicy,
} from './first-party.js';
import { normalisePlan } from './normalize.js';
import { writeSarif } from './sarif.js';
import { applyWaivers, checkWaivers, waiverSchema } from './waivers.js';

export const PLUGIN_NAME = 'opa';

export { FIRST_PARTY, FIRST_PARTY_BUNDLE, FIRST_PARTY_MANIFEST, FIRST_PARTY_POLICIES, resolvePolicy };

export const opaOptionsSchema = z
  .object({
    /**
     * Policy folders compiled together: FIRST_PARTY (`'@tfo/plugin-opa/policies'`, the shipped set,
     * the default) and an organisation's own. The first-party set alone runs from the shipped
     * bundle; any other set is compiled with `opa`.
     */
    policies: z
      .array(z.string().min(1))
      .min(1)
      .default([FIRST_PARTY])
      .transform((list) => list.map(policyFolder)),
    /** `data.tfo_options` for the rules (golden templates, account metadata, requirements). */
    data: z.record(z.string(), z.unknown()).default({}),
    /** `warn`: warnings block too. */
    failOn: z.enum(['deny', 'warn']).default('deny'),
    waivers: z.array(waiverSchema).default([]),
    /** Largest wasm memory per evaluation, in MiB: a larger plan blocks its deployment. */
    maxMemoryMiB: z.number().int().min(1).max(4096).default(512),
    /** `baseline`: only the findings of baseline rules are reported; `strict`: every rule's. */
    profile: z.enum(['baseline', 'strict']).default('baseline'),
    /** Per rule id: `profile` (`off` drops the rule) and `level` (demote a deny, promote a warn). */
    rules: ruleOverridesSchema.default({}),
    /** Write a SARIF 2.1.0 file of the run's findings (relative to the config folder); default in the run folder. */
    sarif: z.string().min(1).optional(),
  })
  .strict();

export type OpaOptions = z.input<typeof opaOptionsSchema>;
export type ResolvedOpaOptions = z.output<typeof opaOptionsSchema>;

/** The plugin, with its validated options (for `tfo policy check`). */
export interface OpaPlugin extends Plugin {
  readonly options: ResolvedOpaOptions;
}

const SEVERITIES: ReadonlySet<string> = new Set(['critical', 'high', 'medium', 'low', 'info']);

/**
 * Maps the policy set's raw findings to engine findings, refusing any rule without metadata.
 * Keeps the findings of the rules the profile selects (a rule's own profile, or `strict` for a
 * finding its rule marks advisory, or the rule's override; `off` drops it), applies level overrides, then `failOn`; a finding unknown until apply is
 * always `warn`. An override naming a rule the bundle lacks is a config error.
 */
export function toFindings(
  result: Pick<EvaluateResult, 'deny' | 'warn' | 'metadata'>,
  file: string,
  failOn: 'deny' | 'warn',
  options: SelectOptions = {},
): Finding[] {
  const selected = options.profile ?? 'baseline';
  const overrides = options.rules ?? {};
  checkRuleOverrides(overrides, Object.keys(result.metadata));
  const map = (raw: RawFinding, level: 'deny' | 'warn'): Finding | undefined => {
    const meta = result.metadata[raw.id];
    if (!meta?.title || !meta.severity || !SEVERITIES.has(meta.severity)) {
      throw new TfoError(
        'TFO_ERR_POLICY_BUILD',
        `rule ${raw.id} has no metadata (title, severity critical|high|medium|low): add it to its package's metadata`,
      );
    }
    const override = overrides[raw.id];
    // an advisory branch of a baseline rule (`lib.advisory`) is strict; an override wins over both
    const profile = override?.profile ?? (raw.profile === 'strict' ? 'strict' : ruleProfile(raw.id, meta.profile));
    if (profile === 'off' || (profile === 'strict' && selected === 'baseline')) return undefined;
    const unknown = raw.unknown === true;
    const effective = unknown ? 'warn' : (override?.level ?? level);
    return {
      ruleId: raw.id,
      severity: meta.severity as Severity,
      level: effective === 'warn' && failOn === 'warn' && !unknown ? 'deny' : effective,
      title: meta.title,
      message: raw.message,
      resource: raw.resource,
      remediation: meta.remediation,
      file,
      source: PLUGIN_NAME,
      unknown,
      profile,
      fingerprint: fingerprint(raw.id, file, raw.resource, raw.message),
    };
  };
  const out = [...result.deny.map((f) => map(f, 'deny')), ...result.warn.map((f) => map(f, 'warn'))].filter(
    (f): f is Finding => f !== undefined,
  );
  return out.sort((a, b) => (a.resource ?? '').localeCompare(b.resource ?? '') || a.ruleId.localeCompare(b.ruleId));
}

/** A finding that blocks a deployment whose policies could not be evaluated: never a pass. */
function evaluationFailed(file: string, err: unknown): Finding {
  const message = err instanceof Error ? err.message : String(err);
  return {
    ruleId: 'TFO-OPA-000',
    severity: 'critical',
    level: 'deny',
    title: 'Policies could not be evaluated',
    message,
    remediation: 'fix the policy or the plan named; the deployment is blocked until the policies can decide it',
    file,
    source: PLUGIN_NAME,
    unknown: false,
    profile: 'baseline',
    fingerprint: fingerprint('TFO-OPA-000', file, undefined, message),
  };
}

/** A plan with no resources: evaluating it yields the bundle's rule metadata only. */
const EMPTY_PLAN: PlanJson = { format_version: '1.2', resource_changes: [] } as PlanJson;

/** The bundle's rule metadata (id → title, severity, cis, profile, ...), read in a worker. */
export async function policyMetadata(
  engine: Engine,
  policy: CompiledPolicy,
  options: { data: Record<string, unknown>; maxMemoryMiB: number },
): Promise<EvaluateResult['metadata']> {
  return (await evaluatePlan(engine, policy, EMPTY_PLAN, '(metadata)', options)).metadata;
}

/**
 * `data.tfo_select` for a profile (and its per-rule profile overrides): the rules it leaves out do
 * not run at all (`lib.on` guards every rule body). Without a profile every rule runs, and
 * toFindings selects afterwards (it always does: this only saves the work).
 */
function selection(options: SelectOptions): { tfo_select?: { profile: string; rules: Record<string, string> } } {
  if (!options.profile) return {};
  const rules: Record<string, string> = {};
  for (const [id, o] of Object.entries(options.rules ?? {})) if (o.profile) rules[id] = o.profile;
  return { tfo_select: { profile: options.profile, rules } };
}

/** Evaluates a plan in the engine's worker pool; the input bytes are moved, not copied. */
export async function evaluatePlan(
  engine: Engine,
  policy: CompiledPolicy,
  plan: PlanJson,
  file: string,
  options: { data: Record<string, unknown>; maxMemoryMiB: number } & SelectOptions,
): Promise<EvaluateResult> {
  // encoded into an ArrayBuffer of its own (no copy to cut it out of a pooled Buffer)
  const input = new TextEncoder().encode(JSON.stringify(normalisePlan(plan, file))).buffer as ArrayBuffer;
  const task: EvaluateTask = {
    wasmFile: policy.wasmFile,
    hash: policy.hash,
    data: JSON.stringify({ tfo_options: options.data, ...selection(options) }),
    input,
    maxPages: options.maxMemoryMiB * 16,
  };
  return engine.runTask<EvaluateTask, EvaluateResult>(workerPath(import.meta.url, 'evaluate.worker'), task, [input]);
}

/**
 * The one chain from a plan to its findings, shared by the validate tap, the `policy` capability
 * and `tfo policy check`: evaluate, map by profile, overrides and `failOn`, apply the waivers.
 * The policies are resolved once (by prepare in a run, else on first use).
 */
export interface PolicyGate {
  /** Resolves (compiles or finds) the policies. */
  policy(): Promise<CompiledPolicy>;
  /** Findings of a plan, waivers applied; `metadata` is told the bundle's rule metadata. */
  findings(plan: PlanJson, file: string, metadata?: (m: EvaluateResult['metadata']) => void): Promise<Finding[]>;
}

export function policyGate(engine: Engine, opts: ResolvedOpaOptions): PolicyGate {
  const { cwd, stateDir } = engine.settings;
  const dirs = opts.policies.map((p) => path.resolve(cwd, p));
  let resolved: Promise<CompiledPolicy> | undefined;
  const policy = (): Promise<CompiledPolicy> => {
    if (!resolved) {
      resolved = resolvePolicy(dirs, path.join(stateDir, 'policy-cache'), cwd);
      // a failed resolution is tried again on the next use, not remembered
      resolved.catch(() => (resolved = undefined));
    }
    return resolved;
  };
  return {
    policy,
    async findings(plan, file, metadata) {
      const result = await evaluatePlan(engine, await policy(), plan, file, opts);
      metadata?.(result.metadata);
      return applyWaivers(toFindings(result, file, opts.failOn, opts), opts.waivers);
    },
  };
}

/** The policy gate: every plan is checked before anything is applied. */
export function opa(options: OpaOptions = {}): OpaPlugin {
  const opts = parsePluginOptions('opa', opaOptionsSchema, options);
  return {
    name: PLUGIN_NAME,
    options: opts,
    apply(engine: Engine) {
      const { cwd } = engine.settings;
      const gate = policyGate(engine, opts);
      engine.provide('policy', { evaluate: (plan, deployment) => gate.findings(plan, deployment.file) });
      engine.contribute(policyCommand(opts, gate));
      /** Rule metadata of the bundle, from prepare (with overrides) or the first evaluation: for SARIF. */
      let metadata: EvaluateResult['metadata'] = {};
      const stage = { name: PLUGIN_NAME, stage: STAGE.NORMAL };

      engine.hooks.prepare.tapPromise(stage, async () => {
        checkWaivers(opts.waivers);
        const policy = await gate.policy();
        if (Object.keys(opts.rules).length > 0) {
          // an override of a rule the bundle lacks stops the run before any plan
          metadata = await policyMetadata(engine, policy, opts);
          checkRuleOverrides(opts.rules, Object.keys(metadata));
        }
      });

      engine.hooks.validate.tapPromise(stage, async (ctx) => {
        if (!ctx.plan) return;
        let findings: Finding[];
        try {
          findings = await gate.findings(ctx.plan.json, ctx.deployment.file, (m) => (metadata = m));
        } catch (err) {
          findings = applyWaivers([evaluationFailed(ctx.deployment.file, err)], opts.waivers);
        }
        ctx.findings.push(...findings);
      });

      engine.hooks.report.tapPromise(stage, async (result, shown) => {
        const file = opts.sarif ? path.resolve(cwd, opts.sarif) : path.join(result.run.dir, 'policy.sarif');
        // texts from the run's one redacted view (with its sensitive values); locations from the result
        await writeSarif(file, result, cwd, { metadata, shown });
      });
    },
  };
}
