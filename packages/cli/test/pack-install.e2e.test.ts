// The product as a platform team gets it: every workspace package packed with `npm pack`, the
// tarballs installed into an empty folder outside this repository (no workspace, no repository
// scripts, no `opa` on PATH, `--engine-strict` on this Node), then `npx tfo init`, plan, apply,
// `tfo audit verify` and the report, with real terraform.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseScaffold, SCAFFOLD_FILES } from './scaffold-checks.js';
import { REPO } from './support.js';

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: Array<{ path: string }>;
}

/** PATH without any folder that holds an `opa` executable (.tools/env puts one there). */
function pathWithoutOpa(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !existsSync(path.join(dir, 'opa')))
    .join(path.delimiter);
}

/** This process's environment without opa: not on PATH, and no TFO_OPA pointing at one. */
function envWithoutOpa(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'TFO_OPA') env[name] = value;
  }
  return { ...env, PATH: pathWithoutOpa(), CI: 'true', NO_COLOR: '1' };
}

const env = envWithoutOpa();
let packed: Packed[] = [];
let tarballs = '';
let app = '';
let workspaces: string[] = [];
let init: Awaited<ReturnType<typeof npx>>;

const npx = (args: string[]) =>
  execa('npx', ['--no-install', 'tfo', ...args], { cwd: app, env, extendEnv: false, reject: false, all: true });

beforeAll(async () => {
  workspaces = (JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { workspaces: string[] })
    .workspaces;
  tarballs = await mkdtemp(path.join(tmpdir(), 'tfo-pack-'));
  const pack = await execa('npm', ['pack', '--workspaces', '--json', '--pack-destination', tarballs], {
    cwd: REPO,
    env,
    extendEnv: false,
  });
  packed = JSON.parse(pack.stdout) as Packed[];

  app = await mkdtemp(path.join(tmpdir(), 'tfo-app-'));
  await writeFile(path.join(app, 'package.json'), `${JSON.stringify({ name: 'infra', private: true }, null, 2)}\n`);
  await execa(
    'npm',
    [
      'install',
      '--engine-strict',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      ...packed.map((p) => path.join(tarballs, p.filename)),
    ],
    { cwd: app, env, extendEnv: false },
  );
  init = await npx(['init']);
}, 600_000);

afterAll(async () => {
  for (const dir of [tarballs, app]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed packages installed into an empty folder', () => {
  it('packs every workspace package with its dist, README, CHANGELOG and LICENSE, and no sources or tests', async () => {
    const names = await Promise.all(
      workspaces.map(
        async (w) => (JSON.parse(await readFile(path.join(REPO, w, 'package.json'), 'utf8')) as { name: string }).name,
      ),
    );
    expect(packed.map((p) => p.name).sort()).toEqual(names.sort());
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toEqual(
        expect.arrayContaining([
          'package.json',
          'README.md',
          'CHANGELOG.md',
          'LICENSE',
          'dist/index.js',
          'dist/index.d.ts',
        ]),
      );
      expect(
        files.filter((f) => /^(src|test)\//.test(f) || f.endsWith('.tsbuildinfo')),
        p.name,
      ).toEqual([]);
    }
    const cli = packed.find((p) => p.name === '@tfo/cli')?.files.map((f) => f.path) ?? [];
    expect(cli).toEqual(expect.arrayContaining(['bin/tfo.js', 'templates/init/orchestrator.config.ts.template']));
  });

  it('installs with --engine-strict on this Node, with no opa on PATH, and npx tfo runs', async () => {
    expect(process.version).toMatch(/^v(20|22|2[4-9])\./);
    // @octokit/request 10.0.15+ takes content-type 3, which needs Node 22: plugin-github pins below it
    const contentType = JSON.parse(
      await readFile(path.join(app, 'node_modules/content-type/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(contentType.version).toMatch(/^2\./);
    const which = await execa('sh', ['-c', 'command -v opa'], { env, extendEnv: false, reject: false });
    expect(which.exitCode).not.toBe(0);
    const version = await npx(['--version']);
    expect(version.stdout.trim()).toBe(packed.find((p) => p.name === '@tfo/cli')?.version);
  });

  it('each installed package carries the LICENSE, license, engines, repository and typed exports', async () => {
    const license = await readFile(path.join(REPO, 'LICENSE'), 'utf8');
    // the SPDX list's text of Apache-2.0, not a hand-typed copy
    const spdx = JSON.parse(
      await readFile(path.join(REPO, 'node_modules/spdx-license-list/licenses/Apache-2.0.json'), 'utf8'),
    ) as { licenseText: string };
    expect(license.trim()).toBe(spdx.licenseText.trim());
    for (const p of packed) {
      const dir = path.join(app, 'node_modules', p.name);
      expect(await readFile(path.join(dir, 'LICENSE'), 'utf8'), p.name).toBe(license);
      const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
        license: string;
        description: string;
        engines: { node: string };
        repository: { directory: string };
        exports: { '.': { types: string; default: string } };
      };
      expect(manifest.license, p.name).toBe('Apache-2.0');
      expect(manifest.description.length, p.name).toBeGreaterThan(20);
      expect(manifest.engines.node, p.name).toBe('^20.19.0 || ^22.12.0 || >=24');
      expect(manifest.repository.directory, p.name).toMatch(/^packages\//);
      expect(existsSync(path.join(dir, manifest.exports['.'].types)), p.name).toBe(true);
      expect(existsSync(path.join(dir, manifest.exports['.'].default)), p.name).toBe(true);
    }
  });

  it('@tfo/cli depends on no @tfo package but @tfo/engine, and on no AWS SDK', async () => {
    const cli = JSON.parse(await readFile(path.join(app, 'node_modules/@tfo/cli/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(cli.dependencies).sort()).toEqual(['@tfo/engine', 'ci-info', 'commander']);
  });

  it('@tfo/plugin-opa ships the first-party policies compiled', () => {
    expect(existsSync(path.join(app, 'node_modules/@tfo/plugin-opa/bundle/first-party.wasm'))).toBe(true);
  });

  it('npx tfo init names each file it writes and keeps the package.json the tarballs satisfy', () => {
    expect(init.exitCode, init.all).toBe(0);
    for (const file of SCAFFOLD_FILES) expect(init.stdout).toContain(`wrote ${file}\n`);
    // every package the scaffolded config imports was packed and installed: nothing to add
    expect(init.stdout).not.toContain('wrote package.json');
  });

  it('the scaffold plans, is gated by the first-party policies, applies, verifies its audit trail and reports', async () => {
    await exerciseScaffold(app, async (args) => {
      const out = await npx(args);
      return { code: out.exitCode ?? -1, stdout: out.stdout, all: out.all ?? '' };
    });
  });
});
