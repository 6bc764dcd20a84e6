export interface Rule {
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
export function regexRule(
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
export function keyValueRule(re: RegExp, replacement: string, has?: (text: string) => boolean): Rule {
  const scanner = new RegExp(re.source, re.flags);
  const pick = (m: RegExpExecArray): string => m[0].slice(m[1]!.length);
  return {
    name: 'key-value-secret',
    ...(has ? { has } : {}),
    apply: (text, found) => replaceCollecting(text, re, scanner, replacement, pick, found),
  };
}
