import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { actorOf, auditDeployment } from './audit-records.js';
import type { Engine } from './engine.js';
import type { KeyJournal, UnfinishedRun } from './journal.js';
import type { AuditRecord, DeploymentContext, StageTiming } from '../model.js';
import type { OutputLog } from '../terraform/output-log.js';

/** History and the audit record of the interrupted apply, as its own run would have written them. */
export async function settleReconciled(
  engine: Engine,
  ctx: DeploymentContext,
  old: UnfinishedRun,
  k: KeyJournal,
  started: number,
  log: OutputLog,
): Promise<void> {
  const d = ctx.deployment;
  const at = new Date().toISOString();
  const durationMs = Date.now() - Date.parse(k.start.at);
  await engine.history.append(d.key, {
    runId: old.runId,
    at,
    file: d.file,
    status: ctx.status,
    durationMs,
    sha256: d.sha256,
  });
  if (ctx.status === 'applied') {
    const tfvars = await readFile(ctx.varFile, 'utf8');
    const sha256 = createHash('sha256').update(tfvars).digest('hex');
    await engine.history.setLastGood(d.key, { runId: old.runId, at, file: d.file, sha256, tfvars });
  }
  const timings: StageTiming[] = [];
  for (const s of k.stages) {
    if (s.phase === 'start') timings.push({ stage: s.stage, startedAt: Date.parse(s.at) });
    else {
      const open = timings.findLast((t) => t.stage === s.stage && t.endedAt === undefined);
      if (open) Object.assign(open, { endedAt: Date.parse(s.at), ok: s.ok });
    }
  }
  const record: AuditRecord = {
    id: randomUUID(),
    timestamp: at,
    action: ctx.recovery ? 'recover' : 'apply',
    runId: old.runId,
    deployment: auditDeployment(d),
    actor: actorOf(),
    outcome: ctx.status,
    findings: [],
    recovery: ctx.recovery,
    timings: [...timings, ...ctx.timings.map((t) => ({ ...t, startedAt: Math.max(t.startedAt, started) }))],
    output: `# interrupted apply of run ${old.runId}, reconciled by run ${ctx.run.id}\n${log.text()}`,
  };
  await engine.hooks.audit.promise(record);
}
