import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TfoError } from '@tfo/engine';
import type { Command } from 'commander';
import type { GlobalOptions } from '../main.js';
import { cliVersion } from '../version.js';

/** The scaffold, as plain files shipped with @tfo/cli (`templates/init`, beside `dist`). */
const TEMPLATES = fileURLToPath(new URL('../../templates/init/', import.meta.url));

/** Merged into an existing file (the lines it lacks appended) instead of refusing or overwriting. */
const GITIGNORE = '.gitignore';

/**
 * Template names that npm would not ship as they are (it drops `.gitignore` from a package) or
 * that tools would read inside this repository (a workflow GitHub would run; a config whose
 * imports of the plugins would count as the CLI's own): the name each is written under.
 */
const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  gitignore: GITIGNORE,
  'github/workflows/tfo.yml': '.github/workflows/tfo.yml',
  'orchestrator.config.ts.template': 'orchestrator.config.ts',
});

/** The packages the scaffolded config imports, added to package.json at this version. */
const PACKAGES = Object.freeze([
  '@tfo/cli',
  '@tfo/engine',
  '@tfo/plugin-audit',
  '@tfo/plugin-opa',
  '@tfo/plugin-report',
]);

interface PackageManifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** `tfo init`: scaffolds a deployment repository in the current folder (or --cwd). */
export function registerInitCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('init')
    .description('scaffold a deployment repository here: config, deployments, root module, CI workflow')
    .option('--force', 'overwrite files that already exist')
    .action(async (flags: { force?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const dir = path.resolve(globals.cwd);
      const written = await scaffold(dir, flags.force === true);
      if (globals.json) {
        process.stdout.write(`${JSON.stringify({ dir, written }, null, 2)}\n`);
      } else {
        for (const file of written) process.stdout.write(`wrote ${file}\n`);
        process.stdout.write(
          `\nNext: npm install, then npx tfo plan (and npx tfo apply). Put your accounts in orchestrator.config.ts.\n`,
        );
      }
      setCode(0);
    });
}

/**
 * Writes the scaffold into `dir` and returns the files written (relative paths). Refuses, naming
 * them, when any template file exists already and `force` is false; package.json is never
 * replaced: the @tfo packages it lacks are added to it.
 */
export async function scaffold(dir: string, force: boolean): Promise<string[]> {
  const files = await templateFiles(TEMPLATES);
  const existing = files
    .filter((f) => f.target !== GITIGNORE && existsSync(path.join(dir, f.target)))
    .map((f) => f.target);
  if (existing.length > 0 && !force) {
    throw new TfoError(
      'TFO_ERR_USAGE',
      `tfo init would overwrite ${existing.length} file(s) in ${dir}: ${existing.join(', ')}; ` +
        'move them away, or run tfo init --force to replace them',
    );
  }
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(dir, f.target);
    const text = await readFile(f.source, 'utf8');
    if (f.target === GITIGNORE && existsSync(target)) {
      if (await appendMissingLines(target, text)) written.push(f.target);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    written.push(f.target);
  }
  if (await writePackageJson(dir)) written.push('package.json');
  return written;
}

/** Appends to an existing .gitignore the template's entries it lacks; false when it has them all. */
async function appendMissingLines(file: string, template: string): Promise<boolean> {
  const current = await readFile(file, 'utf8');
  const have = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  const entries = template.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const missing = entries.filter((l) => !have.has(l.trim()));
  if (missing.length === 0) return false;
  const sep = current === '' || current.endsWith('\n') ? '' : '\n';
  await writeFile(file, `${current}${sep}${missing.join('\n')}\n`);
  return true;
}

/** Every file under the templates folder, with the path it is written to. */
async function templateFiles(root: string): Promise<Array<{ source: string; target: string }>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => {
      const source = path.join(e.parentPath, e.name);
      const rel = path.relative(root, source).split(path.sep).join('/');
      return { source, target: RENAMED[rel] ?? rel };
    })
    .sort((a, b) => a.target.localeCompare(b.target));
}

/**
 * Creates package.json with the @tfo packages, or adds those it lacks to an existing one (its
 * other fields and the versions it already names are kept). False when nothing changed.
 */
async function writePackageJson(dir: string): Promise<boolean> {
  const file = path.join(dir, 'package.json');
  const version = cliVersion();
  let manifest: PackageManifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as PackageManifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new TfoError('TFO_ERR_USAGE', `package.json is not valid JSON: ${(err as Error).message}`, { file });
    }
    manifest = {
      name: path.basename(dir),
      private: true,
      type: 'module',
      scripts: { plan: 'tfo plan', apply: 'tfo apply' },
    };
  }
  const declared = { ...manifest.devDependencies, ...manifest.dependencies };
  const missing = PACKAGES.filter((name) => declared[name] === undefined);
  if (missing.length === 0) return false;
  const dependencies = { ...manifest.dependencies };
  for (const name of missing) dependencies[name] = version;
  manifest.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return true;
}
