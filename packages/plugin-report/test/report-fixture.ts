import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeploymentResult, Finding, RunResult, StageTiming } from '@tfo/engine';

/** Values a report must never show: seeded into logs, errors and findings. */
export const SECRETS = {
  sensitive: 'Hunter2-db-Passw0rd-from-terraform',
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  accountId: '123456789012',
  email: 'alice@example.com',
};

const T0 = Date.parse('2026-01-02T03:04:05.000Z');

function timings(start: number, stages: Array<[StageTiming['stage'], number, boolean?]>): StageTiming[] {
  let at = T0 + start;
  return stages.map(([stage, ms, ok = true]) => {
    const t = { stage, startedAt: at, endedAt: at + ms, ok };
    at += ms;
    return t;
  });
}

function deployment(
  dir: string,
  name: string,
  lane: number,
  status: DeploymentResult['status'],
  t: StageTiming[],
  extra: Partial<DeploymentResult> = {},
): DeploymentResult {
  const key = `s3/acme-dev/us-east-1/${name}/terraform.tfstate`;
  const durationMs = t.length ? (t.at(-1)!.endedAt ?? 0) - t[0]!.startedAt : 0;
  return {
    key,
    file: `deployments/dev/S3/${name}/${name}.tfvars`,
    account: 'acme-dev',
    region: 'us-east-1',
    project: name,
    services: ['s3'],
    status,
    changes: { add: 1, change: 0, destroy: 0, replace: 0 },
    findings: [],
    timings: t,
    durationMs,
    logFile: path.join(dir, 'runs', 'r1', name, 'terraform.log'),
    lane,
    terraformMs: durationMs,
    ...extra,
  };
}

export const FINDINGS: Finding[] = [
  {
    ruleId: 'TFO-S3-001',
    severity: 'critical',
    level: 'deny',
    title: 'Bucket readable by <anyone> & "everyone"',
    message: `policy grants s3:GetObject to * (owner ${SECRETS.email})`,
    resource: 'aws_s3_bucket.site',
    remediation: 'Remove public_read',
    source: 'opa',
  },
  {
    ruleId: 'TFO-S3-012',
    severity: 'low',
    level: 'warn',
    title: 'No access logging',
    message: 'bucket does not log',
    resource: 'aws_s3_bucket.logs',
    source: 'opa',
    waived: { reason: 'log bucket cannot log to itself', approver: 'secops', expires: '2027-03-31' },
  },
  { ruleId: 'TFO-S3-020', severity: 'high', level: 'deny', title: 'No KMS', message: 'SSE-S3 only', source: 'opa' },
];

/**
 * A run of five deployments over three worker lanes (two overlapping in time), one failed and
 * recovered, one blocked, one never started, with their logs written under `dir`.
 */
export async function fixtureRun(dir: string, logs: Record<string, string> = {}): Promise<RunResult> {
  const deployments = [
    deployment(
      dir,
      'assets',
      0,
      'applied',
      timings(0, [
        ['lock', 20],
        ['init', 300],
        ['plan', 900],
        ['validate', 80],
        ['backup', 40],
        ['apply', 1200],
        ['verify', 500],
      ]),
    ),
    deployment(
      dir,
      'logs',
      1,
      'recovered',
      timings(100, [
        ['lock', 10],
        ['init', 250],
        ['plan', 700],
        ['validate', 60],
        ['backup', 30],
        ['apply', 900, false],
        ['recover', 600],
      ]),
      {
        error: {
          stage: 'apply',
          message: `<script>alert("x")</script> AccessDenied for arn:aws:iam::${SECRETS.accountId}:role/deployer`,
        },
        recovery: {
          action: 'destroy-created',
          ok: true,
          detail: 'destroyed 1 resource',
          durationMs: 600,
          by: 'tfo:local',
        },
      },
    ),
    deployment(
      dir,
      'site',
      2,
      'blocked',
      timings(150, [
        ['lock', 10],
        ['init', 200],
        ['plan', 500],
        ['validate', 300],
      ]),
      {
        findings: FINDINGS,
      },
    ),
    deployment(
      dir,
      'media',
      0,
      'no-changes',
      timings(3100, [
        ['lock', 10],
        ['init', 200],
        ['plan', 400],
        ['validate', 50],
      ]),
    ),
    deployment(dir, 'later', -1, 'skipped', []),
  ];
  for (const d of deployments) {
    await mkdir(path.dirname(d.logFile), { recursive: true });
    await writeFile(d.logFile, logs[d.project] ?? `$ terraform plan\nPlan: 1 to add, 0 to change, 0 to destroy.\n`);
  }
  const end = T0 + 3800;
  return {
    run: {
      id: '20260102T030405Z-abc123',
      mode: 'apply',
      startedAt: new Date(T0).toISOString(),
      cwd: dir,
      dir: path.join(dir, 'runs', 'r1'),
      deleted: [],
    },
    deployments,
    deleted: [],
    cancelled: false,
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(end).toISOString(),
    durationMs: end - T0,
    problems: [{ plugin: 'audit', message: `sink failed: token=${SECRETS.accessKey}` }],
    exitCode: 1,
  };
}

/**
 * The run with its view, as the report hook gets them: the view redacted string by string with
 * `redact`, as the engine's view is (the engine does it in its worker pool).
 */
export async function withView(
  result: RunResult,
  redact: (text: string) => Promise<string>,
): Promise<{ result: RunResult; shown: RunResult }> {
  const leaves = async (value: unknown): Promise<unknown> => {
    if (typeof value === 'string') return redact(value);
    if (Array.isArray(value)) return Promise.all(value.map(leaves));
    if (value && typeof value === 'object') {
      const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await leaves(v)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  };
  return { result, shown: (await leaves(result)) as RunResult };
}
