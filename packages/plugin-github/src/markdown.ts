/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  let longest = 0;
  for (const m of flat.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * Text from a plan, a policy or an error, safe as one line of markdown: no HTML, no table or
 * link syntax breaking out, no @mentions or #references that would notify people.
 */
export function text(value: string, max = 500): string {
  let out = value.replace(/\s*\r?\n\s*/g, ' ').trim();
  if (out.length > max) out = `${out.slice(0, max - 1)}…`;
  return out
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/@(?=\w)/g, '@\u200b')
    .replace(/#(?=\d)/g, '#\u200b');
}

/** `1,234` */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
