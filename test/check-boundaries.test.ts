// The package boundary check of `npm run lint` (scripts/check-boundaries.mjs), on small package
// trees made here: one that keeps every rule, one that breaks each in the ways code can (static,
// type-only, dynamic and re-exporting imports, a relative path into another package, package.json
// dependencies), in every source file of a package (src/, test/, bin/, templates), and files it
// must not read (dist/, declaration files, a template that is not source).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBoundaries, kindOf, packageOf } from '../scripts/lib/boundaries.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(REPO, 'scripts/check-boundaries.mjs');
const run = promisify(execFile);
const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

type Tree = Record<
  string,
  { deps?: Record<string, string>; dev?: Record<string, string>; files?: Record<string, string> }
>;

/** A workspace under a temporary root: `packages/<folder>/package.json` and the given files. */
async function tree(packages: Tree): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tfo-boundaries-'));
  roots.push(root);
  for (const [folder, p] of Object.entries(packages)) {
    const dir = path.join(root, 'packages', folder);
    await mkdir(path.join(dir, 'src'), { recursive: true });
    const manifest = {
      name: `@tfo/${folder}`,
      version: '0.1.0',
      dependencies: p.deps ?? {},
      devDependencies: p.dev ?? {},
    };
    await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const [file, text] of Object.entries(p.files ?? {})) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    }
  }
  return root;
}

const CLEAN: Tree = {
  engine: { files: { 'src/index.ts': "import { z } from 'zod';\nexport const x = z;\n" } },
  aws: { deps: { '@tfo/engine': '0.1.0' }, files: { 'src/index.ts': "export { x } from '@tfo/engine';\n" } },
  'plugin-a': {
    deps: { '@tfo/engine': '0.1.0', '@tfo/aws': '0.1.0' },
    files: {
      'src/index.ts':
        "import type { Engine } from '@tfo/engine';\nimport { ClientCache } from '@tfo/aws';\nimport { b } from './b.js';\n",
      'src/b.ts':
        "declare module '@tfo/engine' { interface Capabilities { a: string } }\nexport const b = await import('@tfo/aws');\n",
    },
  },
  'plugin-b': { deps: { '@tfo/engine': '0.1.0' }, files: { 'src/index.ts': "import '@tfo/engine/testing';\n" } },
  cli: {
    deps: { '@tfo/engine': '0.1.0', commander: '14.0.0' },
    files: { 'src/main.ts': "import { Engine } from '@tfo/engine';\nimport { Command } from 'commander';\n" },
  },
};

describe('check-boundaries', () => {
  it('names package kinds and the package of a specifier', () => {
    expect([kindOf('@tfo/plugin-opa'), kindOf('@tfo/cli'), kindOf('@tfo/engine'), kindOf('@tfo/aws')]).toEqual([
      'plugin',
      'cli',
      'library',
      'library',
    ]);
    expect(packageOf('@tfo/engine/testing')).toBe('@tfo/engine');
    expect(packageOf('zod/v4')).toBe('zod');
    expect(packageOf('./x.js')).toBeUndefined();
    expect(packageOf('node:fs')).toBeUndefined();
  });

  it('passes a workspace that keeps every rule (exit 0)', async () => {
    const root = await tree(CLEAN);
    expect(await checkBoundaries(root)).toEqual([]);
    const { stdout } = await run(process.execPath, [SCRIPT, root]);
    expect(stdout).toContain('package boundaries hold');
  });

  it('fails on each kind of violation with file, line and rule (exit 1)', async () => {
    const root = await tree({
      ...CLEAN,
      engine: {
        files: {
          'src/index.ts':
            "import { z } from 'zod';\n// reaches into a plugin's folder\nimport { y } from '../../plugin-b/src/index.js';\n",
        },
      },
      aws: { deps: { '@tfo/engine': '0.1.0', '@tfo/plugin-a': '0.1.0' }, files: { 'src/index.ts': '' } },
      'plugin-a': {
        deps: { '@tfo/engine': '0.1.0' },
        dev: { '@tfo/plugin-b': '0.1.0' },
        files: {
          'src/index.ts': "import { Engine } from '@tfo/engine';\nimport { b } from '@tfo/plugin-b';\n",
          'src/deep/lazy.ts':
            "\n\nexport const m = () => import('@tfo/plugin-b/sub');\nexport type { T } from '@tfo/plugin-b';\n",
          // a package's tests are its own too
          'test/a.test.ts': "import '@tfo/plugin-b';\n",
          // not source the check reads
          'dist/index.js': "import '@tfo/plugin-b';\n",
          'src/types.d.ts': "import '@tfo/plugin-b';\n",
        },
      },
      cli: {
        deps: { '@tfo/engine': '0.1.0', '@tfo/plugin-a': '0.1.0' },
        files: {
          'src/main.ts':
            "import { Engine } from '@tfo/engine';\n\nimport { audit } from '@tfo/plugin-a';\nimport { ClientCache } from '@tfo/aws';\n",
          // the CLI's tests and shipped files are the CLI's: a cross-package test lives in the repo's test/
          'test/cli.test.ts': "import { audit } from '@tfo/plugin-a';\n",
          'templates/config.ts': "import { audit } from '@tfo/plugin-a';\n",
          // a template kept as data (written out as a user's file) is not the CLI's source
          'templates/config.ts.template': "import { audit } from '@tfo/plugin-a';\n",
        },
      },
    });
    const found = (await checkBoundaries(root)).map((v) => `${v.file}:${v.line}: ${v.rule}`);
    expect(found).toEqual([
      'packages/aws/package.json:6: library-imports-plugin',
      'packages/cli/package.json:6: cli-imports-engine-only',
      'packages/cli/src/main.ts:3: cli-imports-engine-only',
      'packages/cli/src/main.ts:4: cli-imports-engine-only',
      'packages/cli/templates/config.ts:1: cli-imports-engine-only',
      'packages/cli/test/cli.test.ts:1: cli-imports-engine-only',
      'packages/engine/src/index.ts:3: library-imports-plugin',
      'packages/plugin-a/package.json:8: plugin-imports-plugin',
      'packages/plugin-a/src/deep/lazy.ts:3: plugin-imports-plugin',
      'packages/plugin-a/src/deep/lazy.ts:4: plugin-imports-plugin',
      'packages/plugin-a/src/index.ts:2: plugin-imports-plugin',
      'packages/plugin-a/test/a.test.ts:1: plugin-imports-plugin',
    ]);
    const failed = await run(process.execPath, [SCRIPT, root]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(
      'packages/plugin-a/src/index.ts:2: plugin-imports-plugin: plugin @tfo/plugin-a uses plugin @tfo/plugin-b',
    );
    expect(failed?.stderr).toContain('packages/cli/src/main.ts:4: cli-imports-engine-only: @tfo/cli uses @tfo/aws');
    expect(failed?.stderr).toContain('check-boundaries: 12 package boundary violation(s)');
  });

  it('this repository keeps every rule: no plugin uses another, no library a plugin, the CLI only the engine', async () => {
    expect(await checkBoundaries(REPO)).toEqual([]);
  });
});

/** The packages a workspace package needs, transitively, as installed (package-lock.json's tree). */
async function installedClosure(workspace: string): Promise<Set<string>> {
  const lock = JSON.parse(await readFile(path.join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<
      string,
      {
        dependencies?: Record<string, string>;
        optionalDependencies?: Record<string, string>;
        link?: boolean;
        resolved?: string;
      }
    >;
  };
  const names = new Set<string>();
  const seen = new Set<string>();
  /** Where node would find `dep` required from the package installed at `from`. */
  const locate = (from: string, dep: string): string | undefined => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const at = dir ? `${dir}/node_modules/${dep}` : `node_modules/${dep}`;
      if (lock.packages[at]) return at;
      if (!dir) return undefined;
    }
  };
  const visit = (at: string): void => {
    if (seen.has(at)) return;
    seen.add(at);
    const entry = lock.packages[at]!;
    const real = entry.link && entry.resolved ? entry.resolved : at;
    const pkg = lock.packages[real]!;
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const found = locate(real, dep);
      if (found) {
        names.add(dep);
        visit(found);
      }
    }
  };
  visit(workspace);
  return names;
}

describe('installed dependencies', () => {
  it('the engine needs no AWS SDK package; @tfo/aws does (the check sees it)', async () => {
    const engine = [...(await installedClosure('packages/engine'))];
    expect(engine.length).toBeGreaterThan(10);
    expect(engine.filter((n) => n.startsWith('@aws-sdk/') || n.startsWith('@smithy/'))).toEqual([]);
    const aws = [...(await installedClosure('packages/aws'))];
    expect(aws).toContain('@aws-sdk/client-s3');
    expect(aws).toContain('@smithy/core');
  });
});
