import type { DeploymentContext, Plugin, RunResult } from '@tfo/engine';

export interface ChangeBudgetOptions {
  /** Most resources one deployment may destroy (replacements count) before it is blocked. */
  maxDestroy: number;
  /** Most destroys the whole run may plan before the run reports a problem; default maxDestroy. */
  maxRunDestroy?: number;
}

/** An organisation's own policy in a few lines: large destroys need a human, not a pipeline. */
export function changeBudget({ maxDestroy, maxRunDestroy = maxDestroy }: ChangeBudgetOptions): Plugin {
  for (const [name, n] of Object.entries({ maxDestroy, maxRunDestroy })) {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`changeBudget: ${name} must be a whole number ≥ 0`);
  }
  return {
    name: 'change-budget',
    apply(engine) {
      engine.hooks.validate.tapPromise('change-budget', async (ctx: DeploymentContext) => {
        const destroy = ctx.plan?.changes.destroy ?? 0;
        if (destroy <= maxDestroy) return;
        ctx.findings.push({
          ruleId: 'ORG-BUDGET-001',
          severity: 'high',
          level: 'deny',
          title: 'Change budget exceeded',
          message: `plan destroys ${destroy} resources; the budget is ${maxDestroy} per deployment`,
          remediation: 'split the change into smaller deployments, or waive ORG-BUDGET-001 with a reason',
          source: 'change-budget',
          file: ctx.deployment.file,
        });
      });
      engine.hooks.report.tap('change-budget', (result: RunResult) => {
        const counted = result.deployments.filter((d) => d.status !== 'blocked' && d.status !== 'skipped');
        const total = counted.reduce((sum, d) => sum + (d.changes?.destroy ?? 0), 0);
        if (total > maxRunDestroy) {
          result.problems.push({
            plugin: 'change-budget',
            message: `${total} resources planned for destruction across ${counted.length} deployments (run budget ${maxRunDestroy})`,
          });
        }
      });
    },
  };
}
