import { redactText, TfoError, type Engine } from '@tfo/engine';
import {
  auditDir,
  complianceReport,
  queryFile,
  verifyChain,
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditQuery,
  type ChainedAuditRecord,
  type ComplianceReport,
} from '@tfo/plugin-audit';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';

interface QueryFlags {
  dir?: string;
  account?: string;
  project?: string;
  since?: string;
  until?: string;
  action?: string;
  output?: boolean;
}

/** Shown output is redacted; the record's full terraform output only with --output (and then redacted too). */
function print(globals: GlobalOptions, json: unknown, text: string): void {
  process.stdout.write(redactText(globals.json ? `${JSON.stringify(json, null, 2)}\n` : text));
}

/** The audit folder: --dir, else the configured file sink's, else `<stateDir>/audit`. */
async function withAuditDir(
  cmd: Command,
  fn: (dir: string, globals: GlobalOptions, engine: Engine) => Promise<void>,
): Promise<void> {
  const globals = cmd.optsWithGlobals<GlobalOptions & { dir?: string }>();
  const engine = await openEngine(globals);
  try {
    await fn(globals.dir ?? auditDir(engine), globals, engine);
  } finally {
    await engine.close();
  }
}

function actionOf(value: string | undefined): AuditAction | undefined {
  if (value === undefined) return undefined;
  if (!(AUDIT_ACTIONS as readonly string[]).includes(value)) {
    throw new TfoError('TFO_ERR_USAGE', `--action ${value} is not one of ${AUDIT_ACTIONS.join(', ')}`);
  }
  return value as AuditAction;
}

function recordLine(r: ChainedAuditRecord): string {
  const d = r.deployment;
  const ci = r.context.pullRequest ? ` PR #${r.context.pullRequest}` : '';
  return `${r.timestamp}  ${r.action.padEnd(7)} ${r.outcome.padEnd(10)} ${d.account}/${d.region}/${d.project}  ${d.file}  by ${r.actor}${ci}  ${r.id}`;
}

function reportText(report: ComplianceReport): string {
  const t = report.totals;
  const width = Math.max(7, ...report.accounts.map((a) => a.account.length));
  const lines = [
    `audit report since ${report.since ?? 'the first record'}: ${report.records} record(s)`,
    `${'ACCOUNT'.padEnd(width)}  CHANGES  PLANS  FAILURES  RECOVERIES  WAIVERS  BLOCKS`,
    ...report.accounts.map(
      (a) =>
        `${a.account.padEnd(width)}  ${String(a.changes).padStart(7)}  ${String(a.plans).padStart(5)}  ${String(a.failures).padStart(8)}  ${String(a.recoveries).padStart(10)}  ${String(a.waiversUsed).padStart(7)}  ${String(a.policyBlocks).padStart(6)}`,
    ),
    `${'total'.padEnd(width)}  ${String(t.changes).padStart(7)}  ${String(t.plans).padStart(5)}  ${String(t.failures).padStart(8)}  ${String(t.recoveries).padStart(10)}  ${String(t.waiversUsed).padStart(7)}  ${String(t.policyBlocks).padStart(6)}`,
  ];
  if (report.failures.length) {
    lines.push(
      'failures:',
      ...report.failures.map((f) => `  ${f.timestamp}  ${f.file}  ${f.stage ?? '-'}: ${f.message ?? '-'}`),
    );
  }
  if (report.recoveries.length) {
    lines.push(
      'recoveries:',
      ...report.recoveries.map((r) => `  ${r.timestamp}  ${r.file}  ${r.action} ${r.ok ? 'ok' : 'FAILED'}`),
    );
  }
  if (report.waivers.length) {
    lines.push(
      'waivers used:',
      ...report.waivers.map(
        (w) =>
          `  ${w.timestamp}  ${w.file}  ${w.ruleId} ${w.resource ?? ''}  "${w.reason}" approved by ${w.approver ?? 'unknown'}, expires ${w.expires}`,
      ),
    );
  }
  if (report.policyBlocks.length) {
    lines.push(
      'policy blocks:',
      ...report.policyBlocks.map((b) => `  ${b.timestamp}  ${b.file}  ${b.rules.join(', ')}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `tfo audit query | verify | report`: the file sink's trail. */
export function registerAuditCommands(program: Command, setCode: (code: number) => void): void {
  const auditCmd = program
    .command('audit')
    .description('query, verify and report on the audit trail')
    .option('--dir <folder>', 'audit folder (default: the file sink of the config, or <stateDir>/audit)');

  auditCmd
    .command('query')
    .description('audit records matching every filter given, oldest first')
    .option('--account <name>', 'account name or id')
    .option('--project <name>', 'project (the folder of the tfvars file)')
    .option('--since <date>', 'from this day (YYYY-MM-DD, UTC) or ISO time, inclusive')
    .option('--until <date>', 'to this day (YYYY-MM-DD, UTC) or ISO time, inclusive')
    .option('--action <action>', `one of ${AUDIT_ACTIONS.join(', ')}`)
    .option('--output', "include each record's terraform output (redacted when shown)")
    .action((flags: QueryFlags, cmd: Command) =>
      withAuditDir(cmd, async (dir, globals) => {
        const query: AuditQuery = {
          account: flags.account,
          project: flags.project,
          since: flags.since,
          until: flags.until,
          action: actionOf(flags.action),
        };
        const records = await queryFile(dir, query);
        const shown = flags.output ? records : records.map((r) => ({ ...r, output: undefined }));
        const text = flags.output
          ? records.map((r) => `${recordLine(r)}\n${r.output}`).join('\n')
          : records.map((r) => `${recordLine(r)}\n`).join('');
        print(globals, { dir, records: shown }, `${text}${records.length} record(s)\n`);
        setCode(0);
      }),
    );

  auditCmd
    .command('verify')
    .description('recompute every hash and link of the chain; exit 1 naming the first broken record')
    .action((_flags: unknown, cmd: Command) =>
      withAuditDir(cmd, async (dir, globals) => {
        const result = await verifyChain(dir);
        const text = result.ok
          ? `audit trail intact: ${result.records} record(s) in ${result.files} file(s), head ${result.head?.slice(0, 12) ?? 'none'}\n`
          : `audit trail BROKEN at ${result.broken.file}:${result.broken.line}${result.broken.id ? ` (record ${result.broken.id})` : ''}: ${result.broken.reason}\n` +
            `  ${result.records} record(s) before it hold; the folder is ${dir}\n`;
        print(globals, { dir, ...result }, text);
        setCode(result.ok ? 0 : 1);
      }),
    );

  auditCmd
    .command('report')
    .description('compliance summary: changes per account, failures, recoveries, waivers used, policy blocks')
    .requiredOption('--since <date>', 'from this day (YYYY-MM-DD, UTC) or ISO time')
    .action((flags: { since: string }, cmd: Command) =>
      withAuditDir(cmd, async (dir, globals) => {
        const report = complianceReport(await queryFile(dir, { since: flags.since }), flags.since);
        print(globals, { dir, ...report }, reportText(report));
        setCode(0);
      }),
    );
}
