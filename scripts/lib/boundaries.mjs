// Package boundaries of the workspace, checked on source imports and on package.json dependencies:
//   plugin-imports-plugin   a plugin package (`@tfo/plugin-*`) uses no other plugin package;
//   cli-imports-engine-only the CLI (`@tfo/cli`) uses no `@tfo/*` package but `@tfo/engine`;
//   library-imports-plugin  a library package (any other `@tfo/*`: engine, aws) uses no plugin and not the CLI.
// Imports are read with the TypeScript compiler's own import scanner (static, type-only, dynamic
// `import()`, `require`, `export … from`, module augmentations), from every source file a package
// holds: `src/`, its tests, `bin/`, templates (never `dist/` or `node_modules/`). A test that spans
// packages lives in the repository's own `test/`. A relative import that leaves its package counts
// as an import of the package it reaches.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** What kind of package a name is: `plugin`, `cli` or `library`. */
export function kindOf(name) {
  if (/^@tfo\/plugin-/.test(name)) return 'plugin';
  if (name === '@tfo/cli') return 'cli';
  return 'library';
}

/** The rule `from` breaks by using `to` (both workspace package names), or undefined. */
export function ruleBroken(from, to) {
  if (from === to || !to.startsWith('@tfo/')) return undefined;
  const a = kindOf(from);
  if (a === 'plugin' && kindOf(to) === 'plugin') {
    return {
      rule: 'plugin-imports-plugin',
      message: `plugin ${from} uses plugin ${to}: share it through a capability or a library package`,
    };
  }
  if (a === 'cli' && to !== '@tfo/engine') {
    return {
      rule: 'cli-imports-engine-only',
      message: `${from} uses ${to}: the CLI uses only @tfo/engine and finds plugins through the config`,
    };
  }
  if (a === 'library' && kindOf(to) !== 'library') {
    return {
      rule: 'library-imports-plugin',
      message: `library ${from} uses ${kindOf(to)} ${to}: a library package depends on no plugin and not on the CLI`,
    };
  }
  return undefined;
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for relative and built-in ones. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The workspace packages under `<root>/packages`: name and folder. */
export async function workspacePackages(root) {
  const dir = path.join(root, 'packages');
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(dir, entry.name);
    const text = await readFile(path.join(folder, 'package.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    out.push({ name: JSON.parse(text).name, folder, manifest: text });
  }
  return out;
}

/** The source files under `dir` (TypeScript and JavaScript, no declarations), skipping node_modules and dist. */
export async function sourceFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') files.push(...(await sourceFiles(full)));
    } else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) files.push(full);
  }
  return files.sort();
}

const lineAt = (text, pos) => text.slice(0, pos).split('\n').length;

/** The workspace package whose folder holds `file`, if any. */
function ownerOf(packages, file) {
  return packages.find((p) => file === p.folder || file.startsWith(p.folder + path.sep));
}

/** Violations in one package's manifest: each dependency on a package it may not use, at its line. */
function manifestViolations(pkg, root) {
  const json = JSON.parse(pkg.manifest);
  const out = [];
  for (const field of DEPENDENCY_FIELDS) {
    for (const dep of Object.keys(json[field] ?? {})) {
      const broken = ruleBroken(pkg.name, dep);
      if (!broken) continue;
      // the line of `"<dep>":` inside the field's object
      const fieldAt = pkg.manifest.indexOf(`"${field}"`);
      const at = pkg.manifest.indexOf(`"${dep}"`, Math.max(0, fieldAt));
      out.push({
        file: path.relative(root, path.join(pkg.folder, 'package.json')),
        line: lineAt(pkg.manifest, at < 0 ? 0 : at),
        ...broken,
        message: `${broken.message} (${field})`,
      });
    }
  }
  return out;
}

/** Every boundary violation in the workspace at `root`, sorted by file and line. */
export async function checkBoundaries(root) {
  const packages = await workspacePackages(root);
  const violations = [];
  for (const pkg of packages) {
    violations.push(...manifestViolations(pkg, root));
    for (const file of await sourceFiles(pkg.folder)) {
      const text = await readFile(file, 'utf8');
      const { importedFiles } = ts.preProcessFile(text, true, true);
      for (const imported of importedFiles) {
        const spec = imported.fileName;
        let target = packageOf(spec);
        if (target === undefined && spec.startsWith('.')) {
          target = ownerOf(packages, path.resolve(path.dirname(file), spec))?.name;
        }
        const broken = target && ruleBroken(pkg.name, target);
        if (broken) {
          violations.push({ file: path.relative(root, file), line: lineAt(text, imported.pos), ...broken });
        }
      }
    }
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** `file:line: rule: message`, as lint output. */
export const formatViolation = (v) => `${v.file}:${v.line}: ${v.rule}: ${v.message}`;
