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
import { removeEchoes } from './redact-echo.js';
import type { Rule } from './redact-rule.js';
import { LINE_RULES, WHOLE_TEXT_RULES } from './redact-rules.js';
import { cachedSensitiveMatcher, MASK } from './redact-sensitive.js';
import { stripControl } from './redact-vt.js';

export { collectSensitive, MASK, sensitiveMatcher } from './redact-sensitive.js';
export { READABLE_IPV6 } from './redact-scan.js';
export { READABLE_IPV4 } from './redact-rules.js';

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
