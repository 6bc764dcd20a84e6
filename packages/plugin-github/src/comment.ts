import { trimLines } from './plan-text.js';

/** GitHub refuses an issue comment body longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Below this, a trimmed plan says too little to be worth a `<details>`: it is left out instead. */
const MIN_PLAN_CHARS = 1_000;
/** A plan's excerpt when there is not room for a fair share of every plan. */
const EXCERPT_CHARS = 4_000;
/** Room kept in every part for its marker and part header. */
const PART_OVERHEAD = 400;
/** `<details>`, fences and notes around one plan. */
const DETAILS_OVERHEAD = 200;

/** One deployment as the comment shows it; every text is already redacted. */
export interface DeploymentView {
  /** Markdown: status, key, resource counts and policy findings. Never left out. */
  line: string;
  /** Plan text for the collapsible; empty for none. */
  plan: string;
}

export interface CommentLayout {
  /** Characters per comment (at most GITHUB_COMMENT_LIMIT). */
  maxChars: number;
  /** Comments per run kind; more are used only when the deployment lines alone need them. */
  maxParts: number;
  /** Longest plan shown for one deployment. */
  planMaxChars: number;
}

export interface HeaderInput {
  part: number;
  total: number;
  /** Plans trimmed or left out in this rendering. */
  trimmed: number;
}

export interface RenderedComment {
  bodies: string[];
  /** Plans trimmed or left out. */
  trimmed: number;
}

/** The hidden marker a sticky comment is found by: `<!-- tfo:plan -->`, `<!-- tfo:plan 2/3 -->`. */
export function marker(name: string, part: number, total: number): string {
  return total <= 1 ? `<!-- ${name} -->` : `<!-- ${name} ${part}/${total} -->`;
}

/** The part number of a body that starts with this marker name (1 for an unnumbered one), else undefined. */
export function markerPart(body: string | undefined | null, name: string): number | undefined {
  if (!body) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^<!-- ${escaped}(?: (\\d+)/(\\d+))? -->`).exec(body);
  if (!m) return undefined;
  return m[1] === undefined ? 1 : Number(m[1]);
}

/** A code fence longer than any run of backticks in `text`. */
function fence(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function block(view: DeploymentView, budget: number, pointer: string): { text: string; trimmed: boolean } {
  if (view.plan === '') return { text: view.line, trimmed: false };
  if (view.plan.length > budget && budget < MIN_PLAN_CHARS) {
    return {
      text: `${view.line}\n\n<sub>plan left out to fit the comment; the full plan: ${pointer}</sub>`,
      trimmed: true,
    };
  }
  const lines = view.plan.split('\n').length;
  const pointerLine = `\n<sub>plan trimmed to fit the comment; the full plan: ${pointer}</sub>\n`;
  const plan =
    view.plan.length <= budget
      ? view.plan
      : trimLines(
          view.plan,
          budget - pointerLine.length,
          (omitted) => `… ${omitted} of ${lines} lines left out here …`,
        );
  const trimmed = plan !== view.plan;
  const f = fence(plan);
  const summary = trimmed ? 'plan (trimmed)' : 'plan';
  return {
    text:
      `${view.line}\n\n<details><summary>${summary}</summary>\n\n${f}text\n${plan}\n${f}\n` +
      `${trimmed ? pointerLine : ''}\n</details>`,
    trimmed,
  };
}

/**
 * Plan budgets within `available` characters. Fair shares first: small plans whole, the rest an
 * equal cut. When that cut is too small to be useful, plans are given a readable excerpt in
 * review order (failed and blocked first) while room lasts; the rest are left out.
 */
function shares(views: readonly DeploymentView[], available: number, cap: number): number[] {
  const wants = views.map((v) => (v.plan === '' ? 0 : Math.min(v.plan.length, cap)));
  const out = new Array<number>(views.length).fill(0);
  const order = wants.map((want, i) => ({ i, want })).sort((a, b) => a.want - b.want);
  let left = Math.max(0, available);
  let wanting = order.filter((o) => o.want > 0).length;
  for (const o of order) {
    if (o.want === 0) continue;
    const give = Math.min(o.want, Math.floor(left / wanting));
    out[o.i] = give;
    left -= give;
    wanting -= 1;
  }
  if (out.every((b, i) => b >= (wants[i] ?? 0) || b >= MIN_PLAN_CHARS)) return out;
  // too thin for everyone: excerpts for the first ones instead
  left = Math.max(0, available);
  for (const [i, want] of wants.entries()) {
    const give = Math.min(want, EXCERPT_CHARS, left);
    out[i] = give >= Math.min(want, MIN_PLAN_CHARS) ? give : 0;
    left -= out[i]!;
  }
  return out;
}

/**
 * The comment bodies of one run kind. Every deployment's line appears in exactly one part, in
 * order; plans share what room is left across at most `maxParts` comments, trimmed at line
 * boundaries (a trimmed or left-out plan names `pointer`). Only when the lines alone need more
 * than `maxParts` comments are more used, plans then left out: a line is never dropped.
 */
export function renderComment(
  name: string,
  views: readonly DeploymentView[],
  header: (input: HeaderInput) => string,
  pointer: string,
  layout: CommentLayout,
): RenderedComment {
  const limit = Math.min(layout.maxChars, GITHUB_COMMENT_LIMIT);
  const headerSize = header({ part: 1, total: layout.maxParts, trimmed: 1 }).length;
  const fixed =
    views.reduce((n, v) => n + v.line.length + 2, 0) +
    headerSize +
    layout.maxParts * PART_OVERHEAD +
    views.filter((v) => v.plan !== '').length * DETAILS_OVERHEAD;
  const cap = Math.min(layout.planMaxChars, limit - headerSize - PART_OVERHEAD - DETAILS_OVERHEAD - 2000);
  let available = layout.maxParts * limit - fixed;
  for (;;) {
    const budgets = shares(views, available, cap);
    const blocks = views.map((v, i) => block(v, budgets[i] ?? 0, pointer));
    const trimmed = blocks.filter((b) => b.trimmed).length;
    const groups = pack(
      blocks.map((b) => b.text),
      limit - PART_OVERHEAD,
      headerSize,
    );
    const total = groups.length;
    const fits = total <= layout.maxParts || budgets.every((b) => b === 0);
    if (fits) {
      const bodies = groups.map((group, i) => {
        const head = `${marker(name, i + 1, total)}\n${header({ part: i + 1, total, trimmed })}`;
        return group.length > 0 ? `${head}\n\n${group.join('\n\n')}\n` : `${head}\n`;
      });
      return { bodies, trimmed };
    }
    // too many parts: trim harder, down to lines only
    available = available > 2000 ? Math.floor(available * 0.85) : 0;
  }
}

/** Greedy packing of blocks into parts of at most `room` characters; the first part also holds the header. */
function pack(blocks: readonly string[], room: number, firstHeader: number): string[][] {
  const groups: string[][] = [[]];
  let used = firstHeader;
  for (const text of blocks) {
    const size = text.length + 2;
    const current = groups[groups.length - 1]!;
    if (current.length > 0 && used + size > room) {
      groups.push([text]);
      used = size;
    } else {
      current.push(text);
      used += size;
    }
  }
  return groups;
}
