/**
 * Redaction of text shown to people (terminal, PR comments, HTML).
 *
 * Layer 1 - sensitive values. Every value terraform marked sensitive (`options.sensitive`, at
 * least 4 characters) is replaced by `***` wherever it appears, also inside words, in each of
 * these forms: as is; JSON-escaped (plain, Go-style with `<>&` as `\u003c`..., all non-ASCII as
 * `\uXXXX`, and JSON-escaped twice, as in JSON inside a JSON string); URL-encoded
 * (encodeURIComponent, `+` for spaces, lower-case hex, encodeURI); base64 standard and url-safe,
 * with and without padding, and - for values of 6+ bytes - the part of the encoding that does not
 * depend on neighbouring bytes when the value sits at any offset inside a larger base64 blob
 * (e.g. `user:password` in a Basic auth header). Each line (trimmed, 4+ characters) of a
 * multi-line value is also replaced on its own, as is and JSON-escaped. Longest forms win.
 *
 * Layer 2 - patterns, applied in this order (rule names, for `options.skip`):
 *   pem                   `-----BEGIN <LABEL>-----` ... `-----END <LABEL>-----` (LABEL: A-Z, 0-9,
 *                         space; body: base64 characters, whitespace, `\` escapes such as the
 *                         `\n` of a JSON string, and `:,-` of PEM headers) becomes
 *                         `-----BEGIN <LABEL>-----***-----END <LABEL>-----`. Without a matching
 *                         END, the base64 lines that follow the header are masked
 *                         (`-----BEGIN <LABEL>-----***`) - lines of 16+ base64 characters, or
 *                         shorter ones ending in `=`.
 *   token                 well-known token formats, whole token -> `***`: GitHub (`ghp_`, `gho_`,
 *                         `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab `glpat-`, Slack `xox?-`,
 *                         Stripe `sk_live_`/`rk_live_`, JWTs (`eyJ...`.`eyJ...`.`...`); and
 *                         `Bearer <8+ chars>` -> `Bearer ***`.
 *   key-value-secret      a key whose name ends in (case-insensitive) password, passwd,
 *                         passphrase, secret, token, secret_key / secret_access_key, api_key,
 *                         private_key (`-`, `_` or nothing between words; so also db_password,
 *                         client_secret, AWS_SECRET_ACCESS_KEY, SessionToken, X-Api-Key ...),
 *                         then optional quote (also `\"`), `=` or `:`, and a value: the value is
 *                         masked, key, separator and quotes kept: `password = "***"`,
 *                         `"token": "***"`, `{\"api_key\": \"***\"}`, `SECRET=***`. A quoted
 *                         value runs to its closing quote (at most 4096 characters, one line);
 *                         an unquoted one up to whitespace, a quote, `\ , ; } ) ] &`. Left alone:
 *                         values `(sensitive value)`, `(known after apply)`, `null`, `true`,
 *                         `false`, `***`, `${...}` and `var.` references, heredoc markers `<<EOT`
 *                         (the heredoc body is left to the other rules). Key names that only
 *                         contain such a word (`password_length`, `token_ttl`, `secret_name`)
 *                         are not keys of secrets.
 *   arn-account           `arn:<partition>:<service>:<region>:<12 digits>:` -> the account only:
 *                         `arn:aws:iam::***:role/x`.
 *   assumed-role-session  the session name after `assumed-role/<role>/`, and after a role's
 *                         unique id `AROA<16>:` -> `***`.
 *   access-key-id         AKIA, ASIA, AGPA, AIDA, AROA, ANPA, ANVA, AIPA, ABIA, ACCA + 16
 *                         upper-case letters/digits -> `***ACCESS_KEY_ID***`.
 *   email                 local@domain.tld -> `***@***`.
 *   ipv6                  full, compressed (`::`) and IPv4-embedded (`::ffff:1.2.3.4`) forms,
 *                         validated (8 groups, or fewer with exactly one `::`) -> `***:***`.
 *                         Times (12:30:45) and MAC addresses are not IPv6. Kept readable
 *                         (not secret, and what a reader must see to judge a finding): `::`
 *                         (so `::/0`) and the instance metadata address `fd00:ec2::254`.
 *   ipv4                  dotted quads with every octet 0-255, not part of a longer dotted or
 *                         word run -> `***.***.***.***`. CIDRs keep their prefix length
 *                         (the `/16` stays); 4-part versions with octets <= 255 (1.2.3.4)
 *                         are masked too; 3-part versions (5.100.0) are not. Kept readable:
 *                         `0.0.0.0` (so `0.0.0.0/0`) and the link-local metadata addresses
 *                         `169.254.169.254` (EC2 instance metadata) and `169.254.170.2` (ECS
 *                         task credentials).
 *   account-id            a run of exactly 12 digits, not touching letters, digits, `_` or `.`
 *                         on either side (so not inside hex digests, longer numbers or decimals,
 *                         and not the last group of a UUID) -> `***`. `-` and `:` and `/` are
 *                         separators: `acme-123456789012-logs` -> `acme-***-logs`,
 *                         `123456789012.dkr.ecr...` -> `***.dkr.ecr...`.
 * Then: values found by `token`, `key-value-secret` and `access-key-id` of 8+ characters are
 * removed wherever else they appear in the same text, in all the forms of layer 1.
 *
 * Every regular expression has bounded repetition and starts behind a look-behind that fails
 * inside a run of its own characters, so each run is tried once: time is linear in the input.
 * PEM blocks are found with indexOf. Rules whose trigger text is absent are skipped.
 */

export const MASK = '***';

/** Values shorter than this are not replaced on their own (they would shred ordinary text). */
const MIN_SECRET_LENGTH = 4;
/** Values found by patterns are replaced elsewhere in the text only from this length. */
const MIN_ECHO_LENGTH = 8;

type Replacer = (match: string, ...groups: string[]) => string;

interface Rule {
  name: string;
  /** Cheap test: when false, the rule cannot match and is skipped. */
  has?: (text: string) => boolean;
  apply: (text: string, found: Set<string>) => string;
}

/** Values found by a rule, for the echo pass: at most this many per rule and text. */
const MAX_FOUND = 64;

/**
 * A regex rule. Replacements are strings (`$1***`) where possible: a callback per match costs far
 * more than the match. `found` names the groups that may hold the secret value (0: the whole match).
 */
function regexRule(
  name: string,
  re: RegExp,
  replacement: string | Replacer,
  options: { has?: (text: string) => boolean; found?: readonly number[] } = {},
): Rule {
  const { has, found: group } = options;
  return {
    name,
    ...(has ? { has } : {}),
    apply: (text, found) => {
      if (group !== undefined) collect(text, re, group, found);
      return text.replace(re, replacement as string);
    },
  };
}

function collect(text: string, re: RegExp, groups: readonly number[], into: Set<string>): void {
  const copy = new RegExp(re.source, re.flags);
  for (let i = 0; i < MAX_FOUND; i++) {
    const m = copy.exec(text);
    if (!m) return;
    const value = groups.map((g) => m[g]).find((v) => v !== undefined);
    if (value) into.add(value);
  }
}

const KEY_VALUE =
  /(password|passwd|passphrase|secret[_-]?(?:access[_-]?)?key|secret|token|api[_-]?key|private[_-]?key)(\\{0,3}["']?[ \t]{0,8}[:=][ \t]{0,8})(?!\\{0,3}["']?(?:\((?:sensitive|known)\b|(?:null|true|false)(?![^\s"'\\,;})\]&])|\*\*\*|\$\{|var\.|<<))(?:(\\{1,3}")([^"\\\n]{1,4096})|(")((?:[^"\\\n]|\\[^\n]){1,4096})|(')([^'\n]{1,4096})|([^\s"'\\,;})\]&]{1,4096}))/gi;

const TOKEN =
  /(?<![A-Za-z0-9_-])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251}|glpat-[A-Za-z0-9_-]{20,64}|xox[abposr]-[A-Za-z0-9-]{10,250}|[sr]k_live_[A-Za-z0-9]{16,247}|eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8,4096})(?![A-Za-z0-9_-])/g;

const BEARER = /(?<![A-Za-z])([Bb]earer[ \t]{1,8})([A-Za-z0-9._~+/-]{8,4096}={0,2})/g;

const ACCESS_KEY_ID =
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;

const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

/**
 * Addresses that are not secret and that a reader needs to see (the open-to-the-world range, the
 * link-local metadata endpoints): never masked. IPv4 ones are written into the regular expression
 * below as a look-ahead, so replacement stays one string replace.
 */
export const READABLE_IPV4: readonly string[] = ['0.0.0.0', '169.254.169.254', '169.254.170.2'];
export const READABLE_IPV6: readonly string[] = ['::', 'fd00:ec2::254'];
const KEEP_IPV6: ReadonlySet<string> = new Set(READABLE_IPV6);

const IPV4 = new RegExp(
  `(?<![\\w.])(?!(?:${READABLE_IPV4.map(escapeRegExp).join('|')})(?!\\w|\\.\\d))` +
    /(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/.source,
  'g',
);

const ACCOUNT_ID = /(?<![\w.]|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-)\d{12}(?!\w|\.\d)/g;

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(p));
}

function isIPv6(s: string): boolean {
  let groups = 0;
  let body = s;
  if (s.includes('.')) {
    const cut = s.lastIndexOf(':');
    if (cut < 0 || !isIPv4(s.slice(cut + 1))) return false;
    body = s.slice(0, cut + 1);
    groups = 2;
    // `::1.2.3.4` / `x::1.2.3.4`: the tail follows `::`; `x:...:1.2.3.4`: a single colon
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  let total = groups;
  for (const half of halves) {
    if (half === '') continue;
    for (const g of half.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return false;
      total += 1;
    }
  }
  if (halves.length === 2) return total >= 1 && total <= 7;
  return total === 8;
}

const RULES: readonly Rule[] = [
  { name: 'pem', has: (t) => t.includes('-----BEGIN '), apply: (t) => redactPem(t) },
  regexRule('token', TOKEN, MASK, { found: [0] }),
  regexRule('token', BEARER, `$1${MASK}`, { found: [2], has: (t) => /[Bb]earer/.test(t) }),
  regexRule('key-value-secret', KEY_VALUE, `$1$2$3$5$7${MASK}`, { found: [4, 6, 8, 9] }),
  regexRule('arn-account', /(arn:aws[a-z-]{0,16}:[a-z0-9-]{1,64}:[a-z0-9-]{0,32}:)\d{12}(?=:)/g, `$1${MASK}`, {
    has: (t) => t.includes('arn:'),
  }),
  regexRule(
    'assumed-role-session',
    /(assumed-role\/[\w+=,.@-]{1,128}\/|(?<![A-Za-z0-9])AROA[A-Z0-9]{16}:)[\w+=,.@-]{1,128}/g,
    `$1${MASK}`,
    { has: (t) => t.includes('assumed-role/') || t.includes('AROA') },
  ),
  regexRule('access-key-id', ACCESS_KEY_ID, `${MASK}ACCESS_KEY_ID${MASK}`, { found: [0] }),
  regexRule('email', EMAIL, `${MASK}@${MASK}`, { has: (t) => t.includes('@') }),
  { name: 'ipv6', has: (t) => t.includes(':'), apply: (t) => redactIPv6(t) },
  regexRule('ipv4', IPV4, `${MASK}.${MASK}.${MASK}.${MASK}`, { has: (t) => t.includes('.') }),
  regexRule('account-id', ACCOUNT_ID, MASK),
];

// ---------------------------------------------------------------------------------------------
// IPv6, found from each colon with indexOf: the run of hex digits, colons and dots around it is
// one candidate (looked at once), kept unless isIPv6 says it is an address.

const IPV6_RUN = charTable('0123456789ABCDEFabcdef:.');
const WORD = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_');
const MAX_IPV6 = 45;

function redactIPv6(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let pos = 0;
  for (;;) {
    const colon = text.indexOf(':', pos);
    if (colon < 0) break;
    let start = colon;
    while (start > pos && inTable(IPV6_RUN, text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && inTable(IPV6_RUN, text.charCodeAt(end))) end++;
    pos = end;
    if (start > 0 && inTable(WORD, text.charCodeAt(start - 1))) continue;
    if (end < text.length && inTable(WORD, text.charCodeAt(end))) continue;
    let stop = end;
    while (stop > start && text.charCodeAt(stop - 1) === 46) stop--; // a sentence's full stop
    if (stop - start > MAX_IPV6 || stop - start < 2 || text.charCodeAt(start) === 46) continue;
    const candidate = text.slice(start, stop);
    if (candidate.indexOf(':') === candidate.lastIndexOf(':') || !isIPv6(candidate)) continue;
    if (KEEP_IPV6.has(candidate.toLowerCase())) continue;
    parts.push(text.slice(copied, start), `${MASK}:${MASK}`);
    copied = stop;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// PEM blocks, found with indexOf: each character is looked at a bounded number of times.

const PEM_BEGIN = '-----BEGIN ';
const DASHES = '-----';

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}
const B64 = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=');
const PEM_BODY = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n\\:,-');
const PEM_LABEL = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ');

function inTable(table: Uint8Array, code: number): boolean {
  return code < 128 && table[code] === 1;
}

/** End of the base64 lines right after a header that has no END: `from` when there are none. */
function unterminatedEnd(text: string, from: number, limit: number): number {
  let end = from;
  let i = from;
  for (;;) {
    // separators: whitespace and `\n`, `\r`, `\t` escapes (one or more backslashes)
    for (;;) {
      const c = text.charCodeAt(i);
      if (i < limit && (c === 32 || c === 9 || c === 10 || c === 13)) i++;
      else if (i < limit && c === 92) {
        let j = i;
        while (j < limit && text.charCodeAt(j) === 92) j++;
        const e = text.charCodeAt(j);
        if (j < limit && (e === 110 || e === 114 || e === 116)) i = j + 1;
        else break;
      } else break;
    }
    let k = i;
    while (k < limit && inTable(B64, text.charCodeAt(k))) k++;
    const length = k - i;
    if (length === 0 || (length < 16 && text.charCodeAt(k - 1) !== 61)) break;
    end = k;
    i = k;
  }
  return end;
}

function redactPem(text: string): string {
  let out = '';
  let copied = 0;
  let pos = 0;
  for (;;) {
    const begin = text.indexOf(PEM_BEGIN, pos);
    if (begin < 0) break;
    let l = begin + PEM_BEGIN.length;
    while (l - begin - PEM_BEGIN.length < 40 && l < text.length && inTable(PEM_LABEL, text.charCodeAt(l))) l++;
    const label = text.slice(begin + PEM_BEGIN.length, l);
    if (label.length === 0 || !text.startsWith(DASHES, l)) {
      pos = begin + 1;
      continue;
    }
    const bodyStart = l + DASHES.length;
    const next = text.indexOf(DASHES, bodyStart);
    const limit = next < 0 ? text.length : next;
    const end = `-----END ${label}-----`;
    let valid = next >= 0 && text.startsWith(end, next);
    for (let i = bodyStart; valid && i < limit; i++) valid = inTable(PEM_BODY, text.charCodeAt(i));
    if (valid) {
      out += `${text.slice(copied, begin)}-----BEGIN ${label}-----${MASK}${end}`;
      copied = pos = next + end.length;
      continue;
    }
    const stop = unterminatedEnd(text, bodyStart, limit);
    if (stop > bodyStart) {
      out += `${text.slice(copied, bodyStart)}${MASK}`;
      copied = stop;
    }
    if (next < 0) break;
    // continue at the dashes that ended this body: they may open the next block
    pos = Math.max(next, begin + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

// ---------------------------------------------------------------------------------------------
// Layer 1: sensitive values.

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function json(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

const urlSafe = (b64: string): string => b64.replace(/\+/g, '-').replace(/\//g, '_');

/** Every form in which a sensitive value may show up in output. */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value]);
  const j = json(value);
  forms.add(j);
  forms.add(json(j));
  forms.add(j.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  forms.add(j.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const url = encodeURIComponent(value);
  forms.add(url);
  forms.add(url.replace(/%20/g, '+'));
  forms.add(url.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  try {
    forms.add(encodeURI(value));
  } catch {
    // lone surrogates: encodeURIComponent above would have thrown too
  }
  const bytes = Buffer.from(value, 'utf8');
  const b64 = bytes.toString('base64');
  for (const b of [b64, urlSafe(b64)]) {
    forms.add(b);
    forms.add(b.replace(/=+$/, ''));
  }
  if (bytes.length >= 6) {
    // the value at byte offset k (mod 3) of a larger blob: the characters it alone determines
    for (let k = 0; k < 3; k++) {
      const shifted = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
      const infix = shifted.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
      if (infix.length >= 8) {
        forms.add(infix);
        forms.add(urlSafe(infix));
      }
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

let cachedKey: string | undefined;
let cachedMatcher: RegExp | undefined;

/** One alternation of all sensitive forms, longest first, so one pass replaces them all. */
export function sensitiveMatcher(values: Iterable<string>): RegExp | undefined {
  const forms = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) continue;
    for (const f of formsOf(v)) forms.add(f);
    if (v.includes('\n')) {
      for (const raw of v.split('\n')) {
        const line = raw.trim();
        if (line.length < MIN_SECRET_LENGTH) continue;
        forms.add(line);
        forms.add(json(line));
      }
    }
  }
  if (forms.size === 0) return undefined;
  const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(sorted.join('|'), 'g');
}

/** The matcher for the same values as last time is reused (the worker gets one list per chunk). */
function cachedSensitiveMatcher(values: Iterable<string>): RegExp | undefined {
  const list: string[] = [];
  for (const v of values) if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) list.push(v);
  if (list.length === 0) return undefined;
  const key = list.join('\u0000');
  if (key !== cachedKey) {
    cachedKey = key;
    cachedMatcher = sensitiveMatcher(list);
  }
  return cachedMatcher;
}

export interface RedactOptions {
  /** Values terraform marked sensitive. */
  sensitive?: Iterable<string> | undefined;
  /** Rules to leave out by name (e.g. `ipv4` where addresses are not secret). */
  skip?: readonly string[] | undefined;
}

export function redactText(text: string, options: RedactOptions = {}): string {
  let out = text;
  const matcher = options.sensitive ? cachedSensitiveMatcher(options.sensitive) : undefined;
  if (matcher) out = out.replace(matcher, MASK);
  const skip = options.skip && options.skip.length > 0 ? new Set(options.skip) : undefined;
  const found = new Set<string>();
  for (const rule of RULES) {
    if (skip?.has(rule.name)) continue;
    if (rule.has && !rule.has(out)) continue;
    out = rule.apply(out, found);
  }
  const echo = [...found].filter((v) => v.length >= MIN_ECHO_LENGTH && v !== MASK);
  if (echo.length > 0) {
    const again = sensitiveMatcher(echo);
    if (again) out = out.replace(again, MASK);
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
