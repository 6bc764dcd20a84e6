// moto hands out access key pairs of AWS's real shapes with random values; committed as they are,
// they would look like leaked credentials to secret scanners. Before the transcripts are cut into
// cases, every such key id and secret is replaced, everywhere it occurs, by one of the same shape
// marked EXAMPLE, numbered in order of first appearance (so a regeneration gives the same values).
import { createHash } from 'node:crypto';

const KEY_ID = /\b((?:AKIA|ASIA)[A-Z0-9]{16})\b/g;
const SECRET_FORMS = [
  /<SecretAccessKey>([A-Za-z0-9/+]{40})<\/SecretAccessKey>/g,
  /"SecretAccessKey":\s*"([A-Za-z0-9/+]{40})"/g,
  /"secret":\s*"([A-Za-z0-9/+]{40})"/g,
  /^CREDENTIALS\t\S+\t\S+\t([A-Za-z0-9/+]{40})\t/gm,
  /\|\s*SecretAccessKey\s*\|\s*([A-Za-z0-9/+]{40})\s*\|/g,
  /AWS_SECRET_ACCESS_KEY=([A-Za-z0-9/+]{40})\b/g,
];

/**
 * @param {string} text the JSON of all transcripts (replaced in)
 * @param {string[]} outputs what the commands printed (searched)
 * @param {string[]} keep values left as they are
 */
export function exampleKeys(text, outputs, keep, extraSecrets = []) {
  const all = outputs.join('\n');
  const ids = new Map();
  const secrets = new Map();
  for (const m of all.matchAll(KEY_ID)) {
    const id = m[1];
    if (id.includes('EXAMPLE') || keep.includes(id) || ids.has(id)) continue;
    ids.set(id, `${id.slice(0, 4)}EXAMPLEMOTO${String(ids.size + 1).padStart(5, '0')}`);
  }
  const found = [...extraSecrets];
  for (const re of SECRET_FORMS) for (const m of all.matchAll(re)) found.push(m[1]);
  for (const s of found) {
    if (s.includes('EXAMPLE') || keep.includes(s) || secrets.has(s)) continue;
    const n = secrets.size + 1;
    const fill = createHash('sha256').update(`moto-secret-${n}`).digest('base64').replace(/=+$/, '');
    secrets.set(s, `moto${n}EXAMPLE${fill}`.slice(0, 40));
  }
  let out = text;
  for (const [from, to] of [...ids, ...secrets]) out = out.split(from).join(to);
  return { text: out, replaced: ids.size + secrets.size };
}
