// Building redaction-corpus cases (scripts/redact-corpus.mjs): a case keeps only the must-go and
// must-stay strings that really occur in its input, and a must-stay string never overlaps a
// must-go one. Also: cutting terraform's outputs and logs into cases of a reasonable size.
import { stripVTControlCharacters } from 'node:util';

/**
 * A case, or undefined when none of the candidates occurs in the input.
 * @param {{ name: string, source: string, input: string, sensitive?: string[], go?: string[], stay?: string[] }} c
 */
export function makeCase({ name, source, input, sensitive = [], go = [], stay = [] }) {
  // what a reader sees: colour codes apart (the redactor strips them too)
  const plain = stripVTControlCharacters(input);
  const mustGo = unique(go.filter((s) => s && s.length >= 4 && (input.includes(s) || plain.includes(s))));
  const mustStay = unique(
    stay.filter(
      (s) =>
        s &&
        plain.includes(s) &&
        !mustGo.some((g) => s.includes(g) || g.includes(s)) &&
        !sensitive.some((v) => v.includes(s) || s.includes(v)),
    ),
  );
  if (mustGo.length === 0 && mustStay.length === 0) return undefined;
  return {
    name,
    source,
    input,
    sensitive: unique(sensitive.filter((v) => input.includes(v) || plain.includes(v))),
    mustGo,
    mustStay,
  };
}

function unique(list) {
  return [...new Set(list)];
}

/** All matches of group 1 (or the whole match) of a global regular expression. */
export function matchesOf(text, re) {
  const out = [];
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[0]);
  return out;
}

/** Log entries: a line that starts with an RFC 3339 timestamp begins one; other lines continue it. */
export function logEntries(log) {
  const entries = [];
  for (const line of log.split('\n')) {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(line) || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += '\n' + line;
  }
  return entries.filter((e) => e.trim() !== '');
}

/**
 * A TF_LOG log cut into HTTP exchanges (a request entry and the response entry after it) and the
 * other entries, in order.
 * @returns {{ exchanges: { method: string, service: string, text: string }[], other: string[] }}
 */
export function httpExchanges(log) {
  const entries = logEntries(log);
  const exchanges = [];
  const other = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.includes('HTTP Request Sent')) {
      const method = /rpc\.method=(\w+)/.exec(e)?.[1] ?? 'unknown';
      const svc = /rpc\.service=(?:"([^"]+)"|(\S+))/.exec(e);
      const service = svc ? (svc[1] ?? svc[2]) : '';
      let text = e;
      // the response to it: the next "HTTP Response Received" entry of the same method
      for (let j = i + 1; j < Math.min(entries.length, i + 40); j++) {
        const r = entries[j];
        if (r.includes('HTTP Response Received') && r.includes(`rpc.method=${method}`)) {
          text += '\n' + r;
          entries.splice(j, 1);
          break;
        }
      }
      exchanges.push({ method, service, text });
    } else other.push(e);
  }
  return { exchanges, other };
}

/**
 * terraform's human plan/show output cut into blocks: one per `# address` resource block (to the
 * closing brace), and the text around them as blocks of its own.
 */
export function planBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  let current = [];
  let inResource = false;
  const flush = () => {
    if (current.some((l) => stripVTControlCharacters(l).trim() !== '')) blocks.push(current.join('\n'));
    current = [];
  };
  for (const line of lines) {
    const plain = stripVTControlCharacters(line);
    if (/^\s*# [\w.[\]"-]+(?: |:|$)/.test(plain) && !inResource) {
      flush();
      inResource = true;
    }
    current.push(line);
    if (inResource && /^ {0,4}}\s*$/.test(plain)) {
      flush();
      inResource = false;
    }
  }
  flush();
  return blocks;
}

/** Each element of the top-level `"resources"` array of `terraform state pull` output, as text. */
export function stateResources(text) {
  const lines = text.split('\n');
  const out = [];
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '    {') start = i;
    else if (start >= 0 && /^ {4}},?$/.test(lines[i])) {
      out.push(lines.slice(start, i + 1).join('\n'));
      start = -1;
    }
  }
  const outputs = /^ {2}"outputs": \{[\s\S]*?^ {2}\},?$/m.exec(text);
  return { outputs: outputs?.[0], resources: out };
}

/** Consecutive items joined in groups of at most `size`. */
export function chunks(items, size, join = '\n') {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size).join(join));
  return out;
}
