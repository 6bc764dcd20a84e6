#!/usr/bin/env node
// Install size of @tfo/cli alone and with each plugin (BENCHMARKS.md, issue 12). Every workspace
// package is packed with `npm pack`; each combination installs its tarballs (and the @tfo
// packages they depend on, also from the tarballs) into an empty folder under the OS temp dir with
// `npm install --omit=dev`, as a user would; third-party packages come from the registry through
// npm's default cache. Reports node_modules' bytes (sum of file sizes) and file count.
// `--write` replaces the table in BENCHMARKS.md between its install-size markers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

const tarballs = mkdtempSync(path.join(tmpdir(), 'tfo-size-pack-'));
const packed = JSON.parse(npm(['pack', '--workspaces', '--json', '--pack-destination', tarballs], REPO));
const byName = new Map(packed.map((p) => [p.name, p]));
const manifests = new Map(
  JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).workspaces.map((w) => {
    const manifest = JSON.parse(readFileSync(path.join(REPO, w, 'package.json'), 'utf8'));
    return [manifest.name, manifest];
  }),
);

/** The packages to install: the named ones and every @tfo package they depend on, transitively. */
function closure(names) {
  const out = new Set();
  const visit = (name) => {
    if (out.has(name) || !byName.has(name)) return;
    out.add(name);
    for (const dep of Object.keys(manifests.get(name).dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...out].sort();
}

/** Bytes (sum of file sizes, symlinks not followed) and files under a folder. */
function sizeOf(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += lstatSync(path.join(entry.parentPath, entry.name)).size;
    files += 1;
  }
  return { bytes, files };
}

/** The `count` largest packages installed at the top of node_modules (scopes looked into). */
function largest(modules, count) {
  const packages = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) packages.push({ name, bytes: sizeOf(path.join(modules, name)).bytes });
  }
  return packages.sort((a, b) => b.bytes - a.bytes).slice(0, count);
}

function install(names) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tfo-size-app-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'size', private: true }));
    const specs = closure(names).map((n) => path.join(tarballs, byName.get(n).filename));
    const flags = ['--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--engine-strict', '--ignore-scripts'];
    npm(['install', ...flags, ...specs], dir);
    const modules = path.join(dir, 'node_modules');
    return { installed: closure(names), ...sizeOf(modules), largest: largest(modules, 3) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const plugins = [...byName.keys()].filter((n) => n !== '@tfo/cli' && n !== '@tfo/engine').sort();
const rows = [{ label: '@tfo/cli', ...install(['@tfo/cli']) }];
for (const plugin of plugins) rows.push({ label: `@tfo/cli + ${plugin}`, ...install(['@tfo/cli', plugin]) });
rmSync(tarballs, { recursive: true, force: true });

const mb = (b) => (b / 1e6).toFixed(1);
const table = [
  '| installed | node_modules (MB) | files | largest packages (MB) | @tfo packages in it |',
  '| --- | ---: | ---: | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${mb(r.bytes)} | ${r.files} | ${r.largest.map((l) => `${l.name} ${mb(l.bytes)}`).join(', ')} | ${r.installed.join(', ')} |`,
  ),
].join('\n');
console.log(`Node ${process.version}, npm ${npm(['--version'], REPO).trim()}\n\n${table}`);

if (process.argv.includes('--write')) {
  const file = path.join(REPO, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- install-size:start -->';
  const end = '<!-- install-size:end -->';
  const at = text.indexOf(start);
  const stop = text.indexOf(end);
  if (at < 0 || stop < at) throw new Error(`BENCHMARKS.md has no ${start} … ${end} markers`);
  writeFileSync(file, `${text.slice(0, at + start.length)}\n\n${table}\n\n${text.slice(stop)}`);
  // the table as prettier lays it out, so `npm run lint` stays clean
  execFileSync(path.join(REPO, 'node_modules/.bin/prettier'), ['--write', file]);
  console.log(`\nwrote the table into ${file}`);
}
