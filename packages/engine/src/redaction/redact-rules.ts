import { KEY_VALUE_RULES } from './redact-key-value.js';
import { redactPem } from './redact-pem.js';
import { keyValueRule, regexRule, type Rule } from './redact-rule.js';
import {
  redactChpasswd,
  redactIPv6,
  redactJwtParts,
  redactSecretsNearKeyIds,
  redactUrlCredentials,
} from './redact-scan.js';
import { escapeRegExp, MASK } from './redact-sensitive.js';

/** The patterns and the two rule lists; each rule is described in redact.ts. */
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
export const WHOLE_TEXT_RULES: readonly Rule[] = [
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
export const LINE_RULES: readonly Rule[] = [
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
