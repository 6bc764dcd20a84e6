import { randomUUID } from 'node:crypto';
import { planDigest } from './canonical-json.js';
import type { Engine } from './engine.js';
import type { AuditRecord, Deployment, DeploymentContext, DeploymentStatus } from '../model.js';

/**
 * The deployment's audit records: what it did (plan, apply, recover), then one `waiver-used` when
 * a waiver let a denied finding pass, and one `drift` when verify found changes right after apply.
 */
export function auditRecords(ctx: DeploymentContext, output: string): AuditRecord[] {
  const planSha256 = ctx.plan ? planDigest(ctx.plan.json) : undefined;
  const base = (): Omit<AuditRecord, 'action' | 'findings' | 'output'> => ({
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    runId: ctx.run.id,
    deployment: auditDeployment(ctx.deployment),
    actor: actorOf(),
    outcome: ctx.status,
    recovery: ctx.recovery,
    error: ctx.error && { ...ctx.error },
    planSha256,
    timings: ctx.timings,
  });
  const records: AuditRecord[] = [
    { ...base(), action: ctx.recovery ? 'recover' : ctx.run.mode, findings: ctx.findings, output },
  ];
  const waived = ctx.findings.filter((f) => f.waived);
  if (waived.length > 0) records.push({ ...base(), action: 'waiver-used', findings: waived, output: '' });
  if (ctx.verify && !ctx.verify.ok) {
    records.push({ ...base(), action: 'drift', findings: [], output: ctx.verify.detail });
  }
  return records;
}

/**
 * The record of an action on a state key taken outside a run (`tfo state restore`, `unlock`).
 * The deployment is the one discovery maps to the key; when no tfvars file does any more, what
 * the key itself says (`<service>/<account>/<region>/<project>/…`).
 */
export function stateActionRecord(options: {
  key: string;
  deployment: Deployment | undefined;
  action: 'restore' | 'unlock';
  outcome: DeploymentStatus;
  runId: string;
  startedAt: number;
  output: string;
}): AuditRecord {
  const { key, deployment } = options;
  const [, account = '', region = '', project = ''] = key.split('/');
  const now = Date.now();
  return {
    id: randomUUID(),
    timestamp: new Date(now).toISOString(),
    action: options.action,
    runId: options.runId,
    deployment: deployment
      ? auditDeployment(deployment)
      : {
          key,
          account: account || key,
          accountId: '',
          region,
          project,
          services: [],
          file: key,
          sha256: '0'.repeat(64),
        },
    actor: actorOf(),
    outcome: options.outcome,
    findings: [],
    timings: [{ stage: 'recover', startedAt: options.startedAt, endedAt: now, ok: options.outcome !== 'failed' }],
    output: options.output,
  };
}

export function auditDeployment(d: Deployment): AuditRecord['deployment'] {
  return {
    key: d.key,
    account: d.account.name,
    accountId: d.account.id,
    region: d.region,
    project: d.project,
    services: d.services,
    file: d.file,
    sha256: d.sha256,
  };
}

export const actorOf = (): string => process.env.GITHUB_ACTOR ?? process.env.USER ?? 'unknown';

/**
 * A stale lock or lease a deployment broke to take its key: said in its log, as a warning, and
 * audited as an `unlock` of the key (a failing sink is noted in the log; the run goes on).
 */
export async function reportBrokenLock(
  engine: Engine,
  ctx: DeploymentContext,
  message: string,
  startedAt: number,
): Promise<void> {
  ctx.log(`# ${message}\n`);
  engine.events.emit('notice', { level: 'warn', key: ctx.deployment.key, message });
  const record = stateActionRecord({
    key: ctx.deployment.key,
    deployment: ctx.deployment,
    action: 'unlock',
    outcome: 'applied',
    runId: ctx.run.id,
    startedAt,
    output: `${message}\n`,
  });
  await engine.hooks.audit.promise(record).catch((err: unknown) => {
    ctx.log(`# the audit of the broken lock failed: ${String(err)}\n`);
  });
}
