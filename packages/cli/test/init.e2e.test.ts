import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exerciseScaffold, SCAFFOLD_FILES } from './scaffold-checks.js';
import { REPO, tempDir, tfo } from './support.js';

// js-yaml ships no types of its own: only `load` is used
const { load } = createRequire(import.meta.url)('js-yaml') as { load: (text: string) => unknown };

const VERSION = (
  JSON.parse(await readFile(path.join(REPO, 'packages/cli/package.json'), 'utf8')) as { version: string }
).version;

/** A temporary folder whose node_modules is this repository's (the @tfo packages as built here). */
async function emptyRepo(): Promise<string> {
  const dir = await tempDir('tfo-init-');
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const run = (dir: string) => async (args: string[]) => {
  const out = await tfo(args, dir);
  return { code: out.exitCode ?? -1, stdout: out.stdout, all: out.all ?? '' };
};

describe('tfo init', () => {
  it('scaffolds a repository that plans, is gated by the first-party policies, applies, audits and reports', async () => {
    const dir = await emptyRepo();
    const init = await tfo(['init'], dir);
    expect(init.exitCode, init.all).toBe(0);
    // each file it writes is named
    for (const file of [...SCAFFOLD_FILES, 'package.json']) expect(init.stdout).toContain(`wrote ${file}\n`);
    for (const file of SCAFFOLD_FILES) expect(existsSync(path.join(dir, file))).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies).toEqual({
      '@tfo/cli': VERSION,
      '@tfo/engine': VERSION,
      '@tfo/plugin-audit': VERSION,
      '@tfo/plugin-opa': VERSION,
      '@tfo/plugin-report': VERSION,
    });
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^\.tfo\/$/m);
    expect(await readFile(path.join(dir, '.github/workflows/tfo.yml'), 'utf8')).toContain(
      '/.github/workflows/tfo.yml@',
    );

    await exerciseScaffold(dir, run(dir));
  });

  it('refuses to overwrite existing files unless --force, and completes an existing package.json and .gitignore', async () => {
    const dir = await emptyRepo();
    await writeFile(path.join(dir, 'package.json'), '{ "name": "infra", "dependencies": { "@tfo/cli": "^0.1.0" } }\n');
    await writeFile(path.join(dir, '.gitignore'), 'coverage/\n.tfo/');
    expect((await tfo(['init'], dir)).exitCode).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    expect(manifest.name).toBe('infra');
    // a version already named is kept; the rest are added
    expect(manifest.dependencies['@tfo/cli']).toBe('^0.1.0');
    expect(manifest.dependencies['@tfo/plugin-opa']).toBe(VERSION);
    const ignore = await readFile(path.join(dir, '.gitignore'), 'utf8');
    expect(ignore.startsWith('coverage/\n.tfo/\n')).toBe(true);
    expect(ignore.match(/^\.tfo\/$/gm)).toHaveLength(1);

    const config = path.join(dir, 'orchestrator.config.ts');
    await writeFile(config, '// mine\n');
    const refused = await tfo(['init'], dir);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain('orchestrator.config.ts');
    expect(refused.stderr).toContain('--force');
    expect(await readFile(config, 'utf8')).toBe('// mine\n');

    const forced = await tfo(['init', '--force'], dir);
    expect(forced.exitCode, forced.all).toBe(0);
    expect(forced.stdout).toContain('wrote orchestrator.config.ts\n');
    expect(await readFile(config, 'utf8')).toContain("from '@tfo/plugin-opa'");
  });

  it('scaffolds a CI workflow that passes the reusable workflow only its inputs and grants what its jobs request', async () => {
    const dir = await emptyRepo();
    expect((await tfo(['init'], dir)).exitCode).toBe(0);
    interface Workflow {
      on: { workflow_call: { inputs: Record<string, unknown> } };
      permissions?: Record<string, string>;
      jobs: Record<string, { uses?: string; with?: Record<string, unknown>; permissions?: Record<string, string> }>;
    }
    const read = async (file: string) => load(await readFile(file, 'utf8')) as Workflow;
    const caller = await read(path.join(dir, '.github/workflows/tfo.yml'));
    const reusable = await read(path.join(REPO, '.github/workflows/tfo.yml'));
    const job = caller.jobs.tfo;
    expect(job?.uses).toMatch(/\/\.github\/workflows\/tfo\.yml@/);
    for (const input of Object.keys(job?.with ?? {})) expect(reusable.on.workflow_call.inputs).toHaveProperty(input);
    const rank = (l: string | undefined): number => ['none', 'read', 'write'].indexOf(l ?? 'none');
    for (const called of Object.values(reusable.jobs)) {
      for (const [scope, level] of Object.entries(called.permissions ?? {})) {
        expect(rank(caller.permissions?.[scope]), scope).toBeGreaterThanOrEqual(rank(level));
      }
    }
  });

  it('prints its version', async () => {
    const out = await tfo(['--version'], REPO);
    expect(out.exitCode).toBe(0);
    expect(out.stdout.trim()).toBe(VERSION);
  });
});
