// The `policy` capability opa() provides: a plan's findings after waivers, the same the validate
// tap gives its deployment; and `tfo policy` is contributed by the plugin, not built into the CLI.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, type Deployment, type Finding, type PlanJson } from '@tfo/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { opa } from '../src/index.js';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const engines: Engine[] = [];

afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

describe('opa() provides policy', () => {
  it('evaluate gives the findings the validate tap gives, waivers applied', async () => {
    const plan = JSON.parse(
      await readFile(path.join(REPO, 'packages/plugin-opa/policies/s3/testdata/public.plan.json'), 'utf8'),
    ) as PlanJson;
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-opa-capability-'));
    const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
    const bare = new Engine(resolveSettings(config, dir), [
      opa({ policies: [path.join(REPO, 'packages/plugin-opa/policies')] }),
    ]);
    engines.push(bare);
    const deployment = { file: 'deployments/dev/app.tfvars' } as Deployment;
    const before = await bare.require('policy', 'add opa()').evaluate(plan, deployment);
    const denied = before.find((f) => f.level === 'deny');
    expect(denied, 'the public fixture has a failure').toBeDefined();
    expect(denied?.waived).toBeFalsy();

    const waiver = {
      rule: denied!.ruleId,
      resource: denied!.resource ?? '*',
      reason: 'accepted for the test fixture',
      expires: '2999-12-31',
      approver: 'security',
    };
    const engine = new Engine(resolveSettings(config, dir), [
      opa({ policies: [path.join(REPO, 'packages/plugin-opa/policies')], waivers: [waiver] }),
    ]);
    engines.push(engine);
    const after = await engine.require('policy', 'add opa()').evaluate(plan, deployment);
    const same = (f: Finding): boolean => f.ruleId === denied!.ruleId && f.resource === denied!.resource;
    expect(after.find(same)?.waived).toBeTruthy();

    const ctx = { plan: { json: plan }, deployment, findings: [] as Finding[] };
    await engine.hooks.validate.promise(ctx as never);
    expect(ctx.findings).toEqual(after);
    expect(engine.commands.map((c) => [c.plugin, c.spec.name])).toEqual([['opa', 'policy']]);
  });
});
