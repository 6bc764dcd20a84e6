/**
 * Redaction of text shown to people (terminal, PR comments, HTML). Two layers: values terraform
 * marks sensitive, replaced wherever they appear (also JSON-escaped, URL-encoded and base64
 * forms); then patterns for secrets that were never marked. Every pattern has bounded
 * repetition so input cannot make it backtrack without limit.
 */

export const MASK = '***';

/** Values shorter than this are not replaced on their own (they would shred ordinary text). */
const MIN_SECRET_LENGTH = 4;

interface Rule {
  name: string;
  re: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const RULES: readonly Rule[] = [
  {
    name: 'arn-account',
    re: /\b(arn:aws[a-z-]{0,16}:[a-z0-9-]{1,64}:[a-z0-9-]{0,32}:)(\d{12})(?=:)/g,
    replace: (_m, head) => `${head}${MASK}`,
  },
  {
    name: 'assumed-role-session',
    re: /(assumed-role\/[\w+=,.@-]{1,128}\/)[\w+=,.@-]{1,128}/g,
    replace: (_m, head) => `${head}${MASK}`,
  },
  {
    name: 'access-key-id',
    re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    replace: () => `${MASK}ACCESS_KEY_ID${MASK}`,
  },
  {
    name: 'pem',
    re: /-----BEGIN ([A-Z0-9 ]{1,40})-----(?:(?!-----)[A-Za-z0-9+/=\s\\n:,-]){0,16384}?-----END \1-----/g,
    replace: (_m, kind) => `-----BEGIN ${kind}-----${MASK}-----END ${kind}-----`,
  },
  {
    name: 'key-value-secret',
    re: /((?:secret[_-]?access[_-]?key|aws[_-]?secret[_-]?access[_-]?key|secret[_-]?key|client[_-]?secret|api[_-]?key|access[_-]?token|auth[_-]?token|session[_-]?token|private[_-]?key|password|passwd|token|secret)\\?["']?\s{0,8}[:=]\s{0,8}\\?["']?)([^\s"'\\,;}&]{1,4096})/gi,
    replace: (_m, head) => `${head}${MASK}`,
  },
  {
    name: 'email',
    re: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
    replace: () => `${MASK}@${MASK}`,
  },
  {
    name: 'ipv4',
    re: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])/g,
    replace: () => `${MASK}.${MASK}.${MASK}.${MASK}`,
  },
  {
    name: 'ipv6',
    re: /(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?(?![\w:])/g,
    replace: () => `${MASK}:${MASK}`,
  },
  {
    name: 'account-id',
    re: /(?<!\d)\d{12}(?!\d)/g,
    replace: () => MASK,
  },
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every form in which a sensitive value may show up in output. */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value]);
  const json = JSON.stringify(value).slice(1, -1);
  forms.add(json);
  forms.add(encodeURIComponent(value));
  forms.add(Buffer.from(value, 'utf8').toString('base64'));
  forms.add(Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, ''));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** One alternation of all sensitive forms, longest first, so one pass replaces them all. */
export function sensitiveMatcher(values: Iterable<string>): RegExp | undefined {
  const forms = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) continue;
    for (const f of formsOf(v)) forms.add(f);
    for (const line of v.split('\n')) if (line.trim().length >= MIN_SECRET_LENGTH) forms.add(line.trim());
  }
  if (forms.size === 0) return undefined;
  const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(sorted.join('|'), 'g');
}

export interface RedactOptions {
  /** Values terraform marked sensitive. */
  sensitive?: Iterable<string> | undefined;
  /** Rules to leave out by name (e.g. `ipv4` where addresses are not secret). */
  skip?: readonly string[] | undefined;
}

export function redactText(text: string, options: RedactOptions = {}): string {
  let out = text;
  const matcher = options.sensitive ? sensitiveMatcher(options.sensitive) : undefined;
  if (matcher) out = out.replace(matcher, MASK);
  const skip = new Set(options.skip ?? []);
  for (const rule of RULES) {
    if (skip.has(rule.name)) continue;
    out = out.replace(rule.re, rule.replace as (substring: string, ...args: string[]) => string);
  }
  return out;
}

/** Collects every leaf string of `value` where the parallel `sensitive` mask is true. */
export function collectSensitive(value: unknown, mask: unknown, into: Set<string>): void {
  if (mask === true) {
    collectLeaves(value, into);
    return;
  }
  if (!mask || typeof mask !== 'object' || !value || typeof value !== 'object') return;
  if (Array.isArray(mask)) {
    if (!Array.isArray(value)) return;
    mask.forEach((m, i) => collectSensitive(value[i], m, into));
    return;
  }
  for (const [k, m] of Object.entries(mask as Record<string, unknown>)) {
    collectSensitive((value as Record<string, unknown>)[k], m, into);
  }
}

function collectLeaves(value: unknown, into: Set<string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') into.add(value);
  else if (typeof value === 'number') into.add(String(value));
  else if (Array.isArray(value)) value.forEach((v) => collectLeaves(v, into));
  else if (typeof value === 'object') Object.values(value).forEach((v) => collectLeaves(v, into));
}
