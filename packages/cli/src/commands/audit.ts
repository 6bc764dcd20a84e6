import path from 'node:path';
import { TfoError, type Engine } from '@tfo/engine';
import {
  anchorStoresOf,
  auditDir,
  auditPluginOf,
  complianceReport,
  queryFile,
  verifyTrail,
  AUDIT_ACTIONS,
  DynamoDbSink,
  FileSink,
  type AuditAction,
  type AuditQuery,
  type ComplianceReport,
  type ReportableRecord,
  type TrailVerification,
} from '@tfo/plugin-audit';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import { printRedacted } from '../render/print.js';
import { sensitiveOfRuns } from '../report/run-files.js';
import type { GlobalOptions } from '../main.js';

interface QueryFlags {
  dir?: string;
  source?: string;
  account?: string;
  project?: string;
  since?: string;
  until?: string;
  action?: string;
  output?: boolean;
}

/** Opens the engine (for the config's sinks), runs `fn`, and closes it. */
async function withEngine(
  cmd: Command,
  fn: (globals: GlobalOptions & { dir?: string; source?: string }, engine: Engine) => Promise<void>,
): Promise<void> {
  const globals = cmd.optsWithGlobals<GlobalOptions & { dir?: string; source?: string }>();
  const engine = await openEngine(globals);
  try {
    await fn(globals, engine);
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

/** Where records are read from: the file trail (a folder), or a DynamoDB index sink of the config. */
type Source = { kind: 'file'; dir: string } | { kind: 'dynamodb'; sink: DynamoDbSink };

/**
 * `--source <sink name>` picks a configured sink; `--dir` is the file trail; by default the file
 * sink if one is configured (or no audit plugin at all), else the first DynamoDB index sink.
 */
function sourceOf(engine: Engine, flags: { source?: string | undefined; dir?: string | undefined }): Source {
  const sinks = auditPluginOf(engine)?.options.sinks ?? [];
  if (flags.dir !== undefined) return { kind: 'file', dir: flags.dir };
  const readable = sinks.filter((s) => s instanceof FileSink || s instanceof DynamoDbSink);
  const sink =
    flags.source === undefined
      ? (readable.find((s) => s instanceof FileSink) ?? readable[0])
      : sinks.find((s) => s.name === flags.source);
  if (flags.source !== undefined && !(sink instanceof FileSink || sink instanceof DynamoDbSink)) {
    const names = readable.map((s) => s.name);
    throw new TfoError(
      'TFO_ERR_USAGE',
      sink
        ? `audit sink ${flags.source} cannot be queried: query a file or DynamoDB sink (${names.join(', ') || 'none configured'})`
        : `no audit sink is named ${flags.source}: the queryable ones are ${names.join(', ') || 'none'}`,
    );
  }
  if (sink instanceof DynamoDbSink) return { kind: 'dynamodb', sink };
  return { kind: 'file', dir: auditDir(engine) };
}

/** The DynamoDB index is keyed by account name: an account id given on the command line is mapped. */
function accountName(engine: Engine, account: string | undefined): string | undefined {
  if (account === undefined || !/^\d{12}$/.test(account)) return account;
  const found = Object.values(engine.settings.config.accounts).find((a) => a.id === account);
  return found?.name ?? account;
}

async function readRecords(engine: Engine, source: Source, query: AuditQuery): Promise<ReportableRecord[]> {
  if (source.kind === 'file') return queryFile(source.dir, query);
  return source.sink.query({ ...query, account: accountName(engine, query.account) });
}

function recordLine(r: ReportableRecord & { actor: string; context: { pullRequest: number | null } }): string {
  const d = r.deployment;
  const ci = r.context.pullRequest ? ` PR #${r.context.pullRequest}` : '';
  return `${r.timestamp}  ${r.action.padEnd(7)} ${r.outcome.padEnd(10)} ${d.account}/${d.region}/${d.project}  ${d.file}  by ${r.actor}${ci}  ${r.id}`;
}

function reportText(report: ComplianceReport): string {
  const width = Math.max(7, ...report.accounts.map((a) => a.account.length));
  const columns: Array<[string, keyof ComplianceReport['totals']]> = [
    ['CHANGES', 'changes'],
    ['PLANS', 'plans'],
    ['FAILURES', 'failures'],
    ['RECOVERIES', 'recoveries'],
    ['WAIVERS', 'waiversUsed'],
    ['BLOCKS', 'policyBlocks'],
    ['DRIFT', 'drift'],
    ['REPAIRS', 'stateRepairs'],
  ];
  const row = (name: string, counts: ComplianceReport['totals']): string =>
    [name.padEnd(width), ...columns.map(([title, field]) => String(counts[field]).padStart(title.length))].join('  ');
  const lines = [
    `audit report since ${report.since ?? 'the first record'}: ${report.records} record(s)`,
    ['ACCOUNT'.padEnd(width), ...columns.map(([title]) => title)].join('  '),
    ...report.accounts.map((a) => row(a.account, a)),
    row('total', report.totals),
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

function verifyText(result: TrailVerification): string {
  const { chain, dir } = result;
  const lines = chain.ok
    ? [
        `audit trail intact: ${chain.records} record(s) in ${chain.files} file(s), head ${chain.head?.slice(0, 12) ?? 'none'}`,
      ]
    : [
        `audit trail BROKEN at ${chain.broken.file}:${chain.broken.line}${chain.broken.id ? ` (record ${chain.broken.id})` : ''}: ${chain.broken.reason}`,
        `  ${chain.records} record(s) before it hold; the folder is ${dir}`,
      ];
  for (const a of result.anchors) {
    if (a.problem) lines.push(`anchor in ${a.sink} (${a.location}) does NOT hold: ${a.problem}`);
    else if (!chain.ok) lines.push(`anchor in ${a.sink} (${a.location}): not compared, the chain is broken`);
    else if (!a.anchor) lines.push(`anchor in ${a.sink} (${a.location}): none yet, and the trail is empty`);
    else {
      const after = a.unanchored
        ? `; ${a.unanchored} later record(s) not anchored yet (the next run anchors them)`
        : '';
      lines.push(`anchor in ${a.sink} (${a.location}) holds: record #${a.anchor.seq} is in the trail${after}`);
    }
  }
  if (result.note) lines.push(`note: ${result.note}`);
  return `${lines.join('\n')}\n`;
}

/** `tfo audit query | verify | report`: the file trail, or a DynamoDB index sink for query and report. */
export function registerAuditCommands(program: Command, setCode: (code: number) => void): void {
  const auditCmd = program
    .command('audit')
    .description('query, verify and report on the audit trail')
    .option('--dir <folder>', 'file trail folder (default: the file sink of the config, or <stateDir>/audit)')
    .option('--source <sink>', 'read from this configured sink: a file sink or a DynamoDB index (by its name)');

  auditCmd
    .command('query')
    .description('audit records matching every filter given, oldest first')
    .option('--account <name>', 'account name or id')
    .option('--project <name>', 'project (the folder of the tfvars file)')
    .option('--since <date>', 'from this day (YYYY-MM-DD, UTC) or ISO time, inclusive')
    .option('--until <date>', 'to this day (YYYY-MM-DD, UTC) or ISO time, inclusive')
    .option('--action <action>', `one of ${AUDIT_ACTIONS.join(', ')}`)
    .option('--output', "include each record's terraform output (redacted when shown; file trail only)")
    .action((flags: QueryFlags, cmd: Command) =>
      withEngine(cmd, async (globals, engine) => {
        const source = sourceOf(engine, globals);
        if (flags.output && source.kind !== 'file') {
          throw new TfoError(
            'TFO_ERR_USAGE',
            `--output: the DynamoDB index ${source.sink.name} keeps no terraform output; query the file trail (--dir) or read the S3 sink's object`,
          );
        }
        const query: AuditQuery = {
          account: flags.account,
          project: flags.project,
          since: flags.since,
          until: flags.until,
          action: actionOf(flags.action),
        };
        const records = (await readRecords(engine, source, query)) as Array<
          Parameters<typeof recordLine>[0] & { output?: string }
        >;
        const shown = flags.output ? records : records.map((r) => ({ ...r, output: undefined }));
        const text = flags.output
          ? records.map((r) => `${recordLine(r)}\n${r.output ?? ''}`).join('\n')
          : records.map((r) => `${recordLine(r)}\n`).join('');
        const from = source.kind === 'file' ? { dir: source.dir } : { table: source.sink.options.table };
        // records hold terraform's full output: shown redacted, with the sensitive values of their
        // runs' saved plans where the run folders are still here
        const sensitive = await sensitiveOfRecords(engine, records);
        await printRedacted(
          engine,
          globals,
          { source: source.kind, ...from, records: shown },
          `${text}${records.length} record(s)\n`,
          sensitive,
        );
        setCode(0);
      }),
    );

  auditCmd
    .command('verify')
    .description(
      'recompute every hash and link of the file trail and check it against its anchors; exit 1 naming what is broken or missing',
    )
    .action((_flags: unknown, cmd: Command) =>
      withEngine(cmd, async (globals, engine) => {
        const configured = auditDir(engine);
        const dir = globals.dir ?? configured;
        // the anchors name the configured trail's records: another folder has none to check against
        const stores = path.resolve(dir) === path.resolve(configured) ? anchorStoresOf(engine) : [];
        const result = await verifyTrail(dir, stores);
        await printRedacted(engine, globals, { ...result.chain, ...result }, verifyText(result));
        setCode(result.ok ? 0 : 1);
      }),
    );

  auditCmd
    .command('report')
    .description('compliance summary: changes per account, failures, recoveries, waivers used, policy blocks')
    .requiredOption('--since <date>', 'from this day (YYYY-MM-DD, UTC) or ISO time')
    .action((flags: { since: string }, cmd: Command) =>
      withEngine(cmd, async (globals, engine) => {
        const source = sourceOf(engine, globals);
        const records = await readRecords(engine, source, { since: flags.since });
        const report = complianceReport(records, flags.since);
        const from = source.kind === 'file' ? { dir: source.dir } : { table: source.sink.options.table };
        const sensitive = await sensitiveOfRecords(engine, records);
        await printRedacted(
          engine,
          globals,
          { source: source.kind, ...from, ...report },
          reportText(report),
          sensitive,
        );
        setCode(0);
      }),
    );
}

/** The sensitive values of the runs whose records these are (their saved plans, where still here). */
function sensitiveOfRecords(engine: Engine, records: readonly object[]): Promise<Set<string>> {
  return sensitiveOfRuns(
    engine.settings.stateDir,
    records.map((r) => (r as { runId?: string }).runId ?? ''),
  );
}
