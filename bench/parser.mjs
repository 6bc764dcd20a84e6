#!/usr/bin/env node
// tfvars parsers compared (issue 12): a generated 2 MB tfvars, and 5,000 small ones.
// Usage: npm run build && node bench/parser.mjs [--candidates DIR] [--only NAME,...]
//   The engine's own parser (packages/engine/dist) is always measured. The other candidates are
//   not dependencies of tfo: install them into a folder of their own first and pass it, e.g.
//     npm install --prefix /tmp/parser-candidates @cdktf/hcl2json@0.21.0 @cdktn/hcl2json@0.24.0 \
//       web-tree-sitter@0.25.10 @tree-sitter-grammars/tree-sitter-hcl@1.2.0 hcl2-parser@1.0.3 \
//       hcl2-json-parser@1.0.1 codemirror-lang-hcl@0.2.0
//   A candidate that is not installed there is listed as skipped.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const candidatesDir = path.resolve(opt('--candidates') ?? path.join(repo, 'bench', '.parser-candidates'));
const only = opt('--only')?.split(',');
const SMALL = 5000;
const LARGE_BYTES = 2 * 1024 * 1024;

// ---- inputs ------------------------------------------------------------------------------------

/** One service group of a realistic tfvars: nested maps, lists of objects, a heredoc, unicode. */
function group(i) {
  const team = ['platform', 'données', 'チーム', 'équipe-ü'][i % 4];
  return [
    `# service group ${i}: buckets, queues and keys`,
    `s3_buckets_${i} = {`,
    `  "logs-${i}" = {`,
    `    account_key = "${['dev', 'stage', 'prod'][i % 3]}"`,
    `    region_code = "${i % 2 ? 'euw1' : 'use1'}"`,
    `    versioning  = ${i % 2 === 0}`,
    `    size_gb     = ${i * 13}`,
    `    ratio       = -1.5e3`,
    `    description = "Zürich — 東京 ${i} \\u00e9 \\"quoted\\" \\\\ $\${not_interpolated} 100%%{x}"`,
    `    tags = { team = "${team}", cost_center = "cc-${i}", "owner/email" = "owner${i}@example.com" }`,
    `    lifecycle_rules = [`,
    `      { id = "expire-tmp", days = 30, enabled = true, prefix = null },`,
    `      { id = "archive", days = 90, enabled = false, prefix = "archive/" }, // trailing comma next`,
    `    ]`,
    `    /* the policy is JSON in a heredoc */`,
    `    policy = <<-EOT`,
    `      {`,
    `        "Version": "2012-10-17",`,
    `        "Statement": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::logs-${i}/*" }]`,
    `      }`,
    `    EOT`,
    `  }`,
    `}`,
    `sqs_queues_${i} = [{ name = "jobs-${i}", fifo = false, retention = 345600 }, { name = "dlq-${i}", fifo = false }]`,
    '',
  ].join('\n');
}

function largeTfvars() {
  const parts = ['account_key = "dev"\nregion_code = "use1"\n'];
  let bytes = parts[0].length;
  for (let i = 0; bytes < LARGE_BYTES; i++) {
    const g = group(i);
    parts.push(g);
    bytes += Buffer.byteLength(g);
  }
  return parts.join('');
}

/** A small tfvars like a deployment's: 150 to 900 bytes. */
function smallTfvars(i) {
  const head = `account_key = "${['dev', 'stage', 'prod'][i % 3]}"\nregion_code = "${i % 2 ? 'euw1' : 'use1'}"\n`;
  if (i % 3 === 0) return `${head}s3_buckets = {\n  data = { versioning = true, note = "bench ${i}" }\n}\n`;
  return head + group(i).replace(/_\d+ = /g, ' = ');
}

// ---- candidates --------------------------------------------------------------------------------

const req = createRequire(path.join(candidatesDir, 'package.json'));
const resolveIn = (id) => req.resolve(id);
const load = async (id) => import(pathToFileURL(resolveIn(id)).href);
/** The installed version of `id`, from the package.json above its entry (exports may hide it). */
const version = (id) => {
  try {
    let dir = path.dirname(resolveIn(id));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8'));
        if (pkg.name === id) return pkg.version;
      }
      if (path.dirname(dir) === dir) return undefined;
      dir = path.dirname(dir);
    }
  } catch {
    return undefined;
  }
};

/** Each: name, the package whose version is shown, and setup() → parse(text, file) (sync or async). */
const candidates = [
  {
    name: 'tfo (tfvars-parse.ts, hand-written)',
    pkg: null,
    setup: async () => {
      const { parseTfvarsNow } = await import(
        pathToFileURL(path.join(repo, 'packages/engine/dist/discovery/tfvars.js')).href
      );
      return (text, file) => parseTfvarsNow(text, file);
    },
  },
  {
    name: '@cdktf/hcl2json (before)',
    pkg: '@cdktf/hcl2json',
    setup: async () => {
      const { parse } = await load('@cdktf/hcl2json');
      return (text, file) => parse(file, text);
    },
  },
  {
    name: '@cdktn/hcl2json (maintained fork)',
    pkg: '@cdktn/hcl2json',
    setup: async () => {
      const { parse } = await load('@cdktn/hcl2json');
      return (text, file) => parse(file, text);
    },
  },
  {
    name: 'web-tree-sitter + tree-sitter-hcl (parse + walk, no values)',
    pkg: ['web-tree-sitter', '@tree-sitter-grammars/tree-sitter-hcl'],
    setup: async () => {
      const { Parser, Language } = await load('web-tree-sitter');
      await Parser.init();
      const wasm = path.join(
        path.dirname(resolveIn('@tree-sitter-grammars/tree-sitter-hcl/package.json')),
        'tree-sitter-hcl.wasm',
      );
      const parser = new Parser();
      parser.setLanguage(await Language.load(wasm));
      return (text) => {
        const tree = parser.parse(text);
        const cursor = tree.walk();
        let nodes = 0;
        const visit = () => {
          nodes++;
          void cursor.nodeType;
          if (cursor.gotoFirstChild()) {
            do visit();
            while (cursor.gotoNextSibling());
            cursor.gotoParent();
          }
        };
        visit();
        const failed = tree.rootNode.hasError;
        tree.delete();
        if (failed) throw new Error('syntax error');
        return { nodes };
      };
    },
  },
  {
    name: 'codemirror-lang-hcl (lezer; parse + iterate, no values)',
    pkg: 'codemirror-lang-hcl',
    setup: async () => {
      const { hclLanguage } = await load('codemirror-lang-hcl');
      return (text) => {
        let nodes = 0;
        hclLanguage.parser.parse(text).iterate({ enter: () => void nodes++ });
        return { nodes };
      };
    },
  },
  {
    name: 'hcl2-parser (gopherjs)',
    pkg: 'hcl2-parser',
    setup: async () => {
      const m = req('hcl2-parser');
      return (text) => m.parseToObject(text);
    },
  },
  {
    name: 'hcl2-json-parser (gopherjs)',
    pkg: 'hcl2-json-parser',
    setup: async () => {
      const m = req('hcl2-json-parser');
      return (text) => m.parseToObject(text);
    },
  },
];

// ---- measuring ---------------------------------------------------------------------------------

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * Wall time and CPU time (user + system, all threads) of `fn`. On a shared machine the CPU time
 * is the steadier figure of the two: it leaves out the time other processes had the CPUs.
 */
async function timed(fn) {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  await fn();
  const cpu = process.cpuUsage(c);
  return { wall: ms(t), cpu: (cpu.user + cpu.system) / 1000 };
}

const show = (r) => `${r.wall.toFixed(0)} ms (cpu ${r.cpu.toFixed(0)})`;

async function measure(parse, large, smalls) {
  const first = await timed(() => parse(large, 'large.tfvars'));
  const runs = [];
  // slow parsers (seconds a run) are timed twice, not four times
  for (let r = 0; r < (first.wall > 2000 ? 1 : 3); r++) runs.push(await timed(() => parse(large, 'large.tfvars')));
  const again = runs.sort((a, b) => a.wall - b.wall)[Math.floor(runs.length / 2)];
  const small = await timed(async () => {
    for (let i = 0; i < smalls.length; i++) await parse(smalls[i], `d/p${i}/p${i}.tfvars`);
  });
  return { first, again, small };
}

/** The engine's way from 1,000 files on: each file a task on its worker pool (piscina). */
async function measurePool(smalls) {
  const dist = (f) => pathToFileURL(path.join(repo, 'packages/engine/dist', f)).href;
  const { createTfvarsParser } = await import(dist('discovery/tfvars.js'));
  const { WorkerPool, workerPath } = await import(dist('run/worker-pool.js'));
  const pool = new WorkerPool();
  const worker = workerPath(dist('discovery/tfvars.js'), 'tfvars.worker');
  const parser = createTfvarsParser((task) => pool.run(worker, task));
  const round = () =>
    timed(async () => {
      let next = 0;
      // discovery keeps 64 files in flight
      const lane = async () => {
        while (next < smalls.length) {
          const i = next++;
          await parser.parse(smalls[i], `d/p${i}/p${i}.tfvars`);
        }
      };
      await Promise.all(Array.from({ length: 64 }, lane));
    });
  const cold = await round();
  const warm = await round();
  await pool.destroy();
  return { cold, warm, threads: pool.size };
}

const large = largeTfvars();
const smalls = Array.from({ length: SMALL }, (_, i) => smallTfvars(i));
const smallBytes = smalls.reduce((n, s) => n + Buffer.byteLength(s), 0);
console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, load ${loadavg()[0].toFixed(1)}; large ${(Buffer.byteLength(large) / 1048576).toFixed(2)} MB, ` +
    `${SMALL} small (${Math.round(smallBytes / SMALL)} bytes on average)`,
);
console.log('| parser | version | 2 MB, first parse | 2 MB, again (median of 3) | 5,000 small, one thread |');
console.log('| --- | --- | --- | --- | --- |');
for (const c of candidates) {
  if (only && !only.some((o) => c.name.includes(o))) continue;
  const versions = c.pkg === null ? ['this repo'] : [c.pkg].flat().map(version);
  const v = versions.includes(undefined) ? undefined : versions.join(' + ');
  if (v === undefined) {
    console.log(`| ${c.name} | not installed in ${candidatesDir}: skipped | | | |`);
    continue;
  }
  try {
    const parse = await c.setup();
    const r = await measure(parse, large, smalls);
    console.log(`| ${c.name} | ${v} | ${show(r.first)} | ${show(r.again)} | ${show(r.small)} |`);
  } catch (err) {
    console.log(`| ${c.name} | ${v} | failed: ${String(err?.message ?? err).slice(0, 120)} | | |`);
  }
}
if (!only || only.some((o) => 'pool'.includes(o))) {
  const p = await measurePool(smalls);
  console.log(
    `\ntfo, 5,000 small through the engine's worker pool (${p.threads} threads, as discovery from 1,000 files): ` +
      `${show(p.cold)} with the threads starting, ${show(p.warm)} warm`,
  );
}
