/** Reading the references of the plan JSON's configuration: parsed steps, expressions by path. */

/** An expression of the plan JSON's configuration: its references, or its constant value. */
export interface Expression {
  references?: string[];
  constant_value?: unknown;
}

export type Step = { name: string } | { key: string | number };

const STEP = /([A-Za-z_][A-Za-z0-9_-]*)|\[("(?:[^"\\]|\\.)*"|\d+|[^\]]*)\]/g;

/** `module.a["k"].aws_s3_bucket.this[0].id` → names and literal keys; a non-literal key is `{key: "?"}`. */
export function parseRef(ref: string): Step[] {
  const out: Step[] = [];
  for (const m of ref.matchAll(STEP)) {
    if (m[1] !== undefined) out.push({ name: m[1] });
    else if (m[2]!.startsWith('"')) out.push({ key: JSON.parse(m[2]!) as string });
    else if (/^\d+$/.test(m[2]!)) out.push({ key: Number(m[2]) });
    else out.push({ key: '?' });
  }
  return out;
}

/** Whether `ref` is a strict prefix of another reference in the list (terraform lists both). */
export function isPrefixOf(ref: string, other: string): boolean {
  return other.length > ref.length && other.startsWith(ref) && (other[ref.length] === '.' || other[ref.length] === '[');
}

export const refsOf = (e: unknown): string[] | undefined => (e as Expression | undefined)?.references;

/** The expression of a block at a dotted attribute path (`rule.0.x.0.kms_master_key_id`). */
export function expressionAt(expressions: Record<string, unknown>, path: string): Expression | undefined {
  let node: unknown = expressions;
  for (const seg of path.split('.')) {
    if (Array.isArray(node)) node = node[Number(seg)] ?? (node.length === 1 ? node[0] : undefined);
    else if (node && typeof node === 'object') node = (node as Record<string, unknown>)[seg];
    else return undefined;
  }
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const e = node as Expression;
  return 'references' in e || 'constant_value' in e ? e : undefined;
}

/** The name at step `i` of a reference, or undefined when that step is an index or missing. */
export function nameAt(steps: readonly Step[], i: number): string | undefined {
  const step = steps[i];
  return step && 'name' in step ? step.name : undefined;
}

/**
 * The attribute names of `steps` from `from` on, then `rest`; null when a step indexes into the
 * value (where it leads is not visible).
 */
export function namesAfter(steps: readonly Step[], from: number, rest: readonly string[]): string[] | null {
  const tail: string[] = [];
  for (const s of steps.slice(from)) {
    if (!('name' in s)) return null;
    tail.push(s.name);
  }
  return [...tail, ...rest];
}
