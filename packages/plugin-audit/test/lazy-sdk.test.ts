// A config with only the file sink never loads the AWS SDK: a real run (fake terraform, the audit
// plugin with its default file sink) in a child node process, whose loaded modules are listed by
// a module hook. The S3 sink, once it connects, does load it: the check sees an SDK load.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadedModules, modulesOfScope } from '../../../scripts/lib/loaded-modules.mjs';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', AWS_EC2_METADATA_DISABLED: 'true' };

/** A child that runs `apply` over three deployments with the given audit options, then verifies the trail. */
const runWith = (auditOptions: string): string => `
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, executeRun, STAGE } from '@tfo/engine';
import { audit, auditDir, s3Sink, verifyChain } from '@tfo/plugin-audit';

const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-lazy-'));
try {
  await mkdir(path.join(dir, 'modules/app'), { recursive: true });
  await writeFile(path.join(dir, 'modules/app/main.tf'), 'terraform {}\\n');
  for (const p of ['api', 'web', 'data']) {
    await mkdir(path.join(dir, 'deployments', p), { recursive: true });
    await writeFile(path.join(dir, 'deployments', p, p + '.tfvars'), 'account_key = "dev"\\nregion_code = "use1"\\ns3_buckets = {}\\n');
  }
  const fake = {
    name: 'test:fake',
    apply(engine) {
      const t = { name: 'test:fake', stage: STAGE.NORMAL };
      engine.hooks.lock.tapPromise(t, async (ctx) => ({ key: ctx.deployment.key, holder: 't', release: async () => undefined }));
      engine.hooks.plan.tapPromise(t, async () => ({
        hasChanges: true, planFile: 'x', json: { format_version: '1.2', resource_changes: [] },
        changes: { add: 1, change: 0, destroy: 0, replace: 0 },
      }));
      engine.hooks.backup.tapPromise(t, async () => undefined);
      engine.hooks.apply.tapPromise(t, async () => true);
      engine.hooks.verify.tapPromise(t, async (ctx) => { ctx.verify = { ok: true, detail: 'fake' }; });
    },
  };
  const config = configSchema.parse({
    deploymentsDir: 'deployments', rootModule: 'modules/app',
    accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
    terraformBinary: process.execPath, providerMirror: 'none',
  });
  const plugin = audit(${auditOptions});
  const engine = new Engine(resolveSettings(config, dir, { maxWorkers: 2 }), [fake, plugin]);
  const result = await executeRun(engine, { mode: 'apply' });
  const trail = await verifyChain(auditDir(engine));
  await engine.close();
  console.log(JSON.stringify({ exitCode: result.exitCode, problems: result.problems, ok: trail.ok, records: trail.records }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
`;

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

describe('the AWS SDK is loaded only by the sinks that use it', () => {
  it('a run with the file sink alone writes its trail and loads no @aws-sdk or @smithy module', async () => {
    const { modules, stdout } = await loadedModules(runWith('{}'), { cwd: PKG, env });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ exitCode: 0, problems: [], ok: true, records: 3 });
    // the child did load the audit plugin and @tfo/aws (built), just not the SDK
    expect(modules.some((m) => m.includes(`plugin-audit${path.sep}dist${path.sep}s3-sink.js`))).toBe(true);
    expect(modules.some((m) => m.includes(`aws${path.sep}dist${path.sep}client-cache.js`))).toBe(true);
    expect(modulesOfScope(modules, '@aws-sdk')).toEqual([]);
    expect(modulesOfScope(modules, '@smithy')).toEqual([]);
  }, 60_000);

  it('with an S3 sink, the SDK is loaded once the sink connects (the check sees it)', async () => {
    const bucket = 'tfo-lazy-audit';
    // the bucket is missing: each record's write reaches S3 and fails, a run problem
    const { modules, stdout } = await loadedModules(
      runWith(
        `{ sinks: [s3Sink({ bucket: '${bucket}', endpoint: '${moto.endpoint}', forcePathStyle: true, anchor: false })], failClosed: false }`,
      ),
      { cwd: PKG, env },
    );
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as { exitCode: number; problems: unknown[] };
    expect(out.exitCode).toBe(1);
    expect(JSON.stringify(out.problems)).toMatch(/audit sink s3 failed for 3 record\(s\)/);
    expect(modulesOfScope(modules, '@aws-sdk').some((m) => m.includes('client-s3'))).toBe(true);
    expect(modulesOfScope(modules, '@aws-sdk').some((m) => m.includes('client-dynamodb'))).toBe(false);
  }, 60_000);
});
