import path from 'node:path';
import { sensitiveOfRuns, TfoError, type CommandIO, type CommandSpec, type Engine } from '@tfo/engine';
import { anchorStoresIn, trailDir } from './anchor.js';
import { DynamoDbSink } from './dynamodb-sink.js';
import { recordLine, reportText, verifyText } from './command-text.js';
import { FileSink, type AuditSink } from './file-sink.js';
import { complianceReport, queryFile, type AuditQuery, type ReportableRecord } from './query.js';
import { AUDIT_ACTIONS, type AuditAction } from './record.js';
import { verifyTrail } from './verify-trail.js';

/** Where records are read from: the file trail (a folder), or a DynamoDB index sink of the config. */
type Source = { kind: 'file'; dir: string } | { kind: 'dynamodb'; sink: DynamoDbSink };

/**
 * `--source <sink name>` picks a configured sink; `--dir` is the file trail; by default the file
 * sink if one is configured, else the first index sink.
 */
function sourceOf(sinks: readonly AuditSink[], engine: Engine, flags: Record<string, unknown>): Source {
  const dir = flags['dir'] as string | undefined;
  const name = flags['source'] as string | undefined;
  if (dir !== undefined) return { kind: 'file', dir };
  const readable: AuditSink[] = sinks.filter((s) => s instanceof FileSink || s instanceof DynamoDbSink);
  const sink =
    name === undefined
      ? (readable.find((s) => s instanceof FileSink) ?? readable[0])
      : sinks.find((s) => s.name === name);
  if (name !== undefined && !(sink && readable.includes(sink))) {
    const names = readable.map((s) => s.name);
    throw new TfoError(
      'TFO_ERR_USAGE',
      sink
        ? `audit sink ${name} cannot be queried: query a file or DynamoDB sink (${names.join(', ') || 'none configured'})`
        : `no audit sink is named ${name}: the queryable ones are ${names.join(', ') || 'none'}`,
    );
  }
  if (sink instanceof DynamoDbSink) return { kind: 'dynamodb', sink };
  return { kind: 'file', dir: trailDir(sinks, engine.settings.stateDir) };
}

function actionOf(value: unknown): AuditAction | undefined {
  if (value === undefined) return undefined;
  if (!(AUDIT_ACTIONS as readonly unknown[]).includes(value)) {
    throw new TfoError('TFO_ERR_USAGE', `--action ${String(value)} is not one of ${AUDIT_ACTIONS.join(', ')}`);
  }
  return value as AuditAction;
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

const fromOf = (source: Source): { dir: string } | { table: string } =>
  source.kind === 'file' ? { dir: source.dir } : { table: source.sink.options.table };

/** The sensitive values of the runs whose records these are (their saved plans, where still here). */
function sensitiveOfRecords(engine: Engine, records: readonly object[]): Promise<Set<string>> {
  return sensitiveOfRuns(
    engine.settings.stateDir,
    records.map((r) => (r as { runId?: string }).runId ?? ''),
  );
}

type Flags = Record<string, unknown>;
type Shown = Parameters<typeof recordLine>[0] & { output?: string };

async function query(sinks: readonly AuditSink[], flags: Flags, io: CommandIO): Promise<number> {
  const { engine } = io;
  const source = sourceOf(sinks, engine, flags);
  const withOutput = flags['output'] === true;
  if (withOutput && source.kind !== 'file') {
    throw new TfoError(
      'TFO_ERR_USAGE',
      `--output: the DynamoDB index ${source.sink.name} keeps no terraform output; query the file trail (--dir) or read the S3 sink's object`,
    );
  }
  const q: AuditQuery = {
    account: flags['account'] as string | undefined,
    project: flags['project'] as string | undefined,
    since: flags['since'] as string | undefined,
    until: flags['until'] as string | undefined,
    action: actionOf(flags['action']),
  };
  const records = (await readRecords(engine, source, q)) as Shown[];
  const shown = withOutput ? records : records.map((r) => ({ ...r, output: undefined }));
  const text = withOutput
    ? records.map((r) => `${recordLine(r)}\n${r.output ?? ''}`).join('\n')
    : records.map((r) => `${recordLine(r)}\n`).join('');
  // records hold terraform's full output: shown redacted, with the sensitive values of their
  // runs' saved plans where the run folders are still here
  const sensitive = await sensitiveOfRecords(engine, records);
  await io.show(
    { source: source.kind, ...fromOf(source), records: shown },
    `${text}${records.length} record(s)\n`,
    sensitive,
  );
  return 0;
}

async function verify(sinks: readonly AuditSink[], flags: Flags, io: CommandIO): Promise<number> {
  const configured = trailDir(sinks, io.engine.settings.stateDir);
  const dir = (flags['dir'] as string | undefined) ?? configured;
  // the anchors name the configured trail's records: another folder has none to check against
  const stores = path.resolve(dir) === path.resolve(configured) ? anchorStoresIn(sinks) : [];
  const result = await verifyTrail(dir, stores);
  await io.show({ ...result.chain, ...result }, verifyText(result));
  return result.ok ? 0 : 1;
}

async function report(sinks: readonly AuditSink[], flags: Flags, io: CommandIO): Promise<number> {
  const since = flags['since'] as string;
  const source = sourceOf(sinks, io.engine, flags);
  const records = await readRecords(io.engine, source, { since });
  const summary = complianceReport(records, since);
  const sensitive = await sensitiveOfRecords(io.engine, records);
  await io.show({ source: source.kind, ...fromOf(source), ...summary }, reportText(summary), sensitive);
  return 0;
}

/** `tfo audit query | verify | report`: the file trail, or a DynamoDB index sink for query and report. */
export function auditCommand(sinks: readonly AuditSink[]): CommandSpec {
  return {
    name: 'audit',
    description: 'query, verify and report on the audit trail',
    options: [
      {
        flags: '--dir <folder>',
        description: 'file trail folder (default: the file sink of the config, or <stateDir>/audit)',
      },
      {
        flags: '--source <sink>',
        description: 'read from this configured sink: a file sink or a DynamoDB index (by its name)',
      },
    ],
    subcommands: [
      {
        name: 'query',
        description: 'audit records matching every filter given, oldest first',
        options: [
          { flags: '--account <name>', description: 'account name or id' },
          { flags: '--project <name>', description: 'project (the folder of the tfvars file)' },
          { flags: '--since <date>', description: 'from this day (YYYY-MM-DD, UTC) or ISO time, inclusive' },
          { flags: '--until <date>', description: 'to this day (YYYY-MM-DD, UTC) or ISO time, inclusive' },
          { flags: '--action <action>', description: `one of ${AUDIT_ACTIONS.join(', ')}` },
          {
            flags: '--output',
            description: "include each record's terraform output (redacted when shown; file trail only)",
          },
        ],
        run: ({ options }, io) => query(sinks, options, io),
      },
      {
        name: 'verify',
        description:
          'recompute every hash and link of the file trail and check it against its anchors; exit 1 naming what is broken or missing',
        run: ({ options }, io) => verify(sinks, options, io),
      },
      {
        name: 'report',
        description: 'compliance summary: changes per account, failures, recoveries, waivers used, policy blocks',
        options: [
          { flags: '--since <date>', description: 'from this day (YYYY-MM-DD, UTC) or ISO time', required: true },
        ],
        run: ({ options }, io) => report(sinks, options, io),
      },
    ],
  };
}
