import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AuditRecord } from '@tfo/engine';
import { toAuditRecord, type AuditEntry } from '../src/index.js';

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-audit-'));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

let counter = 0;

/** An engine audit record; `over.deployment` fields merge into the default deployment. */
export function engineRecord(
  over: Partial<Omit<AuditRecord, 'deployment'>> & { deployment?: Partial<AuditRecord['deployment']> } = {},
): AuditRecord {
  counter += 1;
  const { deployment, ...rest } = over;
  return {
    id: `rec-${counter}`,
    timestamp: '2025-03-01T10:00:00.000Z',
    action: 'apply',
    runId: 'run-1',
    deployment: {
      key: 's3/acme-dev/us-east-1/api/terraform.tfstate',
      account: 'acme-dev',
      accountId: '111111111111',
      region: 'us-east-1',
      project: 'api',
      services: ['s3'],
      file: 'deployments/api/api.tfvars',
      sha256: 'a'.repeat(64),
      ...deployment,
    },
    actor: 'engine-actor',
    outcome: 'applied',
    findings: [],
    timings: [{ stage: 'plan', startedAt: 1_740_823_200_000, endedAt: 1_740_823_201_500, ok: true }],
    output: 'aws_s3_bucket.a: Creating...\nApply complete! Resources: 1 added, 0 changed, 0 destroyed.\n',
    ...rest,
  };
}

/** A schema entry from an engine record, with a fixed local environment. */
export function entry(over: Parameters<typeof engineRecord>[0] = {}): AuditEntry {
  return toAuditRecord(engineRecord(over), { ci: 'local', env: { USER: 'alice' } });
}
