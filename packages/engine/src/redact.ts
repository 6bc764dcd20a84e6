/**
 * Redaction of text shown to people (terminal, PR comments, HTML, `tfo redact`).
 *
 * Step 0 - normalise. Terminal control sequences (colour codes, hyperlinks) are removed first
 * (redact-vt.ts), so a colour code between a key and its `=`, or right before a token, hides
 * nothing. The output never contains them.
 *
 * Layer 1 - known secrets (redact-sensitive.ts). Every value terraform marked sensitive (and any
 * other known secret: `--known-secrets`, state outputs; at least 4 characters) is replaced by
 * `***` wherever it appears, also inside words, in each of these forms: as is; JSON-escaped
 * (plain, Go-style with `<>&` as `\u003c`..., all non-ASCII as `\uXXXX`, and JSON-escaped twice,
 * as in JSON inside a JSON string); XML/HTML-escaped; URL-encoded (encodeURIComponent, `+` for
 * spaces, lower-case hex, encodeURI); base64 standard and url-safe, with and without padding,
 * and - for values of 6+ bytes - the part of the encoding that does not depend on neighbouring
 * bytes when the value sits at any offset inside a larger base64 blob (e.g. `user:password` in
 * a Basic auth header). Each line (trimmed, 4+ characters) of a multi-line value is also
 * replaced on its own, as is and JSON-escaped. Longest forms win.
 *
 * Layer 2 - patterns, applied in this order (rule names, for `options.skip`). Those whose matches
 * may span lines (pem, sensitive-output, jwt-part, chpasswd, botocore's `Signature:` line) run
 * over the whole text first; the others over pieces of 64 KB cut at line ends (faster: the passes
 * stay in the CPU's cache).
 *   pem                   PEM blocks however printed: as is, `\n`-escaped, one JSON array
 *                         element or one prefixed log line per line (redact-pem.ts). With an END
 *                         -> `-----BEGIN <LABEL>-----***-----END <LABEL>-----`; without, the
 *                         base64 lines after the header are masked.
 *   sensitive-output      the `"value"` of an output marked `"sensitive": true` in state JSON
 *                         (`"value": V, "type": T, "sensitive": true`) and in `terraform output
 *                         -json` (`"sensitive": true, "type": T, "value": V`), for scalar V.
 *   token                 well-known token formats, whole token -> `***`: GitHub (`ghp_`, `gho_`,
 *                         `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab `glpat-`, Slack `xox?-`
 *                         and `xapp-`, Stripe `sk_live_`/`rk_live_`, npm `npm_`, Google `AIza`,
 *                         AWS session tokens (`IQoJb3JpZ2luX2Vj...`, `FwoGZXIvYXdzE...`,
 *                         `FQoGZXIvYXdzE...`), JWTs (`eyJ...`.`eyJ...`.`...`); the secret part of
 *                         Slack, Discord and Teams webhook URLs; `Bearer <8+ chars>` -> `Bearer ***`,
 *                         and `Basic <base64>` after `Authorization`.
 *   key-value-secret      a key whose name ends in (case-insensitive) password (`_v4` too),
 *                         passwd, passphrase, secret, secret_key / secret_access_key,
 *                         secret_string / secret_binary, token, api_key, private_key (`_pem`,
 *                         `_openssh`), session_name, external_id, signature, credential(s),
 *                         webhook_url (`-`, `_` or nothing between words; so also db_password,
 *                         client_secret, AWS_SECRET_ACCESS_KEY, SessionToken, X-Amz-Security-Token,
 *                         RoleSessionName, ExternalId, X-Api-Key ...) -> its value is masked, in
 *                         these forms (redact-key-value.ts): `key <any padding> = value` with `=`,
 *                         `:`, `=>` or a table's `|` (HCL, env, YAML, JSON, `\"`-escaped JSON,
 *                         log fields, query strings), also terraform's `old -> new` (both);
 *                         `<Key>value</Key>` (XML, also `\u003c`-escaped); `--key value` (CLI
 *                         flags); `aws configure set aws_secret_access_key value`. A quoted value
 *                         runs to its closing quote (on one line, however long); an
 *                         unquoted one up to whitespace, a quote, `\ , ; } ) ] & < > |`. Left
 *                         alone: `(sensitive value)`, `(known after apply)`, `null`, `true`,
 *                         `false`, `***`, `${...}`, `var.`/`local.`/`module.`/`data.` references,
 *                         heredoc markers `<<EOT`, and `{`/`[`/`(` openers. Key names that only
 *                         contain such a word (`password_length`, `token_ttl`, `secret_name`)
 *                         are not keys of secrets.
 *   cli-password          `docker login ... -p value`, `mysql ... -pvalue`, GitHub's
 *                         `::add-mask::value`.
 *   url-credentials       the password of `scheme://user:password@host` -> `user:***@`.
 *   chpasswd              the passwords of cloud-init `chpasswd` lists (`user:password`).
 *   jwt-part              a JWT cut short (`eyJ...` with 8+ characters): masked; when it ends
 *                         its line, the first base64url run of the next line (its rest, behind a
 *                         log prefix) too.
 *   secret-near-key-id    after an `AKIA`/`ASIA` key id, on its line and at most 256 characters
 *                         on: a run of 30-99 base64 characters mixing cases and digits (a secret
 *                         access key is 40) or of 100+ (a session token) - `--output text`, CSV
 *                         and `id:secret` shapes.
 *   arn-account           `arn:<partition>:<service>:<region>:<12 digits>:` -> the account only:
 *                         `arn:aws:iam::***:role/x`.
 *   assumed-role-session  the session name after `assumed-role/<role>/` (also `%2F`-encoded),
 *                         and after an IAM unique id `AROA...:` / `AIDA...:` -> `***`.
 *   access-key-id         access key ids and IAM unique ids: AKIA, ASIA, AGPA, AIDA, AROA, ANPA,
 *                         ANVA, AIPA, ABIA, ACCA, APKA, ASCA + 16 or 17 upper-case letters/digits
 *                         (20 or 21 in all) -> `***ACCESS_KEY_ID***`.
 *   email                 local@domain.tld -> `***@***`.
 *   ipv6                  full, compressed (`::`) and IPv4-embedded (`::ffff:1.2.3.4`) forms,
 *                         validated (8 groups, or fewer with exactly one `::`), also followed by a
 *                         `:` -> `***:***`. Times (12:30:45) and MAC addresses are not IPv6. Kept
 *                         readable (not secret, and what a reader must see to judge a finding):
 *                         `::` (so `::/0`) and the instance metadata address `fd00:ec2::254`.
 *   ipv4                  dotted quads with every octet 0-255, not part of a longer dotted or
 *                         word run -> `***.***.***.***`. CIDRs keep their prefix length
 *                         (the `/16` stays); 4-part versions with octets <= 255 (1.2.3.4)
 *                         are masked too; 3-part versions (5.100.0) are not. Kept readable:
 *                         `0.0.0.0` (so `0.0.0.0/0`) and the link-local metadata addresses
 *                         `169.254.169.254` (EC2 instance metadata) and `169.254.170.2` (ECS
 *                         task credentials).
 *   account-id            a run of exactly 12 digits, not touching letters, digits, `_` or `.`
 *                         on either side (so not inside hex digests, longer numbers or decimals,
 *                         and not the last group of a UUID), or right after `%3A`/`%2F` (an
 *                         URL-encoded ARN) -> `***`. `-` and `:` and `/` are separators:
 *                         `acme-123456789012-logs` -> `acme-***-logs`.
 * Then: values found by `key-value-secret`, `secret-near-key-id`, `Bearer` and `::add-mask::` of
 * 8 to 1,024 characters (at most 32 a text) are removed wherever else they appear in the same text: as
 * is, JSON-escaped, URL-encoded and base64-encoded. (Tokens and key ids need no echo: their own
 * rule finds them wherever they are, and their encodings are themselves.)
 *
 * Every regular expression has bounded repetition (but the run of a key's value to its end, which
 * nothing follows, so it is read once), and each rule's work per match is bounded, so time is
 * linear in the input. Rules whose trigger text is absent are skipped.
 */
import { KEY_VALUE_RULES } from './redact-key-value.js';
import { redactPem } from './redact-pem.js';
import {
  redactChpasswd,
  redactIPv6,
  redactJwtParts,
  redactSecretsNearKeyIds,
  redactUrlCredentials,
} from './redact-scan.js';
import { cachedSensitiveMatcher, escapeRegExp, MASK } from './redact-sensitive.js';
import { stripControl } from './redact-vt.js';

export { collectSensitive, MASK, sensitiveMatcher } from './redact-sensitive.js';
export { READABLE_IPV6 } from './redact-scan.js';

/** Values found by patterns are replaced elsewhere in the text only from this length. */
const MIN_ECHO_LENGTH = 8;

interface Rule {
  name: string;
  /**
   * Cheap test: when false, the rule cannot match and is skipped. `includes` of a pattern is slow
   * on a text dense in the pattern's first character, so the patterns start with characters that
   * few other gates share (`KIA` for `AKIA`), and single characters where that is enough. A rule
   * whose expression starts with a literal (`eyJ`, `arn:aws`, `://`) needs none: the engine finds
   * the literal as fast as `includes` would.
   */
  has?: (text: string) => boolean;
  apply: (text: string, found: Set<string>) => string;
}

/** Values found by a rule, for the echo pass: at most this many per rule and text. */
const MAX_FOUND = 32;
/** Values the echo pass looks for, per text. */
const MAX_ECHO = 32;
/** Longer values are not looked for elsewhere (a certificate or a JSON blob is not printed twice). */
const MAX_ECHO_LENGTH = 1024;

/**
 * Replaces every match of `re` and records the value `pick` takes from the first MAX_FOUND
 * matches (for the echo pass). The matches are found once with `exec`: with fewer than
 * MAX_FOUND, the output is built from them (one scan); with more (a text dense with matches),
 * the rest goes to one string replace, which costs far less per match than a callback.
 */
function replaceCollecting(
  text: string,
  re: RegExp,
  scanner: RegExp,
  replacement: string,
  pick: (m: RegExpExecArray) => string | undefined,
  found: Set<string>,
): string {
  scanner.lastIndex = 0;
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < MAX_FOUND; i++) {
    const m = scanner.exec(text);
    if (!m) {
      if (copied === 0) return text;
      parts.push(text.slice(copied));
      return parts.join('');
    }
    const value = pick(m);
    if (value) found.add(value);
    parts.push(text.slice(copied, m.index), expand(replacement, m));
    copied = m.index + m[0].length;
    if (m[0].length === 0) scanner.lastIndex++;
  }
  return text.replace(re, replacement);
}

/** `$1`..`$9` of a replacement template, from the groups of one match. */
function expand(template: string, m: ReadonlyArray<string | undefined>): string {
  if (!template.includes('$')) return template;
  return template.replace(/\$(\d)/g, (_, d: string) => {
    const g = m[Number(d)];
    return typeof g === 'string' ? g : '';
  });
}

/**
 * A regex rule. Replacements are strings (`$1***`). `found` names the groups that may hold the
 * secret value (0: the whole match), recorded for the echo pass.
 */
function regexRule(
  name: string,
  re: RegExp,
  replacement: string,
  options: { has?: (text: string) => boolean; found?: readonly number[] } = {},
): Rule {
  const { has, found: groups } = options;
  const scanner = new RegExp(re.source, re.flags);
  const pick = (m: RegExpExecArray): string | undefined => groups?.map((g) => m[g]).find((v) => v !== undefined);
  return {
    name,
    ...(has ? { has } : {}),
    apply: (text, found) =>
      groups === undefined
        ? text.replace(re, replacement)
        : replaceCollecting(text, re, scanner, replacement, pick, found),
  };
}

/** A key-value rule: its value follows group 1 (key, separator and opening quote). */
function keyValueRule(re: RegExp, replacement: string, has?: (text: string) => boolean): Rule {
  const scanner = new RegExp(re.source, re.flags);
  const pick = (m: RegExpExecArray): string => m[0].slice(m[1]!.length);
  return {
    name: 'key-value-secret',
    ...(has ? { has } : {}),
    apply: (text, found) => replaceCollecting(text, re, scanner, replacement, pick, found),
  };
}

const TOKEN =
  /(?<![A-Za-z0-9_-])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251}|glpat-[A-Za-z0-9_-]{20,64}|xox[abposr]-[A-Za-z0-9-]{10,250}|xapp-[A-Za-z0-9-]{10,250}|[sr]k_live_[A-Za-z0-9]{16,247}|npm_[A-Za-z0-9]{36}|AIza[A-Za-z0-9_-]{35}|(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE)[A-Za-z0-9+/=]{16,8192}|eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8,4096})(?![A-Za-z0-9_-])/g;

const JWT =
  /eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8,4096}(?![A-Za-z0-9_-])/g;

const WEBHOOK =
  /((?:hooks\.slack\.com\/(?:services|workflows|triggers)|discord(?:app)?\.com\/api\/webhooks|\.webhook\.office\.com\/webhookb2)\/)[A-Za-z0-9@/_-]{8,512}/g;

const BEARER = /(?<![A-Za-z])([Bb]earer[ \t]{1,8})([A-Za-z0-9._~+/-]{8,4096}={0,2})/g;
const BASIC =
  /((?:authorization|Authorization|AUTHORIZATION)\\{0,3}["']?[ \t]{0,8}[:=][ \t]{0,8}\\{0,3}["']?[Bb]asic[ \t]{1,8})[A-Za-z0-9+/]{0,4096}(?:\*\*\*)?[A-Za-z0-9+/]{0,4096}={0,2}(?<=[A-Za-z0-9+/=*]{4})/g;

const UNIQUE_ID = String.raw`(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA|APKA|ASCA)[A-Z0-9]{16,17}`;
const ACCESS_KEY_ID = new RegExp(`(?<![A-Za-z0-9])${UNIQUE_ID}(?![A-Za-z0-9])`, 'g');
const SESSION = new RegExp(
  String.raw`(assumed-role(?:\/|%2[Ff])[\w+=,.@-]{1,128}(?:\/|%2[Ff])|(?<![A-Za-z0-9])(?:AROA|AIDA)[A-Z0-9]{16,17}:)[\w+=,.@-]{1,128}`,
  'g',
);

/** From the `@` (a fast start), then back over the local part by hand: `***@***`. */
const EMAIL_AT =
  /[A-Za-z0-9._%+-]@(?<=(?:^|[^A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
const LOCAL_PART = /[A-Za-z0-9._%+-]/;

function redactEmails(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  EMAIL_AT.lastIndex = 0;
  for (let m = EMAIL_AT.exec(text); m; m = EMAIL_AT.exec(text)) {
    let start = m.index;
    while (start > copied && LOCAL_PART.test(text[start - 1]!)) start--;
    parts.push(text.slice(copied, start), `${MASK}@${MASK}`);
    copied = m.index + m[0].length;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * Addresses that are not secret and that a reader needs to see (the open-to-the-world range, the
 * link-local metadata endpoints): never masked. IPv4 ones are written into the regular expression
 * below as a look-ahead, so replacement stays one string replace.
 */
export const READABLE_IPV4: readonly string[] = ['0.0.0.0', '169.254.169.254', '169.254.170.2'];

const IPV4 = new RegExp(
  `(?<![\\w.])(?!(?:${READABLE_IPV4.map(escapeRegExp).join('|')})(?!\\w|\\.\\d))` +
    /(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/.source,
  'g',
);

/** The first digit is matched before the look-behinds, so they run only where a digit is. */
const ACCOUNT_ID =
  /\d(?<=(?:^|[^\w.]|%3[Aa]|%2[Ff])\d)(?<![0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-\d)\d{11}(?!\w|\.\d)/g;

const JSON_SCALAR = String.raw`"(?:[^"\\\n]|\\.){0,65536}"|-?\d[\d.eE+-]{0,63}|true|false`;
/** Blanks, with at most one line break and the timestamp of a CI log line after it. */
const WS = String.raw`[ \t]{0,64}(?:\r?\n(?:\d{4}-\d\d-\d\dT[0-9:.]{8,20}Z)?[ \t]{0,64})?`;
const SCALAR_TYPE = String.raw`"type":${WS}"(?:string|number|bool)"`;
/** State JSON: `"value": V, "type": T, "sensitive": true`. */
const STATE_OUTPUT = new RegExp(
  `("value":${WS})(?:${JSON_SCALAR})(?=,${WS}${SCALAR_TYPE},${WS}"sensitive":${WS}true)`,
  'g',
);
/** `terraform output -json`: `"sensitive": true, "type": T, "value": V`. */
const OUTPUT_JSON = new RegExp(`("sensitive":${WS}true,${WS}${SCALAR_TYPE},${WS}"value":${WS})(?:${JSON_SCALAR})`, 'g');

const CLI_PASSWORD =
  /(\blogin\b[^\n]{0,512}?[ \t]-p[ \t]{1,4})[^\s-][^\s]{0,4095}|(\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,512}?[ \t]-p[ \t]?)[^\s-][^\s]{0,4095}/g;
/** `curl -u user:password`, `--user user:password`. */
const CLI_USER = /((?:^|[ \t])(?:-u|--user)[ \t=]{1,4}[^\s:'"]{1,256}:)[^\s'"]{1,65536}/gm;
const ADD_MASK = /(::add-mask::)([^\r\n]{1,65536})/g;
/** botocore's debug log: `Signature:` and the signature on the next line. */
const SIGNATURE_LINE = /(Signature:[ \t]{0,8}\r?\n)[0-9a-f]{64}(?![0-9a-f])/g;

/**
 * Rules whose matches may span lines (a PEM block, a state output's three lines, a JWT cut over
 * two log lines, a chpasswd block, botocore's `Signature:` line): run over the whole text.
 */
const WHOLE_TEXT_RULES: readonly Rule[] = [
  { name: 'pem', has: (t) => t.includes('EGIN '), apply: (t) => redactPem(t) },
  regexRule('sensitive-output', STATE_OUTPUT, `$1"${MASK}"`, { has: (t) => t.includes('ve":') }),
  regexRule('sensitive-output', OUTPUT_JSON, `$1"${MASK}"`, { has: (t) => t.includes('ve":') }),
  // whole JWTs first: what jwt-part then finds is a token cut short
  regexRule('token', JWT, MASK),
  { name: 'jwt-part', apply: (t) => redactJwtParts(t) },
  regexRule('key-value-secret', SIGNATURE_LINE, `$1${MASK}`),
  { name: 'chpasswd', has: (t) => t.includes('sswd'), apply: (t) => redactChpasswd(t) },
];

/** Rules whose matches stay on one line: run over pieces of PIECE characters cut at line ends. */
const LINE_RULES: readonly Rule[] = [
  regexRule('token', TOKEN, MASK),
  regexRule('token', WEBHOOK, `$1${MASK}`, { has: (t) => t.includes('hook') }),
  regexRule('token', BEARER, `$1${MASK}`, { found: [2], has: (t) => t.includes('earer') }),
  regexRule('token', BASIC, `$1${MASK}`, { has: (t) => t.includes('asic') }),
  ...KEY_VALUE_RULES.map(({ re, replacement, has }) => keyValueRule(re, replacement, has)),
  regexRule('cli-password', CLI_PASSWORD, `$1$2${MASK}`, {
    has: (t) => t.includes('ogin') || t.includes('ysql') || t.includes('ariadb'),
  }),
  regexRule('cli-password', CLI_USER, `$1${MASK}`, { has: (t) => t.includes('-u') }),
  regexRule('cli-password', ADD_MASK, `$1${MASK}`, { found: [2] }),
  { name: 'url-credentials', apply: (t) => redactUrlCredentials(t) },
  {
    name: 'secret-near-key-id',
    has: (t) => t.includes('KIA') || t.includes('SIA'),
    apply: (t, found) => redactSecretsNearKeyIds(t, found),
  },
  regexRule('arn-account', /(arn:aws[a-z-]{0,16}:[a-z0-9-]{1,64}:[a-z0-9-]{0,32}:)\d{12}(?=:)/g, `$1${MASK}`),
  regexRule('assumed-role-session', SESSION, `$1${MASK}`, {
    has: (t) => t.includes('ssumed-role') || t.includes('ROA') || t.includes('IDA'),
  }),
  regexRule('access-key-id', ACCESS_KEY_ID, `${MASK}ACCESS_KEY_ID${MASK}`),
  { name: 'email', has: (t) => t.includes('@'), apply: (t) => redactEmails(t) },
  { name: 'ipv6', has: (t) => t.includes(':'), apply: (t) => redactIPv6(t) },
  regexRule('ipv4', IPV4, `${MASK}.${MASK}.${MASK}.${MASK}`, { has: (t) => t.includes('.') }),
  regexRule('account-id', ACCOUNT_ID, MASK),
];

/**
 * Size of the pieces the line rules run over. Some twenty passes over one piece stay in the CPU's
 * cache at this size; over a megabyte they do not, and redaction measured half as fast.
 */
const PIECE = 64 * 1024;

function applyRules(text: string, rules: readonly Rule[], skip: Set<string> | undefined, found: Set<string>): string {
  let out = text;
  for (const rule of rules) {
    if (skip?.has(rule.name)) continue;
    if (rule.has && !rule.has(out)) continue;
    out = rule.apply(out, found);
  }
  return out;
}

export interface RedactOptions {
  /** Values terraform marked sensitive, and other known secrets. */
  sensitive?: Iterable<string> | undefined;
  /** Rules to leave out by name (e.g. `ipv4` where addresses are not secret). */
  skip?: readonly string[] | undefined;
}

export function redactText(text: string, options: RedactOptions = {}): string {
  let out = stripControl(text);
  const matcher = options.sensitive ? cachedSensitiveMatcher(options.sensitive) : undefined;
  if (matcher) out = out.replace(matcher, MASK);
  const skip = options.skip && options.skip.length > 0 ? new Set(options.skip) : undefined;
  const found = new Set<string>();
  out = applyRules(out, WHOLE_TEXT_RULES, skip, found);
  if (out.length <= PIECE) out = applyRules(out, LINE_RULES, skip, found);
  else {
    const pieces: string[] = [];
    for (let start = 0; start < out.length; ) {
      const cut = out.indexOf('\n', start + PIECE);
      const end = cut < 0 ? out.length : cut + 1;
      pieces.push(applyRules(out.slice(start, end), LINE_RULES, skip, found));
      start = end;
    }
    out = pieces.join('');
  }
  return found.size > 0 ? removeEchoes(out, found) : out;
}

/**
 * The echo pass: each value a rule found (8+ characters), as is, JSON-escaped, URL-encoded and
 * base64-encoded, removed wherever else it appears, longest first: a few forms by `includes`,
 * more in one alternation (one scan, not one per form). Only these four forms, not all those of
 * layer 1: a found session token is hundreds of characters, and an alternation of all its
 * encodings, compiled for every text, cost more than all the rules together.
 */
function removeEchoes(text: string, found: Set<string>): string {
  const forms = new Set<string>();
  for (const v of found) {
    if (v.length < MIN_ECHO_LENGTH || v.length > MAX_ECHO_LENGTH || v.includes(MASK)) continue;
    if (forms.size >= 5 * MAX_ECHO) break;
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
    try {
      forms.add(encodeURIComponent(v));
    } catch {
      // a lone surrogate has no URL form
    }
    const b64 = Buffer.from(v, 'utf8').toString('base64');
    forms.add(b64);
    forms.add(b64.replace(/=+$/, ''));
  }
  if (forms.size === 0) return text;
  if (forms.size <= 4) {
    let out = text;
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
      if (out.includes(form)) out = out.split(form).join(MASK);
    }
    return out;
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  let all: RegExp;
  try {
    all = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  } catch {
    // too large for the engine to compile: one form at a time
    let out = text;
    for (const form of sorted) if (out.includes(form)) out = out.split(form).join(MASK);
    return out;
  }
  return text.replace(all, MASK);
}
