/** Where a configuration value can come from: the leaves a reference resolves to. */

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

/** A value known at plan time, the configuration not showing which. */
export const VALUE: Leaf = { kind: 'known', value: true };
/** A known value the configuration shows. */
export const valueOf = (v: unknown): Leaf => ({ kind: 'known', value: true, constant: { is: v } });

/** A known value, then attribute names inside it (`var.defaults.policy`); a name the map lacks is null. */
export function valueAt(v: unknown, tail: readonly string[]): Leaf {
  let at = v;
  for (const name of tail) {
    if (at === null || at === undefined) return valueOf(null);
    if (typeof at !== 'object' || Array.isArray(at)) return VALUE;
    at = (at as Record<string, unknown>)[name] ?? null;
  }
  return valueOf(at);
}

/** The leaves, each resource marked as taken from module instance `key`. */
export function withModule(leaves: Leaf[], key: ModuleKey): Leaf[] {
  return leaves.map((l) => (l.kind === 'resource' ? { ...l, modules: [key, ...(l.modules ?? [])] } : l));
}

/** The leaves without repeats. */
export function dedupe(leaves: Leaf[]): Leaf[] {
  const seen = new Set<string>();
  return leaves.filter((l) => {
    const k = JSON.stringify(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
