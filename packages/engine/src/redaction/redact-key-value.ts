/**
 * Secrets named by their key: `password = "x"`, `"token": "x"`, `SECRET=x`, `<SessionToken>x<`,
 * `--password x`, `password: x`, `|  SecretAccessKey |  x  |`, in any padding, with terraform's
 * `old -> new` updates. Each form is one regular expression replaced with a string (no callback
 * per match: a text dense with keys must stay fast); the new value of an update is a second pass
 * over `*** -> value`. See the description at the top of redact.ts.
 */
import { MASK } from './redact-sensitive.js';

/**
 * Key names (suffixes, case-insensitive) whose value is a secret. Pagination and idempotency
 * tokens (`NextToken`, `ClientToken`, `ClientRequestToken`) are not secrets.
 */
const KEY_WORDS =
  'p(?:ass(?:word(?:[_-]?v\\d)?|wd|phrase)|rivate[_-]?key(?:[_-]?(?:pem|openssh|pkcs8))?)' +
  '|secret(?:[_-]?(?:(?:access[_-]?)?key|string|binary))?' +
  '|token(?<!(?:client|request|next|continuation|pagination|page|idempotency)[_-]?token)' +
  '|api[_-]?key|session[_-]?name|external[_-]?id|signature';

/**
 * Values that are not secrets: terraform's placeholders, references, structure, a PEM (its own
 * rule), terraform's progress after a resource address (`aws_ssm_parameter.db_password: Creating...`),
 * docker's `--password via the CLI is insecure`.
 */
const NOT_A_VALUE =
  '(?!\\\\{0,3}["\']?(?:\\((?:sensitive|known)\\b|(?:null|true|false)(?![^\\s"\'\\\\,;})\\]&<>|])|\\*\\*\\*|\\$\\{|(?:var|local|module|data|each|count|self)\\.|<<|-----BEGIN |via\\b|(?:Creating|Creation complete|Modifying|Modifications complete|Destroying|Destruction complete|Refreshing state|Reading|Read complete|Still [a-z]+ing|Provisioning with|Importing|Import complete)\\b)|[{[(])';
/** The opening quote of a value, if any: an escaped quote, a double quote, a single quote. */
const QUOTE = '(?:\\\\{1,3}"|"|\')?';
/**
 * One value after its opening quote (kept, in group 1 with the key): after `\"` up to a
 * backslash or quote, after `"` up to the closing quote (with escapes), after `'` up to `'`, and
 * a bare word otherwise. The quote is told by a look-behind, so the replacement is `$1***`: one
 * group, which keeps a text dense with keys fast.
 */
const VALUE =
  '(?:(?<=\\\\")[^"\\\\\\n]+|(?<=")(?:[^"\\\\\\n]|\\\\[^\\n])+|(?<=\')[^\'\\n]+|(?<!["\'])[^\\s"\'\\\\,;})\\]&<>|]+)';
const KEEP_QUOTE = `$1${MASK}`;

/** `key` `"`? padding separator padding value; not a key right after `:` or `/` (`:secret:name` in an ARN). */
const KEY_VALUE = new RegExp(
  `((?:${KEY_WORDS})(?<![:/](?:${KEY_WORDS}))(?![A-Za-z0-9])\\\\{0,3}["']?[ \\t]{0,256}(?:=>|[:=|])(?![=:])[ \\t]{0,256}${NOT_A_VALUE}${QUOTE})${VALUE}`,
  'gi',
);
/** The new value of an update whose old value was masked: `*** -> "new"`. */
const UPDATE = new RegExp(`(\\*\\*\\*\\\\{0,3}["']?[ \\t]{1,8}->[ \\t]{1,8}${NOT_A_VALUE}${QUOTE})${VALUE}`, 'g');
/** `--password value` (a long flag, then a space, then its value). */
const FLAG = new RegExp(
  `(--(?<=(?:^|[^\\w-])--)(?:[\\w-]{0,64}?[_-])?(?:${KEY_WORDS})[ \\t]{1,8}(?=[^\\s-])${NOT_A_VALUE}${QUOTE})${VALUE}`,
  'gi',
);
/** `aws configure set aws_secret_access_key value`. */
const AWS_SET = new RegExp(
  `(\\b(?:aws_secret_access_key|aws_session_token)[ \\t]{1,8}(?=[^\\s=:|-])${NOT_A_VALUE}${QUOTE})${VALUE}`,
  'gi',
);
/** `<SecretAccessKey>value</...`, also with Go's `\u003c` escapes. */
const XML = new RegExp(
  `((?:<|\\\\u003c)(?:[\\w-]{1,32}:)?[\\w-]{0,64}?(?:${KEY_WORDS})(?:\\s[^<>\\n]{0,256})?(?:>|\\\\u003e))(?=[^<\\s\\\\])(?:(?!\\\\u003c)[^<\\n])+`,
  'gi',
);

/**
 * The rules in order. In each, group 1 is what comes before the value (key, separator, opening
 * quote): the value is what follows it (for the echo pass).
 */
export const KEY_VALUE_RULES: ReadonlyArray<{ re: RegExp; replacement: string; has?: (t: string) => boolean }> = [
  { re: KEY_VALUE, replacement: KEEP_QUOTE },
  { re: UPDATE, replacement: KEEP_QUOTE, has: (t) => t.includes('>') },
  { re: FLAG, replacement: KEEP_QUOTE, has: (t) => t.includes('--') },
  { re: AWS_SET, replacement: KEEP_QUOTE, has: (t) => t.includes('ws_s') || t.includes('WS_S') },
  { re: XML, replacement: `$1${MASK}`, has: (t) => t.includes('<') || t.includes('u003c') },
];
