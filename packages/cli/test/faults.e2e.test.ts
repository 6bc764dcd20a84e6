import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { resolveTerraformBinary } from '@tfo/engine/testing';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  byKey,
  readState,
  slowRepo,
  slowTfvars,
  tfoJson,
  writeConfig,
  ACCOUNTS,
  SLOW_MODULE,
  REPO,
} from './support.js';

/** The fake runs the real binary for everything but the injected fault. */
const REAL = { FAKE_TF_REAL: resolveTerraformBinary('auto', REPO) };
const FAKE = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'fixtures/fake-terraform.mjs');
const keyOf = (project: string): string => `s3/acme-dev/us-east-1/${project}/terraform.tfstate`;

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

async function waitForText(dir: string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const runs = path.join(dir, '.tfo/runs');
    for (const f of existsSync(runs) ? await readdir(runs, { recursive: true }) : []) {
      if (!String(f).endsWith('terraform.log')) continue;
      if ((await readFile(path.join(runs, String(f)), 'utf8')).includes(text)) return;
    }
    await sleep(100);
  }
  throw new Error(`no log showed "${text}" within ${timeoutMs} ms`);
}

describe('interruption, timeouts and crashes', () => {
  it('Ctrl-C mid-apply stops scheduling, interrupts terraform once, and leaves no lock and no corrupt state', async () => {
    const files: Record<string, string> = {};
    for (const p of ['p1', 'p2', 'p3', 'p4'])
      files[`dev/${p}/${p}.tfvars`] = slowTfvars({ a: { sleep_seconds: 1 }, b: { sleep_seconds: 20 } });
    const dir = await slowRepo(files);
    const child = execa('node', [BIN, 'apply', '--max-workers', '2', '--json'], {
      cwd: dir,
      reject: false,
      env: { CI: 'true', NO_COLOR: '1' },
    });
    await waitForText(dir, 'terraform_data.bucket["a"]: Creation complete', 60_000);
    child.kill('SIGINT');
    const out = await child;
    expect(out.exitCode).toBe(130);
    const result = JSON.parse(out.stdout) as {
      cancelled: boolean;
      deployments: Array<{ key: string; status: string }>;
    };
    expect(result.cancelled).toBe(true);
    expect(result.deployments.every((d) => d.status === 'cancelled')).toBe(true);
    expect(await listFiles(path.join(dir, '.tfo/locks'))).toEqual([]);
    for (const d of result.deployments) {
      const file = path.join(dir, '.tfo/state', d.key);
      if (!existsSync(file)) continue;
      const text = await readFile(file, 'utf8');
      if (text.length === 0) continue;
      const state = JSON.parse(text) as { serial: number; lineage: string };
      expect(typeof state.serial).toBe('number');
      expect(typeof state.lineage).toBe('string');
    }
    // no terraform of this run is still alive
    const ps = await execa('ps', ['-eo', 'args'], { reject: false });
    expect(ps.stdout).not.toContain(dir);
  });

  it('a deployment past its timeout is interrupted, reported as a timeout, and rolled back', async () => {
    const dir = await slowRepo(
      { 'dev/slow/slow.tfvars': slowTfvars({ a: { sleep_seconds: 0 }, z: { sleep_seconds: 60 } }) },
      { timeoutSeconds: 4, interruptGraceSeconds: 5 },
    );
    const { code, result } = await tfoJson(['apply'], dir);
    expect(code).toBe(1);
    const d = byKey(result, keyOf('slow'));
    expect(d.error?.code).toBe('TFO_ERR_TIMEOUT');
    expect(d.recovery?.ok).toBe(true);
    expect(await listFiles(path.join(dir, '.tfo/locks'))).toEqual([]);
  });

  it('terraform that ignores SIGINT past its timeout is killed after the grace period', async () => {
    const dir = await slowRepo({ 'dev/hang/hang.tfvars': slowTfvars({ a: {} }) });
    await writeConfig(dir, {
      deploymentsDir: 'deployments',
      rootModule: SLOW_MODULE,
      accounts: ACCOUNTS,
      terraformBinary: FAKE,
      timeoutSeconds: 8,
      interruptGraceSeconds: 2,
    });
    const started = Date.now();
    const { code, result } = await tfoJson(['apply'], dir, { ...REAL, FAKE_TF_MODE: 'hang' });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(120_000);
    const d = byKey(result, keyOf('hang'));
    expect(d.error?.stage).toBe('apply');
    expect(d.error?.code).toBe('TFO_ERR_TIMEOUT');
    expect(await listFiles(path.join(dir, '.tfo/locks'))).toEqual([]);
  });

  it('a crash that leaves the state truncated is recovered by restoring the backup', async () => {
    const dir = await slowRepo({ 'dev/crash/crash.tfvars': slowTfvars({ a: { note: 'v1' } }) });
    expect((await tfoJson(['apply'], dir)).code).toBe(0);
    const good = await readState(dir, keyOf('crash'));
    await writeFile(path.join(dir, 'deployments/dev/crash/crash.tfvars'), slowTfvars({ a: { note: 'v2' } }));
    await writeConfig(dir, {
      deploymentsDir: 'deployments',
      rootModule: SLOW_MODULE,
      accounts: ACCOUNTS,
      terraformBinary: FAKE,
    });
    const { code, result } = await tfoJson(['apply'], dir, { ...REAL, FAKE_TF_MODE: 'crash' });
    expect(code).toBe(1);
    const d = byKey(result, keyOf('crash'));
    expect(d.recovery).toMatchObject({ action: 'restore-backup', ok: true });
    const restored = await readState(dir, keyOf('crash'));
    expect(restored.serial).toBe(good.serial);
    expect(restored.lineage).toBe(good.lineage);
  });

  it('a second run waits for the lock another run holds on the same key, then fails cleanly after its lock timeout', async () => {
    const dir = await slowRepo(
      { 'dev/busy/busy.tfvars': slowTfvars({ a: { sleep_seconds: 12 } }) },
      { lockTimeoutSeconds: 2 },
    );
    const first = execa('node', [BIN, 'apply', '--json'], { cwd: dir, reject: false, env: { CI: 'true' } });
    await waitForText(dir, '$ terraform plan', 60_000);
    const second = await tfoJson(['apply'], dir);
    expect(byKey(second.result, keyOf('busy')).error?.code).toBe('TFO_ERR_LOCKED');
    const firstOut = await first;
    expect(firstOut.exitCode).toBe(0);
    expect(await listFiles(path.join(dir, '.tfo/locks'))).toEqual([]);
  });
});
