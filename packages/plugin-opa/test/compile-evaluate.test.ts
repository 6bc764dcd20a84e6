import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, TfoError, type PlanJson } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createTar } from 'tar';
import { compilePolicies, evaluatePlan, fileFromTarGz, toFindings, type CompiledPolicy } from '../src/index.js';

const POLICIES = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../policies');

const RULES = `package tfo.rules.demo

import data.tfo.lib

metadata := {"TFO-DEMO-001": {"title": "Public thing", "severity": "high", "cis": null, "remediation": "Make it private."}}

deny contains lib.finding("TFO-DEMO-001", r.address, "is public") if {
	some r in lib.configured("terraform_data")
	r.after.input.public == true
}

warn contains lib.unknown_finding("TFO-DEMO-001", r.address, "input") if {
	some r in lib.configured("terraform_data")
	lib.is_unknown(r, "input")
}
`;

function plan(resources: Array<{ key: string; input?: unknown; unknown?: boolean }>, format = '1.2'): PlanJson {
  return {
    format_version: format,
    terraform_version: '1.11.4',
    resource_changes: resources.map((r) => ({
      address: `terraform_data.x["${r.key}"]`,
      type: 'terraform_data',
      name: 'x',
      mode: 'managed',
      index: r.key,
      change: {
        actions: ['create'],
        before: null,
        after: r.unknown ? {} : { input: r.input },
        after_unknown: r.unknown ? { input: true, id: true } : { id: true },
        before_sensitive: false,
        after_sensitive: {},
      },
    })),
    configuration: { root_module: { resources: [] } },
  } as PlanJson;
}

async function policyDir(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-opa-'));
  await cp(path.join(POLICIES, 'main.rego'), path.join(dir, 'main.rego'));
  await cp(path.join(POLICIES, 'lib'), path.join(dir, 'lib'), { recursive: true });
  for (const [rel, text] of Object.entries(extra)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

let engine: Engine;
let policy: CompiledPolicy;
let cache: string;

beforeAll(async () => {
  cache = await mkdtemp(path.join(tmpdir(), 'tfo-opa-cache-'));
  const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
  engine = new Engine(resolveSettings(config, cache), []);
  policy = await compilePolicies([await policyDir({ 'demo/demo.rego': RULES })], cache, process.cwd());
});

afterAll(async () => {
  await engine?.close();
});

describe('compiled policies evaluated in the worker pool', () => {
  it('denies, passes, and reports unknown values as warnings with metadata', async () => {
    const result = await evaluatePlan(
      engine,
      policy,
      plan([
        { key: 'a', input: { public: true } },
        { key: 'b', input: { public: false } },
        { key: 'c', unknown: true },
      ]),
      'd/x.tfvars',
      { data: {}, maxMemoryMiB: 64 },
    );
    const findings = toFindings(result, 'd/x.tfvars', 'deny');
    expect(findings.map((f) => [f.level, f.ruleId, f.resource])).toEqual([
      ['deny', 'TFO-DEMO-001', 'terraform_data.x["a"]'],
      ['warn', 'TFO-DEMO-001', 'terraform_data.x["c"]'],
    ]);
    expect(findings[0]).toMatchObject({
      title: 'Public thing',
      severity: 'high',
      remediation: 'Make it private.',
      file: 'd/x.tfvars',
    });
  });

  it('caches the compiled module by source hash', async () => {
    const dir = await policyDir({ 'demo/demo.rego': RULES });
    const again = await compilePolicies([dir], cache, process.cwd());
    expect(again).toEqual(policy);
  });

  it('refuses a plan of an unknown major format version', async () => {
    await expect(
      evaluatePlan(engine, policy, plan([{ key: 'a', input: {} }], '2.0'), 'd/x.tfvars', {
        data: {},
        maxMemoryMiB: 64,
      }),
    ).rejects.toMatchObject({ code: 'TFO_ERR_PLAN_FORMAT' });
  });

  it('fails an evaluation whose plan does not fit the memory limit, naming the limit', async () => {
    const big = plan(
      Array.from({ length: 3000 }, (_, i) => ({ key: `k${i}`, input: { public: false, pad: 'x'.repeat(200) } })),
    );
    await expect(evaluatePlan(engine, policy, big, 'd/x.tfvars', { data: {}, maxMemoryMiB: 1 })).rejects.toThrow(
      /does not fit in 64 KiB|memory/,
    );
  });

  it('refuses a finding whose rule has no metadata', () => {
    expect(() =>
      toFindings({ deny: [{ id: 'TFO-X-001', resource: 'a', message: 'm' }], warn: [], metadata: {} }, 'f', 'deny'),
    ).toThrow(/TFO-X-001 has no metadata/);
  });
});

describe('policy build errors', () => {
  it('a Rego syntax error names the file and line', async () => {
    const dir = await policyDir({ 'bad/bad.rego': 'package tfo.rules.bad\n\ndeny contains x if {\n  x := \n}\n' });
    const err = (await compilePolicies([dir], cache, process.cwd()).catch((e: unknown) => e)) as TfoError;
    expect(err).toBeInstanceOf(TfoError);
    expect(err.code).toBe('TFO_ERR_POLICY_BUILD');
    expect(err.file).toMatch(/bad\.rego$/);
    expect(err.line).toBeGreaterThanOrEqual(3);
  });

  it('a builtin the wasm SDK cannot run fails the build', async () => {
    const dir = await policyDir({
      'now/now.rego':
        'package tfo.rules.now\n\nmetadata := {}\n\ndeny contains x if {\n  x := {"id": "T", "message": sprintf("%d", [time.now_ns()])}\n}\n',
    });
    const err = (await compilePolicies([dir], cache, process.cwd()).catch((e: unknown) => e)) as TfoError;
    expect(err.code).toBe('TFO_ERR_POLICY_BUILD');
    expect(err.message).toMatch(/time\.now_ns/);
  });
});

describe('reading one file out of a gzipped tar', () => {
  it('finds a file by its name in the archive (with or without ./), and nothing else', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-tar-'));
    await mkdir(path.join(dir, 'src', 'deep'), { recursive: true });
    const wasm = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await writeFile(path.join(dir, 'src', 'policy.wasm'), wasm);
    await writeFile(path.join(dir, 'src', 'deep', 'data.json'), '{"a":1}');
    const archive = path.join(dir, 'bundle.tar.gz');
    await createTar({ gzip: true, file: archive, cwd: path.join(dir, 'src') }, ['./policy.wasm', 'deep']);
    expect(await fileFromTarGz(archive, 'policy.wasm')).toEqual(wasm);
    expect((await fileFromTarGz(archive, 'deep/data.json'))?.toString()).toBe('{"a":1}');
    expect(await fileFromTarGz(archive, 'missing.wasm')).toBeUndefined();
  });

  it('refuses an archive that is not a gzipped tar, or is cut short', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-tar-'));
    await writeFile(path.join(dir, 'bad.tar.gz'), 'not a tar at all');
    await expect(fileFromTarGz(path.join(dir, 'bad.tar.gz'), 'policy.wasm')).rejects.toThrow();
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'policy.wasm'), randomBytes(70_000));
    const archive = path.join(dir, 'bundle.tar.gz');
    await createTar({ gzip: true, file: archive, cwd: path.join(dir, 'src') }, ['policy.wasm']);
    const whole = await readFile(archive);
    await writeFile(archive, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(fileFromTarGz(archive, 'policy.wasm')).rejects.toThrow();
  });
});
