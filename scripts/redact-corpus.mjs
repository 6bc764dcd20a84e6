#!/usr/bin/env node
// Generates the redaction corpus under tests/redact-corpus/ by running things: terraform against a
// moto server on 127.0.0.1 (plan/apply with colour on and off, the -json UI, TF_LOG=DEBUG and
// TRACE, show, output, state pull, an update), the AWS CLI's STS commands against moto (JSON, text,
// table, --debug), and CI log shapes built around those outputs. Every run is seeded with the
// fabricated secrets of scripts/lib/corpus-secrets.mjs. See tests/redact-corpus/README.md.
//
//   npm run redact:corpus                       regenerate every file
//   node scripts/redact-corpus.mjs --raw <file> also keep (or, if it exists, reuse) the raw transcripts
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMoto } from './lib/moto.mjs';
import { runTerraform } from './lib/corpus-terraform.mjs';
import { terraformCases } from './lib/corpus-terraform-cases.mjs';
import { runAwsCli, awsCliCases } from './lib/corpus-aws-cli.mjs';
import { ciCases } from './lib/corpus-ci.mjs';
import { exampleKeys } from './lib/corpus-example-keys.mjs';
import { SECRETS } from './lib/corpus-secrets.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(REPO, 'tests', 'redact-corpus');

const argv = process.argv.slice(2);
const rawAt = argv.indexOf('--raw');
const rawFile = rawAt >= 0 ? path.resolve(argv[rawAt + 1]) : undefined;

const log = (line) => process.stderr.write(`redact-corpus: ${line}\n`);

async function transcripts() {
  if (rawFile && existsSync(rawFile)) {
    log(`reusing ${rawFile}`);
    return JSON.parse(await readFile(rawFile, 'utf8'));
  }
  const work = await mkdtemp(path.join(tmpdir(), 'tfo-redact-corpus-'));
  const moto = await startMoto({ dataDir: work });
  try {
    const terraform = await runTerraform({ work, endpoint: moto.endpoint, onStep: (s) => log(`terraform ${s}`) });
    const aws = await runAwsCli({ endpoint: moto.endpoint, onStep: (s) => log(`aws ${s}`) });
    const raw = { terraform, aws };
    if (rawFile) await writeFile(rawFile, JSON.stringify(raw));
    return raw;
  } finally {
    await moto.stop();
    await rm(work, { recursive: true, force: true });
  }
}

const recorded = await transcripts();
// `terraform output -raw ci_secret_access_key` prints the IAM secret alone
const rawSecret = recorded.terraform.find((r) => r.step === 'output-raw')?.stdout.trim();
const printed = [...recorded.terraform, ...recorded.aws].flatMap((r) => [r.stdout, r.stderr]);
const examples = exampleKeys(
  JSON.stringify(recorded),
  printed,
  [SECRETS.accessKeyId, SECRETS.secretAccessKey],
  rawSecret ? [rawSecret] : [],
);
log(`${examples.replaced} key ids and secrets moto generated replaced by EXAMPLE ones`);
const raw = JSON.parse(examples.text);
const files = { ...terraformCases(raw.terraform) };
for (const [file, cases] of Object.entries(awsCliCases(raw.aws))) (files[file] ??= []).push(...cases);
for (const [file, cases] of Object.entries(ciCases(raw))) (files[file] ??= []).push(...cases);

await mkdir(OUT, { recursive: true });
let total = 0;
for (const [file, cases] of Object.entries(files).sort()) {
  // names are unique within a file
  const seen = new Map();
  for (const c of cases) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > 1) c.name = `${c.name} (${n})`;
  }
  await writeFile(path.join(OUT, file), JSON.stringify(cases, null, 2) + '\n');
  total += cases.length;
  log(`${file}: ${cases.length} cases`);
}
log(`${total} cases in ${Object.keys(files).length} files under ${path.relative(REPO, OUT)}`);
