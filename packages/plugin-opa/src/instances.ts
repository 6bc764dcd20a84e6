import type { IndexSpec, Leaf } from './config-refs.js';

/** What the instance matching needs of a normalised resource (or of a data source read at plan time). */
export interface Instance {
  address: string;
  /** Module instance path: `module.a["k"].module.b`, or `""`. */
  module: string;
  index: string | number | null;
  config_address: string;
}

type ResourceLeaf = Extract<Leaf, { kind: 'resource' }>;

const SEGMENT = /module\.([A-Za-z0-9_-]+)(?:\[("(?:[^"\\]|\\.)*"|\d+)\])?/g;

/** `module.a["k"].module.b` → [{ name: 'a', key: 'k' }, { name: 'b', key: null }]. */
export function moduleSegments(module: string): Array<{ name: string; key: string | number | null }> {
  let segments = segmentCache.get(module);
  if (!segments) {
    segments = [...module.matchAll(SEGMENT)].map((m) => ({
      name: m[1]!,
      key: m[2] === undefined ? null : (JSON.parse(m[2]) as string | number),
    }));
    if (segmentCache.size > 10_000) segmentCache.clear();
    segmentCache.set(module, segments);
  }
  return segments;
}

const segmentCache = new Map<string, Array<{ name: string; key: string | number | null }>>();

const configDepth = (configModule: string): string[] => (configModule ? configModule.split('.module.') : []);

/** The instance key of block `scope` (the owner's own resource, or one of its module calls) for `owner`. */
export function instanceKeyOf(scope: string, owner: Instance): string | number | null | undefined {
  if (scope === owner.config_address) return owner.index;
  let path = '';
  for (const s of moduleSegments(owner.module)) {
    path = path ? `${path}.module.${s.name}` : `module.${s.name}`;
    if (path === scope) return s.key;
  }
  return undefined;
}

/** How many config modules two config module paths share from the root. */
function commonDepth(ownerModule: string, leafModule: string): number {
  const a = configDepth(ownerModule.replace(/^module\./, ''));
  const b = configDepth(leafModule.replace(/^module\./, ''));
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return common;
}

/**
 * Whether a candidate's module instance agrees with the owner's on the `common` modules both sit
 * in: `module.a["x"].module.b.aws_s3_bucket.this` can configure what `module.a["x"]` holds, never
 * what `module.a["y"]` holds.
 */
function sameAncestors(owner: Instance, common: number, c: Instance): boolean {
  const os = moduleSegments(owner.module);
  const cs = moduleSegments(c.module);
  for (let i = 0; i < common; i++) if (os[i]?.key !== cs[i]?.key) return false;
  return true;
}

const byIndexCache = new WeakMap<readonly Instance[], Map<string | number | null, Instance[]>>();

/** Candidates with instance key `key` (indexed once per candidate list). */
function withIndex<T extends Instance>(candidates: readonly T[], key: string | number | null): T[] {
  let index = byIndexCache.get(candidates);
  if (!index) {
    index = new Map();
    for (const c of candidates) {
      const list = index.get(c.index);
      if (list) list.push(c);
      else index.set(c.index, [c]);
    }
    byIndexCache.set(candidates, index);
  }
  return (index.get(key) ?? []) as T[];
}

/** The instance key an index spec asks for, for `owner`; undefined for any. */
function keyWanted(spec: IndexSpec, owner: Instance): string | number | null | undefined {
  if (spec.kind === 'literal') return spec.value;
  if (spec.kind === 'none') return null;
  if (spec.kind === 'key') return instanceKeyOf(spec.scope, owner);
  return undefined;
}

/** Whether a candidate sits in the module instances a leaf was taken from. */
function modulesMatch(
  modules: Array<{ depth: number; key: string | number | null | undefined }>,
  c: Instance,
): boolean {
  if (modules.length === 0) return true;
  const segs = moduleSegments(c.module);
  return modules.every((m) => m.key === undefined || segs[m.depth]?.key === m.key);
}

/**
 * The instance of the resource a leaf points at, for the resource `owner` whose expression it
 * came from: by the literal key written, by the owner's own key (`count.index`, `each.key`,
 * `each.value`), else the one with the owner's key, else the only one there is.
 */
export function pickInstance<T extends Instance>(
  leaf: ResourceLeaf,
  owner: Instance,
  ownerModule: string,
  candidates: readonly T[],
): T | undefined {
  if (candidates.length === 0) return undefined;
  const common = commonDepth(ownerModule, leaf.module);
  const modules = (leaf.modules ?? []).map((m) => ({
    depth: configDepth(m.path.replace(/^module\./, '')).length - 1,
    key: keyWanted(m.key, owner),
  }));
  const keep = (list: readonly T[]): readonly T[] =>
    common === 0 && modules.length === 0
      ? list
      : list.filter((c) => sameAncestors(owner, common, c) && modulesMatch(modules, c));
  const want = keyWanted(leaf.index, owner);
  const matched = keep(want === undefined ? candidates : withIndex(candidates, want));
  if (matched.length === 1) return matched[0];
  const sameKey =
    matched.length > 1 ? matched.filter((c) => c.index === owner.index) : keep(withIndex(candidates, owner.index));
  if (sameKey.length === 1) return sameKey[0];
  return candidates.length === 1 ? candidates[0] : undefined;
}
