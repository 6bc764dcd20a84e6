import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sensitiveOfPlan, TfoError, type CommandIO, type CommandSpec, type PlanJson } from '@tfo/engine';
import type { PolicyGate, ResolvedOpaOptions } from './plugin.js';
import { runPolicyTests } from './policy-tests.js';

/** `--threshold`: a percentage (decimals allowed); anything else is a usage error. */
function percentOf(value: unknown): number {
  const text = String(value);
  const n = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 100) {
    throw new TfoError(
      'TFO_ERR_USAGE',
      `option '--threshold <percent>' argument '${text}' is invalid. must be a number from 0 to 100.`,
    );
  }
  return n;
}

/** `tfo policy test`: opa test over the policy folders and their normalised plan fixtures. */
async function test(opts: ResolvedOpaOptions, flags: Record<string, unknown>, io: CommandIO): Promise<number> {
  const threshold = percentOf(flags['threshold']);
  const given = flags['policies'] as string[] | undefined;
  const dirs = given
    ? given.map((d) => path.resolve(io.cwd, d))
    : opts.policies.map((d) => path.resolve(io.engine.settings.cwd, d));
  const result = await runPolicyTests({ dirs, coverage: flags['coverage'] === true, threshold, cwd: io.cwd });
  // opa's output may quote fixture values: shown redacted (io.out), like everything tfo prints
  io.out(`${result.output}\n`);
  if (result.coverage) io.out(`coverage ${result.coverage.percent.toFixed(1)}%\n`);
  return result.exitCode === 0 ? 0 : 1;
}

/** `tfo policy check <plan.json>`: the gate's findings of one plan, with conftest's exit codes. */
async function check(
  gate: PolicyGate,
  planFile: string,
  flags: Record<string, unknown>,
  io: CommandIO,
): Promise<number> {
  let plan: PlanJson;
  try {
    plan = JSON.parse(await readFile(path.resolve(io.cwd, planFile), 'utf8')) as PlanJson;
  } catch (err) {
    throw new TfoError('TFO_ERR_USAGE', `${planFile}: not a readable plan JSON (${(err as Error).message})`, {
      file: planFile,
    });
  }
  const file = (flags['file'] as string | undefined) ?? planFile;
  // the config's profile, per-rule overrides and waivers, as the validate stage applies them
  const findings = await gate.findings(plan, file);
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
  await io.show({ findings }, lines.join('') + total, sensitive);
  return denied.length > 0 ? 2 : warned.length > 0 && flags['failOnWarn'] === true ? 1 : 0;
}

/** `tfo policy test` and `tfo policy check <plan.json>` (conftest's exit codes). */
export function policyCommand(opts: ResolvedOpaOptions, gate: PolicyGate): CommandSpec {
  return {
    name: 'policy',
    description: 'test the policies, or check a plan against them',
    subcommands: [
      {
        name: 'test',
        description: 'run the policy unit tests (opa test over normalised plan fixtures)',
        options: [
          { flags: '--coverage', description: 'fail below the coverage threshold' },
          { flags: '--threshold <percent>', description: 'coverage threshold, 0 to 100', default: '90' },
          { flags: '--policies <dir...>', description: 'policy folder (repeatable; default: the opa plugin’s)' },
        ],
        run: ({ options }, io) => test(opts, options, io),
      },
      {
        name: 'check',
        description: 'check a `terraform show -json` plan: exit 0 clean, 1 warnings (with --fail-on-warn), 2 denied',
        arguments: [{ name: 'plan', description: 'the plan JSON (`terraform show -json <planfile>`)' }],
        options: [
          { flags: '--fail-on-warn', description: 'exit 1 when there are warnings' },
          { flags: '--file <tfvars>', description: 'the tfvars path to report findings against' },
        ],
        run: ({ args, options }, io) => check(gate, String(args[0]), options, io),
      },
    ],
  };
}
