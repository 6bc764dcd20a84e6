import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { redactText, sensitiveOfPlan, TfoError, type Engine, type PlanJson } from '@tfo/engine';
import { applyWaivers, evaluatePlan, resolvePolicy, runPolicyTests, toFindings, type OpaPlugin } from '@tfo/plugin-opa';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';
import { collect, numberIn } from '../options.js';
import { printRedacted } from '../render/print.js';

function opaOf(engine: Engine): OpaPlugin {
  const plugin = engine.plugins.find((p) => p.name === 'opa') as OpaPlugin | undefined;
  if (!plugin?.options)
    throw new TfoError('TFO_ERR_USAGE', 'no opa(...) plugin is configured: add it to plugins in the config');
  return plugin;
}

/** `tfo policy test` and `tfo policy check <plan.json>` (conftest's exit codes). */
export function registerPolicyCommands(program: Command, setCode: (code: number) => void): void {
  const policy = program.command('policy').description('test the policies, or check a plan against them');

  policy
    .command('test')
    .description('run the policy unit tests (opa test over normalised plan fixtures)')
    .option('--coverage', 'fail below the coverage threshold')
    .option('--threshold <percent>', 'coverage threshold, 0 to 100', numberIn({ min: 0, max: 100 }), 90)
    .option('--policies <dir>', 'policy folder (repeatable; default: the opa plugin’s)', collect)
    .action(async (flags: { coverage?: boolean; threshold: number; policies?: string[] }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      let dirs = flags.policies?.map((d) => path.resolve(globals.cwd, d));
      if (!dirs) {
        const engine = await openEngine(globals);
        dirs = opaOf(engine).options.policies.map((d) => path.resolve(engine.settings.cwd, d));
        await engine.close();
      }
      const result = await runPolicyTests({
        dirs,
        coverage: flags.coverage,
        threshold: flags.threshold,
        cwd: globals.cwd,
      });
      // opa's output may quote fixture values: shown redacted like everything tfo prints
      process.stdout.write(`${redactText(result.output)}\n`);
      if (result.coverage) process.stdout.write(`coverage ${result.coverage.percent.toFixed(1)}%\n`);
      setCode(result.exitCode === 0 ? 0 : 1);
    });

  policy
    .command('check <plan>')
    .description('check a `terraform show -json` plan: exit 0 clean, 1 warnings (with --fail-on-warn), 2 denied')
    .option('--fail-on-warn', 'exit 1 when there are warnings')
    .option('--file <tfvars>', 'the tfvars path to report findings against')
    .action(async (planFile: string, flags: { failOnWarn?: boolean; file?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const engine = await openEngine(globals);
      try {
        const { options } = opaOf(engine);
        const { cwd, stateDir } = engine.settings;
        const compiled = await resolvePolicy(
          options.policies.map((d) => path.resolve(cwd, d)),
          path.join(stateDir, 'policy-cache'),
          cwd,
        );
        let plan: PlanJson;
        try {
          plan = JSON.parse(await readFile(path.resolve(globals.cwd, planFile), 'utf8')) as PlanJson;
        } catch (err) {
          throw new TfoError('TFO_ERR_USAGE', `${planFile}: not a readable plan JSON (${(err as Error).message})`, {
            file: planFile,
          });
        }
        const file = flags.file ?? planFile;
        const result = await evaluatePlan(engine, compiled, plan, file, options);
        // the config's profile and per-rule overrides, as the validate stage applies them
        const findings = applyWaivers(toFindings(result, file, options.failOn, options), options.waivers);
        const denied = findings.filter((f) => f.level === 'deny' && !f.waived);
        const warned = findings.filter((f) => f.level === 'warn' && !f.waived);
        // findings quote the plan: redacted with the values the plan itself marks sensitive
        const sensitive = new Set<string>();
        sensitiveOfPlan(plan, sensitive);
        const lines = findings.map((f) => {
          const tag = f.waived ? 'WAIVED' : f.level === 'deny' ? 'FAIL' : 'WARN';
          return `${tag}${f.unknown ? ' (unknown)' : ''} - ${f.resource ?? ''} - ${f.ruleId} (${f.severity}) ${f.message}\n`;
        });
        const total = `${findings.length} finding(s): ${denied.length} failure(s), ${warned.length} warning(s)\n`;
        await printRedacted(engine, globals, { findings }, lines.join('') + total, sensitive);
        setCode(denied.length > 0 ? 2 : warned.length > 0 && flags.failOnWarn ? 1 : 0);
      } finally {
        await engine.close();
      }
    });
}
