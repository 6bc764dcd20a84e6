// The `default` of every `variable` block in a tree of terraform modules, as source text: what a
// module's author wrote as a constant, and so what a tfvars file may hold. Used to test the tfvars
// parser on HCL nobody on this project wrote (packages/engine/test/tfvars-corpus.e2e.test.ts).
// A scanner, not a parser: it skips strings, heredocs and comments while it matches brackets, and
// terraform itself checks what it extracts (a bad cut fails the test, it cannot pass it).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const OPEN = '{[(';
const CLOSE = '}])';

/** Index just past the heredoc starting at `i` (`<<EOT` or `<<-EOT`), or -1 when none starts there. */
function heredocEnd(s, i) {
  const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(s.slice(i, i + 80));
  if (!m) return -1;
  const close = new RegExp(`\\n[ \\t]*${m[1]}[ \\t]*(?:\\r?\\n|$)`).exec(s.slice(i + m[0].length - 1));
  return close ? i + m[0].length - 1 + close.index + close[0].length : s.length;
}

/** Index just past the bracket that closes the one at `i`. */
function closing(s, i) {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '"') {
      for (j++; j < s.length && s[j] !== '"'; j++) if (s[j] === '\\') j++;
    } else if (c === '<' && s[j + 1] === '<') {
      const end = heredocEnd(s, j);
      if (end > 0) j = end - 1;
    } else if (c === '#' || (c === '/' && s[j + 1] === '/')) {
      const nl = s.indexOf('\n', j);
      if (nl < 0) return s.length;
      j = nl;
    } else if (c === '/' && s[j + 1] === '*') {
      j = s.indexOf('*/', j) + 1;
    } else if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && --depth === 0) return j + 1;
  }
  return s.length;
}

/** The expression after `default =` in a variable's body, as written. */
function defaultOf(body) {
  const m = /^[ \t]*default[ \t]*=[ \t]*/m.exec(body);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  let end;
  if (OPEN.includes(body[start])) end = closing(body, start);
  else if (body.startsWith('<<', start)) end = heredocEnd(body, start);
  else {
    const nl = body.indexOf('\n', start);
    end = nl < 0 ? body.length : nl;
  }
  return body.slice(start, end).trimEnd();
}

/** `[{ dir, defaults: [[name, expression], ...] }]` for each folder of `root` whose .tf files declare defaults. */
export async function variableDefaults(root) {
  const out = [];
  const walk = async (dir) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    const defaults = new Map();
    for (const e of entries) {
      if (!e.isFile() || !e.name.endsWith('.tf')) continue;
      const s = await readFile(path.join(dir, e.name), 'utf8');
      for (const m of s.matchAll(/^variable[ \t]+"([^"]+)"[ \t]*\{/gm)) {
        const open = m.index + m[0].length - 1;
        const value = defaultOf(s.slice(open + 1, closing(s, open) - 1));
        if (value !== undefined) defaults.set(m[1], value);
      }
    }
    if (defaults.size > 0) out.push({ dir: path.relative(root, dir), defaults: [...defaults] });
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await walk(path.join(dir, e.name));
  };
  await walk(root);
  return out;
}
