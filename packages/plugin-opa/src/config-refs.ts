import type { PlanJson } from '@tfo/engine';
import { dedupe, valueAt, VALUE, withModule, type IndexSpec, type Leaf } from './config-ref-leaves.js';
import { isPrefixOf, nameAt, namesAfter, parseRef, refsOf, type Expression, type Step } from './config-ref-parse.js';

export type { IndexSpec, Leaf, ModuleKey } from './config-ref-leaves.js';
export { expressionAt, parseRef } from './config-ref-parse.js';

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

const MAX_DEPTH = 64;

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
    const head = nameAt(steps, 0) ?? '';
    switch (head) {
      case 'var':
        return this.resolveVar(ref, steps, block, rest);
      case 'module':
        return this.resolveModule(ref, steps, block, rest);
      case 'each':
        return this.resolveEach(ref, steps, block, rest);
      case 'count':
      case 'path':
      case 'terraform':
        return [{ kind: 'known' }];
      case 'local':
      case 'self':
        return [{ kind: 'opaque', ref }];
      default:
        return resolveResource(ref, steps, block, rest, dynamic, head === 'data');
    }
  }

  /** `var.X`: the caller's expression for input X (its default when not passed); a root variable is known. */
  private resolveVar(ref: string, steps: Step[], block: ConfigBlock, rest: string[]): Leaf[] {
    const name = nameAt(steps, 1) ?? '';
    const call = this.calls.get(block.module);
    const tail = namesAfter(steps, 2, rest);
    // a root variable: known at plan time
    if (!call)
      return [tail !== null && name in this.rootVariables ? valueAt(this.rootVariables[name]!.value, tail) : VALUE];
    if (tail === null) return [{ kind: 'opaque', ref }];
    const e = call.expressions[name] as Expression | undefined;
    // not passed: the variable's default
    if (!e) return [valueAt(call.variables[name]?.default ?? null, tail)];
    const refs = refsOf(e);
    if (refs?.length) return this.resolveList(refs, call, tail);
    return ['constant_value' in e ? valueAt(e.constant_value, tail) : VALUE];
  }

  /** `module.M.O` (or `module.M["k"].O`): module M's output O; the whole module object is opaque. */
  private resolveModule(ref: string, steps: Step[], block: ConfigBlock, rest: string[]): Leaf[] {
    const prefix = block.module ? `${block.module}.` : '';
    const name = nameAt(steps, 1) ?? '';
    const path = `${prefix}module.${name}`;
    const k = steps[2] && 'key' in steps[2] ? steps[2].key : undefined;
    const i = k === undefined ? 2 : 3;
    const output = nameAt(steps, i);
    const tail = namesAfter(steps, i + 1, rest);
    if (k === '?' || tail === null) return [{ kind: 'opaque', ref }];
    if (!output) return [{ kind: 'opaque', ref, module: k === undefined ? path : undefined }];
    const leaves = this.output(path, output, tail);
    return k === undefined ? leaves : withModule(leaves, { path, key: { kind: 'literal', value: k } });
  }

  /** `each.key` / `each.value…`: what the block's `for_each` iterates over, at this instance's key. */
  private resolveEach(ref: string, steps: Step[], block: ConfigBlock, rest: string[]): Leaf[] {
    const what = nameAt(steps, 1) ?? '';
    const tail = namesAfter(steps, 2, rest);
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
}

/** `[data.]TYPE.NAME[key].attr…`: an attribute of a resource or data source written in `block`'s module. */
function resolveResource(
  ref: string,
  steps: Step[],
  block: ConfigBlock,
  rest: string[],
  dynamic: boolean,
  data: boolean,
): Leaf[] {
  const prefix = block.module ? `${block.module}.` : '';
  const at = data ? 1 : 0;
  const type = nameAt(steps, at) ?? '';
  const name = nameAt(steps, at + 1) ?? '';
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
  const attr = namesAfter(steps, from, rest);
  if (attr === null) return [{ kind: 'opaque', ref }];
  return [{ kind: 'resource', mode: data ? 'data' : 'managed', address, module: block.module, index, attr }];
}
