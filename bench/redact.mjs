#!/usr/bin/env node
// Redaction benchmarks (packages/engine/src/redaction/), all in one run, each input redacted in
// ONE worker of the engine's pool (redactInPool, 1 MB pieces, the way tfo redacts what it shows):
//   - typical terraform output: the inputs of the real-run corpus (tests/redact-corpus: plan with
//     and without colour, -json UI, apply, show, state, TF_LOG=DEBUG/TRACE, AWS CLI, CI logs),
//     repeated to 40 MB; and 40 MB of generated plan/apply text. Target >= 100 MB/s.
//   - adversarial inputs, 10 MB each: a short unit repeated, one for every rule's trigger (texts
//     dense with what a rule looks for: keys, colons, `@`, PEM headers, JWT starts, key ids, ...).
//     Target >= 50 MB/s on the worst of them.
// The same on the main thread (redactText) is printed for comparison.
// Usage: node bench/redact.mjs   (after npm run build)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, redactInPool, redactText } from '@tfo/engine';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const CHUNK = 1 * MB;
const SENSITIVE = ['hunter2-db-password-9f8e7d', 'tf-output-secret-value-42', 'line-one-secret\nline-two-secret'];

const repeatTo = (unit, size) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** The real-run corpus's inputs, one after another. */
function corpusText() {
  const dir = path.join(REPO, 'tests/redact-corpus');
  const inputs = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const data = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    for (const c of Array.isArray(data) ? data : data.cases) inputs.push(c.input);
  }
  return inputs.join('\n');
}

/** Generated terraform-like output: plan text, apply progress, JSON plan fragments, a few secrets. */
function terraformText(size) {
  const parts = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const acct = String(100000000000 + ((i * 7919) % 899999999999)).padStart(12, '0');
    const block = [
      `  # module.app["svc-${i}"].aws_s3_bucket.this will be created`,
      `  + resource "aws_s3_bucket" "this" {`,
      `      + arn                         = "arn:aws:s3:::acme-dev-logs-${i}"`,
      `      + bucket                      = "acme-dev-logs-${i}"`,
      `      + force_destroy               = false`,
      `      + id                          = (known after apply)`,
      `      + policy                      = jsonencode({ Version = "2012-10-17" })`,
      `      + role_arn                    = "arn:aws:iam::${acct}:role/deploy-${i % 17}"`,
      `      + tags                        = { "Name" = "logs-${i}", "Owner" = "platform" }`,
      `    }`,
      `module.app["svc-${i}"].aws_lambda_function.api: Creating...`,
      `module.app["svc-${i}"].aws_lambda_function.api: Creation complete after 3s [id=api-${i}]`,
      `{"address":"aws_iam_role.r[${i}]","type":"aws_iam_role","change":{"actions":["create"],"after":{"name":"r-${i}","arn":"arn:aws:lambda:us-east-1:${acct}:function:api-${i}","max_session_duration":3600,"version":"5.100.0","created":"2024-05-01T12:30:45Z"}}}`,
      `      + digest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`,
      `      + id     = "550e8400-e29b-41d4-a716-446655440000"`,
    ];
    if (i % 50 === 0) block.push(`      + password = "${SENSITIVE[0]}"`, `      + private_ip = "10.0.${i % 256}.7"`);
    if (i % 200 === 0) block.push(`      + user_data = "${Buffer.from(SENSITIVE[1]).toString('base64')}"`);
    if (i % 500 === 0)
      block.push(`Error: AccessDenied for arn:aws:sts::${acct}:assumed-role/deploy/jane.doe@example.com`);
    const s = `${block.join('\n')}\n`;
    parts.push(s);
    length += s.length;
  }
  return parts.join('').slice(0, size);
}

const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const KEY_ID = 'AKIA' + 'A'.repeat(16);
// one unit per rule trigger (and the old ones): a text made of nothing else
const ADVERSARIAL = [
  '@',
  'a@',
  'a@b.',
  '1.',
  '1.1.',
  'a.',
  ':',
  'a:',
  'a:b ',
  'f:f:',
  '::',
  '://a:',
  '://a:b',
  '9',
  '0123456789abcdef',
  b64,
  b64.replace('+', '-').replace('/', '_'),
  '-',
  '--',
  '--a',
  'a-',
  '"',
  '\\',
  ' ',
  '|',
  'x=',
  'arn:aws:',
  'arn:aws:iam::',
  '%3A123456789012',
  '-----BEGIN X-----',
  '-----BEGIN X-----AAAA\\n',
  `-----BEGIN X-----\n${b64}\n`,
  '-----END X-----',
  'password=',
  'password: "',
  `password${' '.repeat(300)}`,
  'password   ',
  'token="',
  'token = "a" -> ',
  'password = "a" -> "b" ',
  '--password ',
  '--password x ',
  '<password>',
  '<password>x',
  '\\u003cpassword\\u003e',
  '"value":"',
  '"value": "x", ',
  '"sensitive": true, "type": "string", "value": ',
  'AKIA',
  'ASIA',
  `${KEY_ID} `,
  `${KEY_ID} ${b64.slice(0, 40)} `,
  'AROA' + 'A'.repeat(17) + ':',
  'assumed-role/',
  'eyJ-',
  'eyJ',
  'eyJaaaaaaaaaaa\n',
  `eyJ${'a'.repeat(20)}\n${'b'.repeat(20)}\n`,
  'eyJaaaaaaaaaaa.\n2026-12-07T10:00:00.1234567Z ',
  'Bearer ',
  'Authorization: Basic ',
  'hooks.slack.com/services/',
  'IQoJb3JpZ2luX2Vj',
  'chpasswd ',
  'chpasswd\n a:b\n',
  'login -p ',
  'mysql -p',
  ' -u a:',
  '::add-mask::',
  'Signature:\n',
  '\u001b[',
  '\u001b]',
  '\u001b[1m',
  '\u001b[32m+\u001b[0m',
];

const corpus = repeatTo(corpusText(), 40 * MB);
const generated = terraformText(40 * MB);
const pieces = (text) => {
  const out = [];
  for (let i = 0; i < text.length; i += CHUNK) out.push(text.slice(i, i + CHUNK));
  return out;
};
const mbOf = (text) => Buffer.byteLength(text) / MB;

process.env.TFO_POOL_SIZE = '1';
const engine = new Engine(
  resolveSettings(
    configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } }),
    process.cwd(),
  ),
  [],
);

/** MB/s of `text` through one worker, 1 MB pieces one after another. */
async function inWorker(text) {
  const list = pieces(text);
  await redactInPool(engine, list[0], SENSITIVE); // warm
  const t0 = performance.now();
  for (const c of list) await redactInPool(engine, c, SENSITIVE);
  return mbOf(text) / ((performance.now() - t0) / 1000);
}

/** MB/s of `text` on the main thread. */
function onMain(text) {
  const list = pieces(text);
  redactText(list[0], { sensitive: SENSITIVE });
  const t0 = performance.now();
  for (const c of list) redactText(c, { sensitive: SENSITIVE });
  return mbOf(text) / ((performance.now() - t0) / 1000);
}

try {
  const typical = [
    ['real-run corpus (tests/redact-corpus), 40 MB', corpus],
    ['generated plan/apply text, 40 MB', generated],
  ];
  for (const [name, text] of typical) {
    const worker = await inWorker(text);
    console.log(
      `typical: ${name}: ${worker.toFixed(1)} MB/s in one worker, ${onMain(text).toFixed(1)} MB/s on the main thread (target >= 100)`,
    );
  }
  const results = [];
  for (const unit of ADVERSARIAL) {
    const text = repeatTo(unit, 10 * MB);
    results.push({ unit, worker: await inWorker(text) });
  }
  results.sort((a, b) => a.worker - b.worker);
  for (const r of results.slice(0, 12)) {
    console.log(
      `adversarial 10 MB ${JSON.stringify(r.unit.slice(0, 44)).padEnd(50)} ${r.worker.toFixed(1).padStart(7)} MB/s`,
    );
  }
  const worst = results[0];
  console.log(
    `adversarial: ${results.length} inputs, worst ${JSON.stringify(worst.unit.slice(0, 44))} at ${worst.worker.toFixed(1)} MB/s in one worker (target >= 50), median ${results[Math.floor(results.length / 2)].worker.toFixed(1)} MB/s`,
  );
} finally {
  await engine.close();
}
