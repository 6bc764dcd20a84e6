import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readState, slowRepo, slowTfvars, tfo, tfoJson } from './support.js';

const KEY = 's3/acme-dev/us-east-1/app/terraform.tfstate';

describe('tfo state and --changed-from', () => {
  it('history lists backups and runs; restore puts a backup back, lists what it orphans, and guards lineage', async () => {
    const dir = await slowRepo({ 'dev/app/app.tfvars': slowTfvars({ a: {} }) });
    const file = path.join(dir, 'deployments/dev/app/app.tfvars');
    expect((await tfoJson(['apply'], dir)).code).toBe(0);
    const v1 = await readState(dir, KEY);
    await writeFile(file, slowTfvars({ a: {}, b: {} }));
    expect((await tfoJson(['apply'], dir)).code).toBe(0);

    const history = await tfo(['state', 'history', KEY, '--json'], dir);
    expect(history.exitCode).toBe(0);
    const h = JSON.parse(history.stdout) as {
      backups: Array<{ serial: number; kind: string; location: string }>;
      runs: Array<{ status: string }>;
    };
    // each apply leaves a post-apply backup (its last known-good); the second also a pre-apply one
    expect(h.backups.map((b) => b.kind)).toEqual(['post-apply', 'pre-apply', 'post-apply']);
    expect(h.backups[1]!.serial).toBe(v1.serial);
    expect(h.runs.map((r) => r.status)).toEqual(['applied', 'applied']);

    const to = path.basename(h.backups[1]!.location);
    const restore = await tfo(['state', 'restore', 's3/acme-dev/us-east-1/app', '--to', to], dir);
    expect(restore.exitCode, restore.all).toBe(0);
    expect(restore.stdout).toContain('terraform_data.bucket["b"]');
    expect((await readState(dir, KEY)).serial).toBe(v1.serial);

    // a deleted state is no first deployment: the next apply stops before plan
    await rm(path.join(dir, '.tfo/state', KEY));
    const stopped = await tfoJson(['apply'], dir);
    expect(stopped.code).toBe(1);
    expect(stopped.result.deployments[0]!.error?.code).toBe('TFO_ERR_STATE_DAMAGED');

    // a state of another lineage is not overwritten without --force
    const foreign = { version: 4, serial: 1, lineage: 'other', outputs: {}, resources: [] };
    await writeFile(path.join(dir, '.tfo/state', KEY), JSON.stringify(foreign));
    const refused = await tfo(['state', 'restore', KEY], dir);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/TFO_ERR_LINEAGE/);
    const forced = await tfo(['state', 'restore', KEY, '--force'], dir);
    expect(forced.exitCode, forced.all).toBe(0);
    const list = await tfo(['state', 'list', '--json'], dir);
    expect((JSON.parse(list.stdout) as Array<{ key: string }>).map((r) => r.key)).toEqual([KEY]);
  });

  it('--changed-from runs only changed tfvars and reports deleted ones without destroying them', async () => {
    const dir = await slowRepo({
      'dev/one/one.tfvars': slowTfvars({ a: {} }),
      'dev/two/two.tfvars': slowTfvars({ a: {} }),
      'dev/three/three.tfvars': slowTfvars({ a: {} }),
    });
    const git = (...args: string[]) => execa('git', args, { cwd: dir });
    await git('init', '-q');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
    await writeFile(path.join(dir, 'deployments/dev/two/two.tfvars'), slowTfvars({ a: { note: 'changed' } }));
    await rm(path.join(dir, 'deployments/dev/three/three.tfvars'));
    const { result } = await tfoJson(['plan', '--changed-from', 'HEAD'], dir);
    expect(result.deployments.map((d) => d.key)).toEqual(['s3/acme-dev/us-east-1/two/terraform.tfstate']);
    const full = JSON.parse((await tfo(['list', '--json', '--changed-from', 'HEAD'], dir)).stdout) as {
      deleted: Array<{ file: string; reason: string }>;
    };
    expect(full.deleted.map((d) => d.file)).toEqual(['deployments/dev/three/three.tfvars']);
    expect(full.deleted[0]!.reason).toMatch(/not destroyed/i);
  });
});
