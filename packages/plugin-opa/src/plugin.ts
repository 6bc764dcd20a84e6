import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { compilePolicies, sourceHash, type CompiledPolicy } from './compile.js';
import type { EvaluateResult, EvaluateTask, RawFinding } from './evaluate.worker.js';
import { normalisePlan } from './normalize.js';
import { writeSarif } from './sarif.js';
import { applyWaivers, checkWaivers, waiverSchema } from './waivers.js';

export const PLUGIN_NAME = 'opa';

/** The committed compiled bundle of the first-party policies, with the hash of its sources. */
export const FIRST_PARTY_BUNDLE = fileURLToPath(new URL('../bundle/first-party.wasm', import.meta.url));
export const FIRST_PARTY_MANIFEST = fileURLToPath(new URL('../bundle/first-party.json', import.meta.url));

export const opaOptionsSchema = z
  .object({
    /** Policy folders (first-party and an organisation's own), compiled together. */
    policies: z.array(z.string().min(1)).min(1),
    /** `data.tfo_options` for the rules (golden templates, account metadata, requirements). */
    data: z.record(z.string(), z.unknown()).default({}),
    /** `warn`: warnings block too. */
    failOn: z.enum(['deny', 'warn']).default('deny'),
    waivers: z.array(waiverSchema).default([]),
    /** Largest wasm memory per evaluation, in MiB: a larger plan blocks its deployment. */
    maxMemoryMiB: z.number().int().min(1).max(4096).default(512),
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

/** Finds the compiled module: the cache, then the committed first-party bundle, else `opa build`. */
export async function resolvePolicy(dirs: string[], cacheDir: string, cwd: string): Promise<CompiledPolicy> {
  const hash = await sourceHash(dirs);
  const cached = path.join(cacheDir, `${hash}.wasm`);
  if (existsSync(cached)) return { wasmFile: cached, hash };
  if (existsSync(FIRST_PARTY_MANIFEST)) {
    const manifest = JSON.parse(await readFile(FIRST_PARTY_MANIFEST, 'utf8')) as { hash: string };
    if (manifest.hash === hash) return { wasmFile: FIRST_PARTY_BUNDLE, hash };
  }
  return compilePolicies(dirs, cacheDir, cwd);
}

/** Maps the policy set's raw findings to engine findings, refusing any rule without metadata. */
export function toFindings(
  result: Pick<EvaluateResult, 'deny' | 'warn' | 'metadata'>,
  file: string,
  failOn: 'deny' | 'warn',
): Finding[] {
  const map = (raw: RawFinding, level: 'deny' | 'warn'): Finding => {
    const meta = result.metadata[raw.id];
    if (!meta?.title || !meta.severity || !SEVERITIES.has(meta.severity)) {
      throw new TfoError(
        'TFO_ERR_POLICY_BUILD',
        `rule ${raw.id} has no metadata (title, severity critical|high|medium|low): add it to its package's metadata`,
      );
    }
    const effective = raw.unknown ? 'warn' : level;
    return {
      ruleId: raw.id,
      severity: meta.severity as Severity,
      level: effective === 'warn' && failOn === 'warn' && !raw.unknown ? 'deny' : effective,
      title: meta.title,
      message: raw.message,
      resource: raw.resource,
      remediation: meta.remediation,
      file,
      source: PLUGIN_NAME,
    };
  };
  const out = [...result.deny.map((f) => map(f, 'deny')), ...result.warn.map((f) => map(f, 'warn'))];
  return out.sort((a, b) => (a.resource ?? '').localeCompare(b.resource ?? '') || a.ruleId.localeCompare(b.ruleId));
}

/** A finding that blocks a deployment whose policies could not be evaluated: never a pass. */
function evaluationFailed(file: string, err: unknown): Finding {
  return {
    ruleId: 'TFO-OPA-000',
    severity: 'critical',
    level: 'deny',
    title: 'Policies could not be evaluated',
    message: err instanceof Error ? err.message : String(err),
    remediation: 'fix the policy or the plan named; the deployment is blocked until the policies can decide it',
    file,
    source: PLUGIN_NAME,
  };
}

/** Evaluates a plan in the engine's worker pool; the input bytes are moved, not copied. */
export async function evaluatePlan(
  engine: Engine,
  policy: CompiledPolicy,
  plan: PlanJson,
  file: string,
  options: { data: Record<string, unknown>; maxMemoryMiB: number },
): Promise<EvaluateResult> {
  const bytes = Buffer.from(JSON.stringify(normalisePlan(plan, file)));
  const input = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const task: EvaluateTask = {
    wasmFile: policy.wasmFile,
    hash: policy.hash,
    data: JSON.stringify({ tfo_options: options.data }),
    input,
    maxPages: options.maxMemoryMiB * 16,
  };
  return engine.runTask<EvaluateTask, EvaluateResult>(workerPath(import.meta.url, 'evaluate.worker'), task, [input]);
}

/** The policy gate: every plan is checked before anything is applied. */
export function opa(options: OpaOptions): OpaPlugin {
  const opts = parsePluginOptions('opa', opaOptionsSchema, options);
  return {
    name: PLUGIN_NAME,
    options: opts,
    apply(engine: Engine) {
      const { cwd, stateDir } = engine.settings;
      const dirs = opts.policies.map((p) => path.resolve(cwd, p));
      let policy: CompiledPolicy | undefined;
      const stage = { name: PLUGIN_NAME, stage: STAGE.NORMAL };

      engine.hooks.prepare.tapPromise(stage, async () => {
        checkWaivers(opts.waivers);
        policy = await resolvePolicy(dirs, path.join(stateDir, 'policy-cache'), cwd);
      });

      engine.hooks.validate.tapPromise(stage, async (ctx) => {
        if (!ctx.plan) return;
        let findings: Finding[];
        try {
          if (!policy) throw new Error('policies were not prepared');
          const result = await evaluatePlan(engine, policy, ctx.plan.json, ctx.deployment.file, opts);
          findings = toFindings(result, ctx.deployment.file, opts.failOn);
        } catch (err) {
          findings = [evaluationFailed(ctx.deployment.file, err)];
        }
        ctx.findings.push(...applyWaivers(findings, opts.waivers));
      });

      engine.hooks.report.tapPromise(stage, async (result) => {
        const file = opts.sarif ? path.resolve(cwd, opts.sarif) : path.join(result.run.dir, 'policy.sarif');
        await writeSarif(file, result, cwd);
      });
    },
  };
}
