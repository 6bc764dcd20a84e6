import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../run/engine.js';
import { STAGE } from '../run/hooks.js';
import type { DeploymentContext, PlanJson } from '../model.js';
import type { Plugin } from '../run/plugin.js';
import { collectSensitive } from '../redaction/redact.js';
import { sensitiveOfState } from '../redaction/sensitive-state.js';
import { applyPlanArgs, initArgs, planArgs } from './terraform-args.js';
import { countChanges, planHasChanges } from './terraform.js';

export const TERRAFORM_DEFAULTS = 'tfo:terraform';

/**
 * `init` writes providers into the shared plugin cache, which terraform does not make safe for
 * concurrent writers. The first init of each root module runs alone and fills the cache (and its
 * lock file); later inits of that module only read the cache, so they run side by side.
 */
const warmed = new Map<string, Promise<unknown>>();
function initOf(ctx: DeploymentContext): Promise<unknown> {
  const first = warmed.get(ctx.deployment.rootModule);
  if (first) return first.then(() => ctx.terraform(initArgs(ctx.backend)));
  const run = ctx.terraform(initArgs(ctx.backend));
  // a failed first init does not make later ones wait forever or fail with it
  warmed.set(
    ctx.deployment.rootModule,
    run.catch(() => warmed.delete(ctx.deployment.rootModule)),
  );
  return run;
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Everything terraform marks sensitive in a plan: before/after values, variables are handled by outputs. */
export function sensitiveOfPlan(plan: PlanJson, into: Set<string>): void {
  for (const rc of plan.resource_changes ?? []) {
    collectSensitive(rc.change.before, rc.change.before_sensitive, into);
    collectSensitive(rc.change.after, rc.change.after_sensitive, into);
  }
  for (const oc of Object.values(plan.output_changes ?? {}) as Array<Record<string, unknown>>) {
    collectSensitive(oc.before, oc.before_sensitive, into);
    collectSensitive(oc.after, oc.after_sensitive, into);
  }
  const config = (plan.configuration as { root_module?: { variables?: Record<string, { sensitive?: boolean }> } })
    ?.root_module?.variables;
  for (const [name, v] of Object.entries(plan.variables ?? {})) {
    if (config?.[name]?.sensitive) collectSensitive(v.value, true, into);
  }
  // the prior state: a value only the state holds (an output or attribute this plan does not
  // change) is still printed by terraform's refresh, debug log and errors
  sensitiveOfState((plan as { prior_state?: unknown }).prior_state, into);
}

/** The engine's default init, plan, apply and verify: real terraform, reached only if no plugin answers first. */
export function terraformDefaults(): Plugin {
  return {
    name: TERRAFORM_DEFAULTS,
    apply(engine: Engine) {
      const stage = { name: TERRAFORM_DEFAULTS, stage: STAGE.DEFAULT };

      // last of the init taps: the backend settings are complete; the `init` stage times terraform init
      engine.hooks.init.tapPromise({ name: TERRAFORM_DEFAULTS, stage: STAGE.LAST }, async (settings, ctx) => {
        await initOf(ctx);
        return settings;
      });

      engine.hooks.plan.tapPromise(stage, async (ctx) => {
        const planFile = path.join(ctx.dir, 'plan.tfplan');
        const jsonFile = path.join(ctx.dir, 'plan.json');
        await ctx.terraform(planArgs(ctx, ctx.varFile, { out: planFile }));
        await ctx.terraform(['show', '-json', '-no-color', planFile], { stdoutFile: jsonFile });
        const json = await readJson<PlanJson>(jsonFile);
        sensitiveOfPlan(json, ctx.sensitive);
        return { planFile, json, changes: countChanges(json), hasChanges: planHasChanges(json) };
      });

      engine.hooks.apply.tapPromise(stage, async (ctx) => {
        if (!ctx.plan) throw new Error('no saved plan to apply');
        await ctx.terraform(applyPlanArgs(ctx, ctx.plan.planFile));
        // outputs as planned (sensitive ones were collected from the plan); no extra terraform call
        const planned = (
          ctx.plan.json.planned_values as { outputs?: Record<string, { value?: unknown; sensitive?: boolean }> }
        )?.outputs;
        ctx.outputs = Object.fromEntries(
          Object.entries(planned ?? {}).map(([name, o]) => [name, o.sensitive ? '(sensitive)' : o.value]),
        );
        return true;
      });

      engine.hooks.verify.tapPromise(stage, async (ctx) => {
        const check = await ctx.terraform(planArgs(ctx, ctx.varFile, { detailedExitCode: true }), {
          okCodes: [0, 2],
        });
        ctx.verify =
          check.exitCode === 0
            ? { ok: true, detail: 'a fresh plan shows no changes' }
            : { ok: false, detail: 'a fresh plan after apply still shows changes' };
      });
    },
  };
}
