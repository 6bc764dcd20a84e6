// Helpers for the CI log shapes of the redaction corpus (corpus-ci*.mjs): GitHub Actions line
// prefixes, colour codes, and a collector of cases with the must-stay strings every CI case shares.
import { stripVTControlCharacters } from 'node:util';
import { makeCase, matchesOf } from './corpus-cases.mjs';

export const ESC = '\u001b';
export const c = (code, text) => `${ESC}[${code}m${text}${ESC}[0m`;

/** GitHub Actions prefixes every line with an ISO timestamp of 7 fractional digits. */
export function actions(lines, start = 0) {
  return lines
    .map((line, i) => {
      const ms = start + i * 37;
      const sec = String(Math.floor(ms / 1000) % 60).padStart(2, '0');
      const frac = String((ms % 1000) * 10000 + 1234).padStart(7, '0');
      return `2026-12-07T10:00:${sec}.${frac}Z ${line}`;
    })
    .join('\n');
}

const STAY_COMMON = [
  '##[group]',
  '##[endgroup]',
  '##[error]',
  '##[warning]',
  'section_start',
  'section_end',
  'us-east-1',
  '0.0.0.0/0',
  'acme-corpus-artifacts-use1',
  'aws_ssm_parameter.bootstrap',
  'aws_secretsmanager_secret_version.app',
  'aws_iam_access_key.ci',
  'tfo-deployer',
  'Plan: ',
  '(sensitive value)',
  'hooks.slack.com/services/',
  'registry.acme-corp.example',
  'orders_admin',
  'acme-corpus-orders',
  'Process completed with exit code 1.',
  'Login Succeeded',
  'connect: connection refused',
  ':443',
  ':5432',
  'Run terraform',
  'Run aws sts',
];

const STAY_PATTERNS = [
  /\b2026-12-07T\d\d:\d\d:\d\d\.\d{7}Z/g,
  /sha256:[0-9a-f]{64}/g,
  /\b[0-9a-f]{40}\b/g,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
  /\bi-[0-9a-f]{17}\b/g,
  /Plan: \d+ to add, \d+ to change, \d+ to destroy\./g,
  /<RequestId>([^<]{8,64})<\/RequestId>/g,
];

/** Cases and the function that adds one (dropped when none of its strings occurs in its input). */
export function collector() {
  const cases = [];
  // `sensitive`: values tfo knows as secrets (`--known-secrets`, a plan's sensitive values) -
  // for secrets that nothing in the text marks, which only a known value can remove
  const add = (name, source, input, go, stay = [], sensitive = []) => {
    const made = makeCase({
      name,
      source,
      input,
      sensitive,
      go,
      stay: [...STAY_COMMON, ...stay, ...STAY_PATTERNS.flatMap((re) => matchesOf(stripVTControlCharacters(input), re))],
    });
    if (made) cases.push(made);
  };
  return { cases, add };
}
