import type { PlanJson } from '@tfo/engine';

/**
 * Resolves configuration references (`plan.configuration`) across module boundaries: `var.X`
 * follows the caller's expression for input X, `module.M.O` follows module M's output O,
 * `each.*` follows the block's `for_each` expression, until each branch ends at an attribute of a
 * resource or data source (or at something known at plan time, or at something the plan JSON
 * cannot show, such as a local value).
 *
 * The plan JSON keeps only the reference list of an expression (never its functions or
 * conditionals), so `try(aws_kms_key.this[0].arn, null)` and `var.k != null ? var.k : x` both
 * appear as their references: a resolution is the set of places the value can come from.
 */

/** How the instance of a referenced resource is chosen. */
export type IndexSpec =
  | { kind: 'none' } // `aws_s3_bucket.this.id`: no instance key written
  | { kind: 'literal'; value: string | number } // `aws_s3_bucket.this[0].id`
  | { kind: 'any' } // the whole resource object (`for_each = aws_s3_bucket.this`)
  | { kind: 'key'; scope: string }; // `[count.index]` / `[each.key]` / `each.value`: the instance key of block `scope`

/** A module call path and which of its instances. */
export interface ModuleKey {
  path: string;
  key: IndexSpec;
}

export type Leaf =
  | {
      kind: 'resource';
      mode: 'managed' | 'data';
      /** Config address with module prefix: `module.a.aws_s3_bucket.this`. */
      address: string;
      /** Config module path of the resource: `module.a`, or `""`. */
      module: string;
      index: IndexSpec;
      /** Attribute path read from the instance; null when the expression hides it (dynamic index). */
      attr: string[] | null;
      /** Only the instance key is used (`each.key` over the resource): always known. */
      keyOnly?: true;
      /** Module instances the value was taken from (`module.m["a"].out`, `each.value.out` over `module.m`). */
      modules?: ModuleKey[];
    }
  /**
   * Known at plan time: an instance key or path (count.index, each.key over known keys, path.*),
   * or, with `value`, a value that can stand for the expression's (a root variable, an input left
   * to its default, a constant passed to an input).
   */
  | {
      kind: 'known';
      value?: true;
      /** The value itself, when the configuration shows it: `{ is: <value> }`. */
      constant?: { is: unknown };
    }
  /** Not resolvable from the plan JSON (locals, self, cycles); `module` for a whole module object. */
  | { kind: 'opaque'; ref: string; module?: string };

export interface ConfigBlock {
  /** Config address with module prefix of a resource, or a module call path (`module.a.module.b`). */
  address: string;
  /** Config module path the block is written in. */
  module: string;
  expressions: Record<string, unknown>;
  forEach?: string[];
  count?: string[];
}

interface ModuleCall extends ConfigBlock {
  outputs: Record<string, { expression?: { references?: string[] } }>;
  /** The called module's variable declarations (`default` when it has one). */
  variables: Record<string, { default?: unknown }>;
}

interface Expression {
  references?: string[];
  constant_value?: unknown;
}

type Step = { name: string } | { key: string | number };

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
function isPrefixOf(ref: string, other: string): boolean {
  return other.length > ref.length && other.startsWith(ref) && (other[ref.length] === '.' || other[ref.length] === '[');
}

const refsOf = (e: unknown): string[] | undefined => (e as Expression | undefined)?.references;

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

const MAX_DEPTH = 64;
const VALUE: Leaf = { kind: 'known', value: true };
const valueOf = (v: unknown): Leaf => ({ kind: 'known', value: true, constant: { is: v } });

/** A known value, then attribute names inside it (`var.defaults.policy`); a name the map lacks is null. */
function valueAt(v: unknown, tail: readonly string[]): Leaf {
  let at = v;
  for (const name of tail) {
    if (at === null || at === undefined) return valueOf(null);
    if (typeof at !== 'object' || Array.isArray(at)) return VALUE;
    at = (at as Record<string, unknown>)[name] ?? null;
  }
  return valueOf(at);
}

/** The configuration of one plan, indexed once, and a memoising resolver over it. */
export class ConfigRefs {
  /** Resources and data sources by config address. */
  readonly resources = new Map<string, ConfigBlock>();
  private readonly calls = new Map<string, ModuleCall>();
  private readonly memo = new Map<string, Leaf[]>();
  private readonly active = new Set<string>();

  private readonly rootVariables: Record<string, { value?: unknown }>;

  constructor(plan: PlanJson) {
    this.rootVariables = (plan.variables as Record<string, { value?: unknown }> | undefined) ?? {};
    const walk = (mod: Record<string, unknown> | undefined, path: string): void => {
      if (!mod) return;
      const prefix = path ? `${path}.` : '';
      for (const r of (mod.resources as Array<Record<string, unknown>>) ?? []) {
        const address = `${prefix}${r.address as string}`;
        this.resources.set(address, {
          address,
          module: path,
          expressions: (r.expressions as Record<string, unknown>) ?? {},
          forEach: refsOf(r.for_each_expression),
          count: refsOf(r.count_expression),
        });
      }
      for (const [name, c] of Object.entries((mod.module_calls as Record<string, Record<string, unknown>>) ?? {})) {
        const child = `${prefix}module.${name}`;
        const module = c.module as Record<string, unknown> | undefined;
        this.calls.set(child, {
          address: child,
          module: path,
          expressions: (c.expressions as Record<string, unknown>) ?? {},
          forEach: refsOf(c.for_each_expression),
          count: refsOf(c.count_expression),
          outputs: (module?.outputs as ModuleCall['outputs']) ?? {},
          variables: (module?.variables as ModuleCall['variables']) ?? {},
        });
        walk(module, child);
      }
    };
    walk((plan.configuration as { root_module?: Record<string, unknown> } | undefined)?.root_module, '');
  }

  private readonly byExpression = new WeakMap<object, Leaf[]>();

  /**
   * Where the value of an expression of `block` can come from (deduplicated leaves; resolved
   * once per expression, shared by every instance of the block: do not modify).
   */
  resolveExpression(block: ConfigBlock, expr: { references?: string[] } | undefined): readonly Leaf[] {
    const refs = expr?.references;
    if (!expr || !refs || refs.length === 0) return [VALUE];
    let leaves = this.byExpression.get(expr);
    if (!leaves) {
      leaves = this.resolveList(refs, block, []);
      this.byExpression.set(expr, leaves);
    }
    return leaves;
  }

  private resolveList(refs: readonly string[], block: ConfigBlock, rest: string[]): Leaf[] {
    const kept = refs.filter((r) => !refs.some((o) => isPrefixOf(r, o)));
    // `aws_s3_bucket.this[count.index].id` is listed as `aws_s3_bucket.this` and `count.index`
    const dynamic = kept.includes('count.index') || kept.some((r) => r.startsWith('each.'));
    const out: Leaf[] = [];
    for (const ref of kept) out.push(...this.resolveRef(ref, block, rest, dynamic));
    return dedupe(out);
  }

  private resolveRef(ref: string, block: ConfigBlock, rest: string[], dynamic: boolean): Leaf[] {
    const key = `${block.module}|${block.address}|${ref}|${rest.join('.')}|${dynamic}`;
    const cached = this.memo.get(key);
    if (cached) return cached;
    if (this.active.has(key) || this.active.size > MAX_DEPTH) return [{ kind: 'opaque', ref }];
    this.active.add(key);
    try {
      const leaves = this.resolveSteps(ref, parseRef(ref), block, rest, dynamic);
      this.memo.set(key, leaves);
      return leaves;
    } finally {
      this.active.delete(key);
    }
  }

  /** Where output `name` of the module at `path` takes its value from, then `rest` inside it. */
  private output(path: string, name: string, rest: string[]): Leaf[] {
    const call = this.calls.get(path);
    const out = call?.outputs[name];
    if (!call || !out) return [{ kind: 'opaque', ref: `${path}.${name}` }];
    const refs = out.expression?.references;
    return refs?.length ? this.resolveList(refs, { ...call, module: call.address }, rest) : [VALUE];
  }

  private resolveSteps(ref: string, steps: Step[], block: ConfigBlock, rest: string[], dynamic: boolean): Leaf[] {
    const names = (from: number): string[] | null => {
      const tail: string[] = [];
      for (const s of steps.slice(from)) {
        if (!('name' in s)) return null; // indexing into a value: where it leads is not visible
        tail.push(s.name);
      }
      return [...tail, ...rest];
    };
    const head = 'name' in steps[0]! ? steps[0].name : '';
    const prefix = block.module ? `${block.module}.` : '';
    switch (head) {
      case 'var': {
        const name = 'name' in steps[1]! ? steps[1].name : '';
        const call = this.calls.get(block.module);
        const tail = names(2);
        const whole = tail !== null && tail.length === 0;
        // a root variable: known at plan time
        if (!call)
          return [tail !== null && name in this.rootVariables ? valueAt(this.rootVariables[name]!.value, tail) : VALUE];
        if (tail === null) return [{ kind: 'opaque', ref }];
        const e = call.expressions[name] as Expression | undefined;
        // not passed: the variable's default
        if (!e) return [tail !== null ? valueAt(call.variables[name]?.default ?? null, tail) : VALUE];
        const refs = refsOf(e);
        if (refs?.length) return this.resolveList(refs, call, tail);
        return [tail !== null && 'constant_value' in e ? valueAt(e.constant_value, tail) : VALUE];
      }
      case 'module': {
        const name = steps[1] && 'name' in steps[1] ? steps[1].name : '';
        const path = `${prefix}module.${name}`;
        const k = steps[2] && 'key' in steps[2] ? steps[2].key : undefined;
        const i = k === undefined ? 2 : 3;
        const output = steps[i] && 'name' in steps[i]! ? (steps[i] as { name: string }).name : undefined;
        const tail = names(i + 1);
        if (k === '?' || tail === null) return [{ kind: 'opaque', ref }];
        if (!output) return [{ kind: 'opaque', ref, module: k === undefined ? path : undefined }];
        const leaves = this.output(path, output, tail);
        return k === undefined ? leaves : withModule(leaves, { path, key: { kind: 'literal', value: k } });
      }
      case 'each': {
        const what = steps[1] && 'name' in steps[1] ? steps[1].name : '';
        const tail = names(2);
        if (!block.forEach || tail === null) return [{ kind: 'opaque', ref }];
        const over = this.resolveList(block.forEach, block, []);
        const index: IndexSpec = { kind: 'key', scope: block.address };
        return over.flatMap((l): Leaf[] => {
          if (l.kind === 'known') return [what === 'key' ? { kind: 'known' } : l];
          // for_each over a whole module: each.value.out is output `out` of the module instance with this key
          if (l.kind === 'opaque' && l.module && what === 'value' && tail[0])
            return withModule(this.output(l.module, tail[0], tail.slice(1)), { path: l.module, key: index });
          if (l.kind !== 'resource') return [l];
          if (l.index.kind !== 'any' || (l.attr !== null && l.attr.length > 0)) return [{ kind: 'opaque', ref }];
          return [what === 'key' ? { ...l, index, attr: null, keyOnly: true } : { ...l, index, attr: tail }];
        });
      }
      case 'count':
      case 'path':
      case 'terraform':
        return [{ kind: 'known' }];
      case 'local':
      case 'self':
        return [{ kind: 'opaque', ref }];
      default: {
        const data = head === 'data';
        const at = data ? 1 : 0;
        const type = steps[at] && 'name' in steps[at]! ? (steps[at] as { name: string }).name : '';
        const name = steps[at + 1] && 'name' in steps[at + 1]! ? (steps[at + 1] as { name: string }).name : '';
        if (!type || !name) return [{ kind: 'opaque', ref }];
        const address = `${prefix}${data ? 'data.' : ''}${type}.${name}`;
        const k = steps[at + 2];
        let index: IndexSpec;
        let from = at + 2;
        if (k && 'key' in k) {
          if (k.key === '?') return [{ kind: 'opaque', ref }];
          index = { kind: 'literal', value: k.key };
          from++;
        } else if (steps.length === at + 2 && rest.length === 0) {
          // the whole object: either iterated over, or indexed by count.index / each.key
          index = dynamic ? { kind: 'key', scope: block.address } : { kind: 'any' };
          return [
            {
              kind: 'resource',
              mode: data ? 'data' : 'managed',
              address,
              module: block.module,
              index,
              attr: dynamic ? null : [],
            },
          ];
        } else index = { kind: 'none' };
        const attr = names(from);
        if (attr === null) return [{ kind: 'opaque', ref }];
        return [{ kind: 'resource', mode: data ? 'data' : 'managed', address, module: block.module, index, attr }];
      }
    }
  }
}

function withModule(leaves: Leaf[], key: ModuleKey): Leaf[] {
  return leaves.map((l) => (l.kind === 'resource' ? { ...l, modules: [key, ...(l.modules ?? [])] } : l));
}

function dedupe(leaves: Leaf[]): Leaf[] {
  const seen = new Set<string>();
  return leaves.filter((l) => {
    const k = JSON.stringify(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
