import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, TfoError, type Finding } from '@tfo/engine';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyWaivers,
  compilePolicies,
  fingerprint,
  opa,
  opaBinary,
  opaOptionsSchema,
  policyMetadata,
  toFindings,
  type EvaluateResult,
} from '../src/index.js';

type Result = Pick<EvaluateResult, 'deny' | 'warn' | 'metadata'>;

/** TFO-A-001 baseline (declared), TFO-A-002 strict, TFO-A-003 declares no profile (baseline). */
const METADATA: Result['metadata'] = {
  'TFO-A-001': { title: 'Open to the world', severity: 'high', cis: '5.2', profile: 'baseline' },
  'TFO-A-002': { title: 'No permissions boundary', severity: 'low', cis: null, profile: 'strict' },
  'TFO-A-003': { title: 'No logging', severity: 'medium' },
};

const RESULT: Result = {
  deny: [
    { id: 'TFO-A-001', resource: 'aws_security_group.web', message: 'port 22 open to 0.0.0.0/0' },
    { id: 'TFO-A-003', resource: 'aws_s3_bucket.b', message: 'logging is off' },
  ],
  warn: [
    { id: 'TFO-A-002', resource: 'aws_iam_role.r', message: 'no permissions boundary' },
    {
      id: 'TFO-A-001',
      resource: 'aws_security_group.db',
      message: 'ingress is unknown until apply: this rule cannot decide it yet',
      unknown: true,
    },
  ],
  metadata: METADATA,
};

const FILE = 'deployments/dev/app.tfvars';
const rows = (findings: Finding[]): string[] =>
  findings.map((f) => `${f.level} ${f.ruleId} ${f.resource ?? ''}${f.unknown ? ' unknown' : ''} ${f.profile ?? '?'}`);

describe('toFindings: profiles', () => {
  it('baseline (the default) reports baseline rules only, and rules that declare no profile as baseline', () => {
    expect(rows(toFindings(RESULT, FILE, 'deny'))).toEqual([
      'deny TFO-A-003 aws_s3_bucket.b baseline',
      'warn TFO-A-001 aws_security_group.db unknown baseline',
      'deny TFO-A-001 aws_security_group.web baseline',
    ]);
    expect(toFindings(RESULT, FILE, 'deny', { profile: 'baseline' })).toEqual(toFindings(RESULT, FILE, 'deny'));
  });

  it('strict reports every rule, each finding carrying its rule profile', () => {
    expect(rows(toFindings(RESULT, FILE, 'deny', { profile: 'strict' }))).toEqual([
      'warn TFO-A-002 aws_iam_role.r strict',
      'deny TFO-A-003 aws_s3_bucket.b baseline',
      'warn TFO-A-001 aws_security_group.db unknown baseline',
      'deny TFO-A-001 aws_security_group.web baseline',
    ]);
  });

  it('an advisory finding of a baseline rule (lib.advisory) is strict; an override still wins', () => {
    const advisory: Result = {
      deny: [],
      warn: [
        { id: 'TFO-A-001', resource: 'aws_cloudwatch_log_group.g', message: 'no customer key', profile: 'strict' },
      ],
      metadata: METADATA,
    };
    expect(toFindings(advisory, FILE, 'deny')).toEqual([]);
    expect(rows(toFindings(advisory, FILE, 'deny', { profile: 'strict' }))).toEqual([
      'warn TFO-A-001 aws_cloudwatch_log_group.g strict',
    ]);
    expect(rows(toFindings(advisory, FILE, 'deny', { rules: { 'TFO-A-001': { profile: 'baseline' } } }))).toEqual([
      'warn TFO-A-001 aws_cloudwatch_log_group.g baseline',
    ]);
  });

  it('per-rule overrides: off drops a rule, baseline brings a strict rule into the baseline profile', () => {
    const out = toFindings(RESULT, FILE, 'deny', {
      rules: { 'TFO-A-003': { profile: 'off' }, 'TFO-A-002': { profile: 'baseline' } },
    });
    expect(rows(out)).toEqual([
      'warn TFO-A-002 aws_iam_role.r baseline',
      'warn TFO-A-001 aws_security_group.db unknown baseline',
      'deny TFO-A-001 aws_security_group.web baseline',
    ]);
    // strict on a baseline rule hides it in the baseline profile, shows it in strict
    const strictOnly = { rules: { 'TFO-A-003': { profile: 'strict' as const } } };
    expect(rows(toFindings(RESULT, FILE, 'deny', strictOnly)).some((r) => r.includes('TFO-A-003'))).toBe(false);
    expect(rows(toFindings(RESULT, FILE, 'deny', { ...strictOnly, profile: 'strict' }))).toContain(
      'deny TFO-A-003 aws_s3_bucket.b strict',
    );
  });
});

describe('toFindings: levels', () => {
  it('a level override demotes a deny and promotes a warn; an unknown finding stays warn', () => {
    const out = toFindings(RESULT, FILE, 'deny', {
      profile: 'strict',
      rules: { 'TFO-A-001': { level: 'warn' }, 'TFO-A-002': { level: 'deny' } },
    });
    expect(rows(out)).toEqual([
      'deny TFO-A-002 aws_iam_role.r strict',
      'deny TFO-A-003 aws_s3_bucket.b baseline',
      'warn TFO-A-001 aws_security_group.db unknown baseline',
      'warn TFO-A-001 aws_security_group.web baseline',
    ]);
    const promoted = toFindings(RESULT, FILE, 'deny', { rules: { 'TFO-A-001': { level: 'deny' } } });
    expect(promoted.find((f) => f.unknown)?.level).toBe('warn');
  });

  it('failOn warn makes warnings block, except findings unknown until apply', () => {
    const out = toFindings(RESULT, FILE, 'warn', { profile: 'strict', rules: { 'TFO-A-001': { level: 'warn' } } });
    expect(rows(out)).toEqual([
      'deny TFO-A-002 aws_iam_role.r strict',
      'deny TFO-A-003 aws_s3_bucket.b baseline',
      'warn TFO-A-001 aws_security_group.db unknown baseline',
      'deny TFO-A-001 aws_security_group.web baseline',
    ]);
  });

  it('every finding says whether it is unknown (false unless the rule said so)', () => {
    const out = toFindings(RESULT, FILE, 'deny', { profile: 'strict' });
    expect(out.map((f) => f.unknown)).toEqual([false, false, true, false]);
  });
});

describe('toFindings: refusals', () => {
  it('an override naming a rule the bundle lacks is a config error naming the id', () => {
    const err = (() => {
      try {
        toFindings(RESULT, FILE, 'deny', { rules: { 'TFO-A-009': { profile: 'off' } } });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as TfoError;
    expect(err).toBeInstanceOf(TfoError);
    expect(err.code).toBe('TFO_ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/TFO-A-009 is not a rule of the policy bundle/);
  });

  it('a metadata profile other than baseline or strict is a build error', () => {
    const bad: Result = {
      ...RESULT,
      metadata: { ...METADATA, 'TFO-A-003': { title: 't', severity: 'low', profile: 'x' } },
    };
    expect(() => toFindings(bad, FILE, 'deny')).toThrow(/TFO-A-003 has profile "x"/);
  });

  it('the options schema defaults to baseline with no overrides, and validates ids, profiles and levels', () => {
    const parsed = opaOptionsSchema.parse({ policies: ['p'] });
    expect(parsed.profile).toBe('baseline');
    expect(parsed.rules).toEqual({});
    const ok = { policies: ['p'], profile: 'strict', rules: { 'TFO-S3-004': { profile: 'off', level: 'warn' } } };
    expect(opaOptionsSchema.parse(ok).rules).toEqual({ 'TFO-S3-004': { profile: 'off', level: 'warn' } });
    for (const bad of [
      { policies: ['p'], profile: 'everything' },
      { policies: ['p'], rules: { 's3-004': { profile: 'off' } } },
      { policies: ['p'], rules: { 'TFO-S3-004': { profile: 'loud' } } },
      { policies: ['p'], rules: { 'TFO-S3-004': { level: 'block' } } },
      { policies: ['p'], rules: { 'TFO-S3-004': { severity: 'low' } } },
    ]) {
      expect(() => opa(bad as never), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'TFO_ERR_CONFIG_INVALID' }),
      );
    }
  });
});

describe('fingerprints', () => {
  it('follow the documented recipe', () => {
    const f = toFindings(RESULT, FILE, 'deny').find((x) => x.resource === 'aws_security_group.web')!;
    const text = JSON.stringify([
      'tfoFinding/v1',
      'TFO-A-001',
      FILE,
      'aws_security_group.web',
      'port 22 open to 0.0.0.0/0',
    ]);
    expect(f.fingerprint).toBe(createHash('sha256').update(text).digest('hex').slice(0, 32));
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('are stable across runs and across level, profile and waiver changes', () => {
    const first = toFindings(RESULT, FILE, 'deny', { profile: 'strict' });
    const again = toFindings(structuredClone(RESULT), FILE, 'warn', {
      profile: 'strict',
      rules: { 'TFO-A-001': { level: 'warn' }, 'TFO-A-002': { profile: 'baseline' } },
    });
    const waived = applyWaivers(again, [
      {
        rule: 'TFO-A-001',
        resource: '*',
        reason: 'accepted for the demo',
        expires: '2999-01-01',
        approver: 'secops',
      },
    ]);
    expect(waived.map((f) => f.fingerprint)).toEqual(first.map((f) => f.fingerprint));
  });

  it('differ when the rule, the file, the resource or the message differ', () => {
    const base = fingerprint('TFO-A-001', FILE, 'aws_security_group.web', 'm');
    const others = [
      fingerprint('TFO-A-002', FILE, 'aws_security_group.web', 'm'),
      fingerprint('TFO-A-001', 'deployments/prod/app.tfvars', 'aws_security_group.web', 'm'),
      fingerprint('TFO-A-001', FILE, 'aws_security_group.db', 'm'),
      fingerprint('TFO-A-001', FILE, 'aws_security_group.web', 'n'),
      fingerprint('TFO-A-001', FILE, undefined, 'm'),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
    // a Windows path names the same file
    expect(fingerprint('TFO-A-001', FILE.replace(/\//g, '\\'), 'aws_security_group.web', 'm')).toBe(base);
  });
});

describe('an override of a rule the bundle lacks stops the run at prepare', () => {
  const POLICIES = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../policies');
  const RULES = `package tfo.rules.demo

metadata := {"TFO-DEMO-001": {"title": "Public thing", "severity": "high", "cis": null, "remediation": "Make it private.", "profile": "strict"}}
`;
  const engines: Engine[] = [];
  // the policies are compiled in a temporary folder: find this repository's opa from here
  process.env.TFO_OPA ??= opaBinary(process.cwd());
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });

  async function setup(rules: Record<string, { profile?: 'off' }>): Promise<Engine> {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-opa-contract-'));
    await cp(path.join(POLICIES, 'main.rego'), path.join(dir, 'policies', 'main.rego'));
    await cp(path.join(POLICIES, 'lib'), path.join(dir, 'policies', 'lib'), { recursive: true });
    await mkdir(path.join(dir, 'policies', 'demo'), { recursive: true });
    await writeFile(path.join(dir, 'policies', 'demo', 'demo.rego'), RULES);
    const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
    const engine = new Engine(resolveSettings(config, dir), [opa({ policies: ['./policies'], rules })]);
    engines.push(engine);
    return engine;
  }

  const run = { id: 'r', dir: '/tmp', kind: 'plan' } as never;

  it('names the missing id; a known id passes, and the metadata reads the rule profile', async () => {
    const bad = await setup({ 'TFO-DEMO-002': { profile: 'off' } });
    await expect(bad.hooks.prepare.promise(run, [])).rejects.toThrow(/TFO-DEMO-002 is not a rule of the policy bundle/);
    const good = await setup({ 'TFO-DEMO-001': { profile: 'off' } });
    await expect(good.hooks.prepare.promise(run, [])).resolves.toBeUndefined();
    const policy = await compilePolicies(
      [path.join(good.settings.cwd, 'policies')],
      path.join(good.settings.stateDir, 'policy-cache'),
      good.settings.cwd,
    );
    const meta = await policyMetadata(good, policy, { data: {}, maxMemoryMiB: 64 });
    expect(meta['TFO-DEMO-001']).toMatchObject({ severity: 'high', profile: 'strict' });
  });
});
