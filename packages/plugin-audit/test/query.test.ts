import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TfoError } from '@tfo/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { complianceReport, fileSink, listAuditFiles, queryFile, type AuditQuery } from '../src/index.js';
import { entry, removeTempDirs, tempDir } from './support.js';

afterEach(removeTempDirs);

const ROWS = [
  {
    id: 'q1',
    account: 'acme-dev',
    accountId: '111111111111',
    project: 'api',
    action: 'plan',
    at: '2025-03-01T08:00:00.000Z',
    outcome: 'planned',
  },
  {
    id: 'q2',
    account: 'acme-dev',
    accountId: '111111111111',
    project: 'web',
    action: 'apply',
    at: '2025-03-01T23:59:59.000Z',
    outcome: 'applied',
  },
  {
    id: 'q3',
    account: 'acme-prod',
    accountId: '222222222222',
    project: 'api',
    action: 'apply',
    at: '2025-03-02T00:00:00.000Z',
    outcome: 'failed',
  },
  {
    id: 'q4',
    account: 'acme-prod',
    accountId: '222222222222',
    project: 'api',
    action: 'recover',
    at: '2025-03-03T12:00:00.000Z',
    outcome: 'recovered',
  },
  {
    id: 'q5',
    account: 'acme-prod',
    accountId: '222222222222',
    project: 'web',
    action: 'apply',
    at: '2025-03-04T09:30:00.000Z',
    outcome: 'blocked',
  },
] as const;

async function trail(): Promise<string> {
  const dir = await tempDir();
  const sink = fileSink({ dir });
  for (const r of ROWS) {
    await sink.append(
      entry({
        id: r.id,
        action: r.action,
        timestamp: r.at,
        outcome: r.outcome,
        deployment: { account: r.account, accountId: r.accountId, project: r.project },
        recovery:
          r.action === 'recover'
            ? { action: 'reapply-last-good', ok: true, detail: 'converged', durationMs: 900, by: 'local' }
            : undefined,
        findings:
          r.outcome === 'blocked'
            ? [
                { ruleId: 'S3_PUBLIC', severity: 'critical', level: 'deny', title: 't', message: 'm', source: 'opa' },
                {
                  ruleId: 'S3_LOGGING',
                  severity: 'low',
                  level: 'deny',
                  title: 't',
                  message: 'm',
                  source: 'opa',
                  resource: 'aws_s3_bucket.logs',
                  waived: { reason: 'log bucket', approver: 'bob', expires: '2999-01-01' },
                },
              ]
            : [],
      }),
    );
  }
  return dir;
}

describe('queryFile', () => {
  it.each<[string, AuditQuery, string[]]>([
    ['everything', {}, ['q1', 'q2', 'q3', 'q4', 'q5']],
    ['account by name', { account: 'acme-dev' }, ['q1', 'q2']],
    ['account by id', { account: '222222222222' }, ['q3', 'q4', 'q5']],
    ['project', { project: 'api' }, ['q1', 'q3', 'q4']],
    ['action', { action: 'apply' }, ['q2', 'q3', 'q5']],
    ['since a day (inclusive, from its start)', { since: '2025-03-02' }, ['q3', 'q4', 'q5']],
    ['until a day (inclusive, to its end)', { until: '2025-03-01' }, ['q1', 'q2']],
    ['a time range', { since: '2025-03-01T09:00:00Z', until: '2025-03-03T12:00:00Z' }, ['q2', 'q3', 'q4']],
    ['combined', { account: 'acme-prod', project: 'api', action: 'apply', since: '2025-03-02' }, ['q3']],
    ['nothing', { account: 'acme-stage' }, []],
  ])('filters by %s', async (_name, query, ids) => {
    const records = await queryFile(await trail(), query);
    expect(records.map((r) => r.id)).toEqual(ids);
  });

  it('refuses a bad date as a usage error', async () => {
    await expect(queryFile(await trail(), { since: 'last tuesday' })).rejects.toMatchObject({ code: 'TFO_ERR_USAGE' });
  });

  it('names the file and line of an unreadable record', async () => {
    const dir = await trail();
    const [file] = await listAuditFiles(dir);
    await writeFile(path.join(dir, file!), '{"broken":\n', { flag: 'a' });
    const err = await queryFile(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TfoError);
    expect((err as TfoError).line).toBe(6);
  });
});

describe('complianceReport', () => {
  it('summarises changes per account, failures, recoveries, waivers and policy blocks', async () => {
    const report = complianceReport(await queryFile(await trail()), '2025-03-01');
    expect(report.records).toBe(5);
    expect(report.accounts).toEqual([
      {
        account: 'acme-dev',
        accountId: '111111111111',
        changes: 1,
        plans: 1,
        failures: 0,
        recoveries: 0,
        waiversUsed: 0,
        policyBlocks: 0,
        drift: 0,
        stateRepairs: 0,
      },
      {
        account: 'acme-prod',
        accountId: '222222222222',
        changes: 0,
        plans: 0,
        failures: 1,
        recoveries: 1,
        waiversUsed: 1,
        policyBlocks: 1,
        drift: 0,
        stateRepairs: 0,
      },
    ]);
    expect(report.totals).toEqual({
      changes: 1,
      plans: 1,
      failures: 1,
      recoveries: 1,
      waiversUsed: 1,
      policyBlocks: 1,
      drift: 0,
      stateRepairs: 0,
    });
    expect(report.failures.map((f) => f.id)).toEqual(['q3']);
    expect(report.recoveries).toMatchObject([{ id: 'q4', action: 'reapply-last-good', ok: true }]);
    expect(report.waivers).toMatchObject([{ ruleId: 'S3_LOGGING', resource: 'aws_s3_bucket.logs', approver: 'bob' }]);
    expect(report.policyBlocks).toMatchObject([{ id: 'q5', rules: ['S3_PUBLIC'] }]);
  });

  it('counts a waiver once, drift apart, and restores as changes but unlocks as repairs only', () => {
    const waived = {
      ruleId: 'S3_LOGGING',
      severity: 'low' as const,
      level: 'deny' as const,
      title: 't',
      message: 'm',
      source: 'opa',
      waived: { reason: 'log bucket', approver: 'bob', expires: '2999-01-01' },
    };
    const at = '2025-04-01T10:00:00.000Z';
    const records = [
      entry({ id: 'w1', action: 'apply', timestamp: at, findings: [waived] }),
      entry({ id: 'w2', action: 'waiver-used', timestamp: at, findings: [waived] }),
      entry({ id: 'd1', action: 'drift', timestamp: at, outcome: 'recovered' }),
      entry({ id: 'r1', action: 'restore', timestamp: at, outcome: 'applied' }),
      entry({ id: 'u1', action: 'unlock', timestamp: at, outcome: 'applied' }),
    ];
    const report = complianceReport(records, '2025-04-01');
    expect(report.totals).toEqual({
      changes: 2, // the apply and the restore
      plans: 0,
      failures: 0,
      recoveries: 0,
      waiversUsed: 1,
      policyBlocks: 0,
      drift: 1,
      stateRepairs: 2,
    });
    expect(report.waivers.map((w) => w.ruleId)).toEqual(['S3_LOGGING']);
  });

  it('counts only records since the date', async () => {
    const report = complianceReport(await queryFile(await trail()), '2025-03-03');
    expect(report.records).toBe(2);
    expect(report.totals).toMatchObject({ recoveries: 1, policyBlocks: 1, failures: 0, changes: 0 });
  });
});
