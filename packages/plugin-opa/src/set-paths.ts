import { expressionAt, type ConfigBlock, type ConfigRefs, type Leaf } from './config-refs.js';
import type { NormalisedResource } from './normalize.js';

/**
 * `set` paths: attributes unknown until apply that are known to be non-null, because every place
 * their configuration expression can take its value from (config-refs.ts) is an attribute of a
 * managed resource created or kept in this plan (or an instance key), and at least one is.
 *
 * The plan JSON keeps only an expression's references, never its functions or conditionals, so
 * the reference list is what is judged: `try(aws_kms_key.this[0].arn, null)` lists only the key
 * (the `null` is no reference) and is set; a resource with no instance at all (count 0) gives no
 * value and is passed over. Conservative by design, a path is not set when any branch is a local
 * value, a whole module object, a data source, a resource whose instances are all deleted, an
 * attribute that the referenced instance leaves null, or a value known at plan time (a root
 * variable, an input left to its default or given a constant): next to a resource attribute, the
 * expression may be a conditional that picks the known value, as in
 * `var.key != null ? null : var.flag`, unknown while `var.key` is, and null in the end.
 * Instance keys (`count.index`, `each.key`) are not values and do not count.
 */
export class SetPaths {
  private readonly memo = new Map<string, boolean>();

  constructor(
    private readonly refs: ConfigRefs,
    /** Every resource of the plan by config address. */
    private readonly byConfig: Map<string, NormalisedResource[]>,
  ) {}

  private readonly results = new Map<string, string[]>();

  /** The `set` paths of one resource (sorted; instances of one block with the same unknowns share the answer). */
  of(r: NormalisedResource): string[] {
    const block = this.refs.resources.get(r.config_address);
    if (!block || r.unknown.length === 0) return [];
    const key = `${r.config_address}\n${r.unknown.join('\n')}`;
    let result = this.results.get(key);
    if (!result) {
      result = this.compute(r, block);
      this.results.set(key, result);
    }
    return result;
  }

  private compute(r: NormalisedResource, block: ConfigBlock): string[] {
    const set = new Set<string>();
    for (const path of r.unknown) if (this.pathSet(block, path)) set.add(path);
    // a top-level block is set when it is and every unknown value inside it is set
    for (const top of r.unknown) {
      if (top.includes('.') || set.has(top)) continue;
      const inner = r.unknown.filter((p) => p.startsWith(`${top}.`));
      if (inner.length > 0 && inner.every((p) => set.has(p)) && !expressionAt(block.expressions, top)) set.add(top);
    }
    return [...set].sort();
  }

  private pathSet(block: ConfigBlock, path: string): boolean {
    const key = `${block.address}|${path}`;
    let v = this.memo.get(key);
    if (v === undefined) {
      const expr = expressionAt(block.expressions, path);
      v = !!expr?.references?.length && this.leavesSet(this.refs.resolveExpression(block, expr));
      this.memo.set(key, v);
    }
    return v;
  }

  private leavesSet(leaves: readonly Leaf[]): boolean {
    let fromResource = false;
    for (const l of leaves) {
      if (l.kind === 'known') {
        if (l.value) return false;
        continue;
      }
      if (l.kind === 'opaque' || l.mode !== 'managed') return false;
      if (l.keyOnly) continue;
      const state = this.attributeState(l);
      if (state === 'null') return false;
      if (state === 'set') fromResource = true;
    }
    return fromResource;
  }

  /**
   * `set` when the resource has an instance created or kept in this plan whose attribute is not
   * null; `absent` when the resource has no instance at all (count or for_each of zero: an
   * alternative of a `try()` that gives no value, as in `try(aws_kms_key.this[0].arn,
   * aws_kms_replica_key.this[0].arn, null)`); else `null`.
   */
  private attributeState(l: Extract<Leaf, { kind: 'resource' }>): 'set' | 'absent' | 'null' {
    const all = this.byConfig.get(l.address) ?? [];
    if (all.length === 0) return 'absent';
    const instances = all.filter(
      (i) =>
        i.mode === 'managed' &&
        i.change !== 'delete' &&
        i.change !== 'forget' &&
        (l.index.kind !== 'literal' || i.index === l.index.value),
    );
    const top = l.attr?.[0];
    // with a dynamic index the attribute is hidden: any live instance
    const live =
      top === undefined
        ? instances.length > 0
        : instances.some(
            (i) => i.unknown.includes(top) || ((i.after as Record<string, unknown> | null)?.[top] ?? null) !== null,
          );
    return live ? 'set' : 'null';
  }
}
