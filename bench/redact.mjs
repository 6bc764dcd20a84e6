#!/usr/bin/env node
// Redaction benchmarks (packages/engine/src/redact.ts):
//   - throughput on 50 MB of terraform-like output (plan/apply text, ARNs, JSON, a few secrets):
//     inside one worker of the engine's pool (redactInPool, 1 MB chunks) and single-threaded
//     redactText for comparison; target >= 50 MB/s per worker
//   - time per 5 MB adversarial input (inputs that make backtracking regexes blow up); target <= 200 ms
// Usage: node bench/redact.mjs   (after npm run build, or `npx tsc -b packages/engine`)
import { configSchema, Engine, redactInPool, redactText, resolveSettings } from '@tfo/engine';

const MB = 1024 * 1024;
const TOTAL = 50 * MB;
const CHUNK = 1 * MB;
const SENSITIVE = ['hunter2-db-password-9f8e7d', 'tf-output-secret-value-42', 'line-one-secret\nline-two-secret'];

/** Terraform-like output: plan text, apply progress, JSON plan fragments, with a few secrets. */
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

const text = terraformText(TOTAL);
const chunks = [];
for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));

// single-threaded
redactText(chunks[0], { sensitive: SENSITIVE }); // warm up
let t0 = performance.now();
let outBytes = 0;
for (const c of chunks) outBytes += redactText(c, { sensitive: SENSITIVE }).length;
let ms = performance.now() - t0;
const single = TOTAL / MB / (ms / 1000);
console.log(
  `redactText, single thread: 50 MB in ${ms.toFixed(0)} ms = ${single.toFixed(1)} MB/s (output ${(outBytes / MB).toFixed(1)} MB)`,
);

// one worker of the engine's pool
process.env.TFO_POOL_SIZE = '1';
const engine = new Engine(
  resolveSettings(
    configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } }),
    process.cwd(),
  ),
  [],
);
try {
  await redactInPool(engine, chunks[0], SENSITIVE); // start and warm the worker
  t0 = performance.now();
  for (const c of chunks) await redactInPool(engine, c, SENSITIVE);
  ms = performance.now() - t0;
  const pooled = TOTAL / MB / (ms / 1000);
  console.log(
    `redactInPool, 1 worker, 1 MB chunks: 50 MB in ${ms.toFixed(0)} ms = ${pooled.toFixed(1)} MB/s (target >= 50)`,
  );
} finally {
  await engine.close();
}

// adversarial inputs, 5 MB each
const SIZE = 5 * MB;
const fill = (unit) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const adversarial = {
  '@': fill('@'),
  'a@': fill('a@'),
  'a@b.': fill('a@b.'),
  '1.': fill('1.'),
  ':': fill(':'),
  'a:': fill('a:'),
  'arn:aws:': fill('arn:aws:'),
  'arn:aws:iam::': fill('arn:aws:iam::'),
  '-----BEGIN X-----': fill('-----BEGIN X-----'),
  '-----BEGIN X-----AAAA\\n': fill('-----BEGIN X-----AAAA\\n'),
  'password=': fill('password='),
  'password: "': fill('password: "'),
  AKIA: fill('AKIA'),
  'assumed-role/': fill('assumed-role/'),
  'eyJ-': fill('eyJ-'),
  'Bearer ': fill('Bearer '),
  digits: fill('9'),
  hex: fill('0123456789abcdef'),
  base64: fill(b64),
  'base64 url-safe': fill(b64.replace('+', '-').replace('/', '_')),
  '1.1.': fill('1.1.'),
  'f:f:': fill('f:f:'),
  'a.': fill('a.'),
  '-': fill('-'),
};
let worst = 0;
for (const [name, input] of Object.entries(adversarial)) {
  const start = performance.now();
  redactText(input, { sensitive: SENSITIVE });
  const took = performance.now() - start;
  worst = Math.max(worst, took);
  console.log(`adversarial 5 MB ${JSON.stringify(name).padEnd(28)} ${took.toFixed(1).padStart(7)} ms`);
}
console.log(`adversarial worst: ${worst.toFixed(1)} ms (target <= 200)`);
