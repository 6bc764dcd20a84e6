#!/usr/bin/env node
// `tfo redact` on a 1 GB generated CI log (packages/engine/src/redaction/redact-stream.ts):
//   terraform plan/apply text with colour codes, TF_LOG=DEBUG-like HTTP dumps of the AWS SDK,
//   GitHub Actions timestamp prefixes and group markers, seeded fabricated secrets; piped through
//   the built CLI (spawned, stdin from a generator, stdout counted and discarded).
//   Reports MB/s and the peak RSS of the tfo process (worker threads included: same process);
//   target <= 150 MB. The secrets seeded are checked to be absent from the output.
// Usage: node bench/redact-stream.mjs [--mb 1024] [--workers N]   (after npm run build)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'packages/cli/dist/bin.js');
const MB = 1024 * 1024;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const TOTAL = Number(arg('mb', '1024')) * MB;
const WORKERS = arg('workers', undefined);

// fabricated secrets, built from parts
const KNOWN = 'corp-' + 'vault-' + 'Q7mZp2Lx4';
const PASSWORD = 'db-' + 'pass-' + 'Vw3nR8tY';
const SECRET_KEY = 'wJalr' + 'XUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY';
const GH = 'gh' + 'p_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
const SEEDED = [KNOWN, PASSWORD, SECRET_KEY, GH];

const ts = (i) =>
  `2026-12-07T19:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 10_000_000).padStart(7, '0')}Z `;
const esc = (code, text) => `\x1b[${code}m${text}\x1b[0m`;

/** One block of a CI log: plan text with colour, apply progress, a DEBUG HTTP dump, secrets now and then. */
function block(i) {
  const acct = String(100000000000 + ((i * 7919) % 899999999999));
  const lines = [
    `##[group]terraform plan (${i})`,
    `  ${esc('1', `# module.app["svc-${i}"].aws_s3_bucket.this`)} will be created`,
    `  ${esc('32', '+')} resource "aws_s3_bucket" "this" {`,
    `      ${esc('32', '+')} arn                         = "arn:aws:s3:::acme-dev-logs-${i}"`,
    `      ${esc('32', '+')} bucket                      = "acme-dev-logs-${i}"`,
    `      ${esc('32', '+')} id                          = (known after apply)`,
    `      ${esc('33', '~')} role_arn                    = "arn:aws:iam::${acct}:role/a" -> "arn:aws:iam::${acct}:role/b"`,
    `      ${esc('32', '+')} cidr_block                  = "10.${i % 256}.0.0/16"`,
    `    }`,
    `${esc('1', `Plan:`)} ${i % 9} to add, 0 to change, 0 to destroy.`,
    '##[endgroup]',
    `module.app["svc-${i}"].aws_lambda_function.api: Creation complete after 3s [id=api-${i}]`,
    `[DEBUG] provider.terraform-provider-aws: HTTP Request Sent: @module=aws aws.sdk=aws-sdk-go-v2 http.method=POST http.url=https://sts.us-east-1.amazonaws.com/ tf_req_id=${i}`,
    `[DEBUG] provider.terraform-provider-aws: http.request.header.authorization="AWS4-HMAC-SHA256 Credential=AKIA${String(i).padStart(16, 'X').slice(-16)}/20261207/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'ab12'.repeat(16)}"`,
    `[DEBUG] provider.terraform-provider-aws: HTTP Response Received: http.response.body="<GetCallerIdentityResult><Arn>arn:aws:sts::${acct}:assumed-role/deploy/session-${i}</Arn><Account>${acct}</Account></GetCallerIdentityResult>" http.duration=42`,
  ];
  if (i % 20 === 0) lines.push(`      ${esc('32', '+')} password = "${PASSWORD}"`, `export TOKEN=${GH}`);
  if (i % 50 === 0) lines.push(`aws_secret_access_key = ${SECRET_KEY}`, `connection uses ${KNOWN} today`);
  return lines.map((l, k) => ts(i * 20 + k) + l).join('\n') + '\n';
}

// a ring of 16 MB of distinct blocks, written over and over
const ring = [];
let ringBytes = 0;
for (let i = 0; ringBytes < 16 * MB; i++) {
  const b = Buffer.from(block(i));
  ring.push(b);
  ringBytes += b.length;
}

const dir = await mkdtemp(path.join(tmpdir(), 'tfo-bench-redact-'));
await writeFile(path.join(dir, 'known.txt'), `${KNOWN}\n`);
const args = [BIN, 'redact', '--known-secrets', path.join(dir, 'known.txt')];
if (WORKERS !== undefined) args.push('--workers', WORKERS);
const timed = existsSync('/usr/bin/time');
const child = timed
  ? spawn('/usr/bin/time', ['-v', 'node', ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  : spawn('node', args, { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
let outBytes = 0;
let leaked = 0;
let carry = '';
child.stdout.on('data', (b) => {
  outBytes += b.length;
  const s = carry + b.toString('latin1');
  for (const secret of SEEDED) if (s.includes(secret)) leaked++;
  carry = s.slice(-64);
});
// without /usr/bin/time: poll the process's own high-water mark
let hwm = 0;
const poll = timed
  ? undefined
  : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        // gone
      }
    }, 50);
const closed = new Promise((resolve) => child.on('close', resolve));

const started = process.hrtime.bigint();
let written = 0;
for (let i = 0; written < TOTAL; i++) {
  const b = ring[i % ring.length];
  written += b.length;
  if (!child.stdin.write(b)) await new Promise((r) => child.stdin.once('drain', r));
}
child.stdin.end();
const code = await closed;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (poll) clearInterval(poll);
const max = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
const peakKb = max ? Number(max[1]) : hwm;
const exitLine = timed ? /Exit status: (\d+)/.exec(stderr)?.[1] : String(code);

console.log(`tfo redact ${args.slice(2).join(' ')}`);
console.log(
  `  input ${(written / MB).toFixed(0)} MB, output ${(outBytes / MB).toFixed(0)} MB in ${seconds.toFixed(1)} s`,
);
console.log(`  throughput ${(written / MB / seconds).toFixed(1)} MB/s`);
console.log(`  peak RSS ${(peakKb / 1024).toFixed(1)} MB (${max ? '/usr/bin/time -v' : 'VmHWM'}; target <= 150 MB)`);
console.log(`  exit ${exitLine}; seeded secrets seen in the output: ${leaked}`);
if (exitLine !== '0' || leaked > 0 || peakKb > 150 * 1024) {
  if (exitLine !== '0') console.error(stderr);
  process.exitCode = 1;
}
