// opa is needed only for an organisation's own Rego: without it, compiling (and `opa test`) stops
// with how to install opa on any platform and in GitHub Actions; the first-party set needs none.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TfoError } from '@tfo/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compilePolicies,
  FIRST_PARTY,
  FIRST_PARTY_BUNDLE,
  FIRST_PARTY_MANIFEST,
  FIRST_PARTY_POLICIES,
  OPA_VERSION,
  opaOptionsSchema,
  resolvePolicy,
  runPolicyTests,
} from '../src/index.js';

const ORG_RULE = 'package tfo.rules.org\n\nmetadata := {}\n';

let dir: string;
const saved = { PATH: process.env.PATH, TFO_OPA: process.env.TFO_OPA };

beforeEach(async () => {
  // outside this repository (no .tools/bin/opa above it), with no opa on PATH
  dir = await mkdtemp(path.join(tmpdir(), 'tfo-no-opa-'));
  await mkdir(path.join(dir, 'org', 'org'), { recursive: true });
  await writeFile(path.join(dir, 'org', 'org', 'org.rego'), ORG_RULE);
  await mkdir(path.join(dir, 'bin'));
  process.env.PATH = path.join(dir, 'bin');
  delete process.env.TFO_OPA;
});

afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.TFO_OPA === undefined) delete process.env.TFO_OPA;
  else process.env.TFO_OPA = saved.TFO_OPA;
});

function expectInstallHint(err: unknown): void {
  expect(err).toBeInstanceOf(TfoError);
  const message = (err as TfoError).message;
  expect((err as TfoError).code).toBe('TFO_ERR_OPA_MISSING');
  expect((err as TfoError).hint).toMatch(/only for Rego other than the first-party set/);
  expect(message).toContain(
    `https://github.com/open-policy-agent/opa/releases/download/v${OPA_VERSION}/opa_<os>_<arch>`,
  );
  expect(message).toContain('opa_windows_amd64.exe');
  expect(message).toContain('brew install opa');
  expect(message).toContain(`go install github.com/open-policy-agent/opa@v${OPA_VERSION}`);
  expect(message).toContain('open-policy-agent/setup-opa');
  expect(message).toContain('TFO_OPA');
  // nothing that exists only in this repository
  expect(message).not.toMatch(/setup-tools|scripts\/|\.tools/);
}

describe('without an opa binary', () => {
  it('compiling an organisation’s Rego with the first-party set says how to install opa', async () => {
    const dirs = [FIRST_PARTY_POLICIES, path.join(dir, 'org')];
    const err = await resolvePolicy(dirs, path.join(dir, 'cache'), dir).catch((e: unknown) => e);
    expectInstallHint(err);
    expect((err as Error).message).toMatch(/^no opa on PATH: opa is needed to compile/);
  });

  it('an opa named by TFO_OPA that does not exist is named', async () => {
    process.env.TFO_OPA = path.join(dir, 'missing', 'opa');
    const err = await compilePolicies([path.join(dir, 'org')], path.join(dir, 'cache'), dir).catch((e: unknown) => e);
    expectInstallHint(err);
    expect((err as Error).message).toContain(`no opa at ${process.env.TFO_OPA} (TFO_OPA)`);
  });

  it('opa test says how to install opa', async () => {
    const err = await runPolicyTests({ dirs: [path.join(dir, 'org')], cwd: dir }).catch((e: unknown) => e);
    expectInstallHint(err);
    expect((err as Error).message).toContain('run the policy unit tests');
  });

  it('the first-party set alone runs from the shipped bundle', async () => {
    const policy = await resolvePolicy([FIRST_PARTY_POLICIES], path.join(dir, 'cache'), dir);
    expect(policy.wasmFile).toBe(FIRST_PARTY_BUNDLE);
  });
});

describe('the policies option', () => {
  it('defaults to the first-party set, and names it beside an organisation’s folders', () => {
    expect(opaOptionsSchema.parse({}).policies).toEqual([FIRST_PARTY_POLICIES]);
    expect(opaOptionsSchema.parse({ policies: [FIRST_PARTY, './org'] }).policies).toEqual([
      FIRST_PARTY_POLICIES,
      './org',
    ]);
    expect(() => opaOptionsSchema.parse({ policies: [] })).toThrow();
  });

  it('the opa version of the hint is the one the shipped bundle was compiled with', async () => {
    const manifest = JSON.parse(await readFile(FIRST_PARTY_MANIFEST, 'utf8')) as { opa: string };
    expect(manifest.opa).toBe(`Version: ${OPA_VERSION}`);
  });
});
