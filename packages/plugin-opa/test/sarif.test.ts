import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, redactText, shownRun, type Finding, type RunResult } from '@tfo/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSarif, opa, repoPrefix, toFindings, writeSarif, type EvaluateResult } from '../src/index.js';

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  help: { text: string };
  properties: Record<string, unknown> & { tags: string[] };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
  partialFingerprints?: Record<string, string>;
  properties: { unknown: boolean; profile?: string };
  suppressions?: Array<{ kind: string; justification: string }>;
}
interface Sarif {
  version: string;
  runs: Array<{ tool: { driver: { rules: SarifRule[] } }; results: SarifResult[] }>;
}

const FILE = 'deployments/dev/app.tfvars';
const RESULT: Pick<EvaluateResult, 'deny' | 'warn' | 'metadata'> = {
  deny: [
    {
      id: 'TFO-VPC-001',
      resource: 'aws_security_group.web',
      message: 'port 22 is open to 0.0.0.0/0 and ::/0 (from 10.1.2.3 by ops@acme.example)',
    },
    { id: 'TFO-KMS-001', resource: 'aws_kms_key.k', message: 'key policy grants arn:aws:iam::123456789012:root' },
  ],
  warn: [
    { id: 'TFO-IAM-009', resource: 'aws_iam_role.r', message: 'no permissions boundary' },
    {
      id: 'TFO-VPC-001',
      resource: 'aws_security_group.db',
      message: 'ingress is unknown until apply: this rule cannot decide it yet',
      unknown: true,
    },
  ],
  metadata: {
    'TFO-VPC-001': {
      title: 'Security group open to the world',
      severity: 'critical',
      cis: '5.2',
      remediation: 'Narrow it.',
    },
    'TFO-KMS-001': { title: 'Key policy open', severity: 'high', cis: null, remediation: 'Name principals.' },
    'TFO-IAM-009': { title: 'No permissions boundary', severity: 'low', cis: null, profile: 'strict' },
  },
};

const findings = (): Finding[] => toFindings(RESULT, FILE, 'deny', { profile: 'strict' });
const sarifOf = async (fs: Finding[], options = {}): Promise<Sarif> =>
  (await buildSarif(fs, () => 3, { metadata: RESULT.metadata, ...options })) as Sarif;

describe('SARIF for code scanning', () => {
  it('rules carry security-severity in GitHub bands, precision, and profile and CIS tags', async () => {
    const { rules } = (await sarifOf(findings())).runs[0]!.tool.driver;
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId['TFO-VPC-001']!.properties).toMatchObject({
      severity: 'critical',
      'security-severity': '9.5',
      precision: 'high',
      profile: 'baseline',
      cis: '5.2',
      tags: ['terraform', 'security', 'profile:baseline', 'cis:5.2'],
    });
    expect(byId['TFO-KMS-001']!.properties).toMatchObject({ 'security-severity': '8.0', precision: 'high' });
    expect(byId['TFO-KMS-001']!.properties.tags).not.toContain('cis:null');
    expect(byId['TFO-IAM-009']!.properties).toMatchObject({
      'security-severity': '3.0',
      precision: 'medium',
      tags: ['terraform', 'security', 'profile:strict'],
    });
    const band = (s: string): string => {
      const n = Number(s);
      return n >= 9 ? 'critical' : n >= 7 ? 'high' : n >= 4 ? 'medium' : n >= 0.1 ? 'low' : 'none';
    };
    for (const r of rules) expect(band(r.properties['security-severity'] as string)).toBe(r.properties.severity);
  });

  it('results carry the fingerprint, unknown and profile, and point at their rule', async () => {
    const fs = findings();
    const sarif = await sarifOf(fs);
    const { results, tool } = sarif.runs[0]!;
    expect(results).toHaveLength(4);
    results.forEach((r, i) => {
      expect(r.partialFingerprints).toEqual({ 'tfoFinding/v1': fs[i]!.fingerprint });
      expect(r.properties).toEqual({ unknown: fs[i]!.unknown, profile: fs[i]!.profile });
      expect(tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: FILE }, region: { startLine: 3 } });
    });
    const unknown = results.find((r) => r.properties.unknown)!;
    expect(unknown).toMatchObject({ ruleId: 'TFO-VPC-001', level: 'warning' });
    expect(results.filter((r) => r.level === 'error').map((r) => r.ruleId)).toEqual(['TFO-KMS-001', 'TFO-VPC-001']);
  });

  it('redacts every text but keeps non-secret addresses readable', async () => {
    const text = JSON.stringify(await sarifOf(findings()));
    expect(text).not.toContain('123456789012');
    expect(text).not.toContain('10.1.2.3');
    expect(text).not.toContain('ops@acme.example');
    expect(text).toContain('port 22 is open to 0.0.0.0/0 and ::/0 (from ***.***.***.*** by ***@***)');
    expect(text).toContain('arn:aws:iam::***:root');
  });

  it('redacts through the redactor it is given (the plugin passes the pooled one with sensitive values)', async () => {
    const fs = findings().map((f) =>
      f.ruleId === 'TFO-IAM-009' ? { ...f, message: 'token hunter2-swordfish leaked' } : f,
    );
    const seen: string[][] = [];
    const sarif = await sarifOf(fs, {
      redact: async (texts: readonly string[]) => {
        seen.push([...texts]);
        return texts.map((t) => redactText(t, { sensitive: ['hunter2-swordfish'] }));
      },
    });
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(sarif)).not.toContain('hunter2-swordfish');
    expect(JSON.stringify(sarif)).toContain('aws_iam_role.r: token *** leaked');
  });

  it('a waived finding is a note with its suppression, fingerprint unchanged', async () => {
    const fs = findings();
    const waived = fs.map((f, i) =>
      i === 0 ? { ...f, waived: { reason: 'accepted by 10.9.9.9', expires: '2999-01-01' } } : f,
    );
    const results = (await sarifOf(waived)).runs[0]!.results;
    expect(results[0]).toMatchObject({
      level: 'note',
      suppressions: [{ kind: 'external', justification: 'accepted by ***.***.***.***' }],
      partialFingerprints: { 'tfoFinding/v1': fs[0]!.fingerprint },
    });
  });
});

describe('the plugin writes the run SARIF redacted with the run sensitive values', () => {
  const engines: Engine[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });

  it('in the run folder by default, in the worker pool', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-sarif-'));
    await mkdir(path.join(dir, 'deployments', 'dev'), { recursive: true });
    await writeFile(path.join(dir, FILE), 'account_key = "dev"\nsecurity_groups = {\n  web = {}\n}\n');
    const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
    const engine = new Engine(resolveSettings(config, dir), [opa({ policies: ['./policies'] })]);
    engines.push(engine);
    engine.sensitive.add('correct-horse-battery');
    const fs = findings().map((f, i) => (i === 0 ? { ...f, message: `${f.message}: correct-horse-battery` } : f));
    const runDir = path.join(dir, '.tfo', 'runs', 'r1');
    const result = {
      run: { id: 'r1', dir: runDir },
      deployments: [{ findings: fs }],
      problems: [],
    } as unknown as RunResult;
    await engine.hooks.report.promise(result, await shownRun(engine, result));
    expect(result.problems).toEqual([]);
    const text = await readFile(path.join(runDir, 'policy.sarif'), 'utf8');
    expect(text).not.toContain('correct-horse-battery');
    expect(text).not.toContain('123456789012');
    const sarif = JSON.parse(text) as Sarif;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.partialFingerprints?.['tfoFinding/v1'])).toEqual(
      fs.map((f) => f.fingerprint),
    );
    // the security group finding is located at its service key in the tfvars
    expect(
      sarif.runs[0]!.results.find((r) => r.ruleId === 'TFO-VPC-001')!.locations[0]!.physicalLocation.region,
    ).toEqual({
      startLine: 2,
    });
  });

  it('locates results by repository-relative paths when the config sits in a subfolder', async () => {
    const repo = await mkdtemp(path.join(tmpdir(), 'tfo-sarif-repo-'));
    await mkdir(path.join(repo, '.git'));
    const cwd = path.join(repo, 'infra', 'network');
    await mkdir(path.join(cwd, 'deployments', 'dev'), { recursive: true });
    expect(repoPrefix(cwd)).toBe('infra/network/');
    expect(repoPrefix(repo)).toBe('');
    const file = path.join(cwd, 'policy.sarif');
    await writeSarif(file, { deployments: [{ findings: findings() }] } as unknown as RunResult, cwd);
    const sarif = JSON.parse(await readFile(file, 'utf8')) as Sarif;
    expect(new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(
      new Set([`infra/network/${FILE}`]),
    );
  });

  it('writeSarif alone (without the plugin) still redacts with the engine patterns', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-sarif-'));
    const file = path.join(dir, 'out', 'policy.sarif');
    await writeSarif(file, { deployments: [{ findings: findings() }] } as unknown as RunResult, dir);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('123456789012');
    expect(text).toContain('0.0.0.0/0');
  });
});
