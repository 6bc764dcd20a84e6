import { TfoError, type PlanJson } from '@tfo/engine';
import { joinBuckets } from './bucket-join.js';
import { ConfigRefs } from './config-refs.js';
import { docsFromSources, docSources } from './policy-doc-source.js';
import { SetPaths } from './set-paths.js';

/**
 * The policy input: the plan as terraform wrote it plus a normalised view that Rego compiled to
 * wasm cannot build itself (joins through configuration references, parsed policy documents,
 * unknown and sensitive paths). The shape is documented in policies/README.md.
 */
/** The plan without what `resources` already holds (resource_changes, prior_state, planned_values). */
export type PlanRest = Omit<PlanJson, 'resource_changes' | 'prior_state' | 'planned_values'>;

export interface PolicyInput {
  plan: PlanRest;
  resources: NormalisedResource[];
  buckets: Record<string, BucketView>;
  variables: Record<string, unknown>;
  file: string;
  /** Resource type → indexes into `resources` of every resource of that type. */
  types: Record<string, number[]>;
}

export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'read' | 'forget';

export interface NormalisedResource {
  address: string;
  module: string;
  type: string;
  name: string;
  mode: string;
  index: string | number | null;
  config_address: string;
  actions: string[];
  change: ChangeKind;
  configures: boolean;
  after: unknown;
  before: unknown;
  unknown: string[];
  sensitive: string[];
  docs: Record<string, PolicyDocument>;
  /** Attribute → address of the `aws_iam_policy_document` its (unknown) document was built from. */
  docs_from: Record<string, string>;
  /** Unknown paths known to be set: taken from attributes of managed resources in this plan. */
  set: string[];
  /** Top-level attribute and block names the resource's configuration block writes (sorted). */
  written: string[];
  bucket: string | null;
}

export interface PolicyDocument {
  Statement: Array<Record<string, unknown>>;
  [k: string]: unknown;
}

export interface BucketView {
  address: string;
  bucket: NormalisedResource;
  versioning: NormalisedResource | null;
  sse: NormalisedResource | null;
  public_access_block: NormalisedResource | null;
  policy: NormalisedResource | null;
  logging: NormalisedResource | null;
  lifecycle: NormalisedResource | null;
  acl: NormalisedResource | null;
  ownership: NormalisedResource | null;
}

export const SENSITIVE = '(sensitive)';

/** Plan JSON format versions this normaliser understands (major version). */
const SUPPORTED_MAJOR = 1;

/** Removes instance keys: `module.a["x"].aws_s3_bucket.this["k"]` → `module.a.aws_s3_bucket.this`. */
export function stripIndexes(address: string): string {
  return address.replace(/\["(?:[^"\\]|\\.)*"\]|\[\d+\]|\[[a-z_.]+\]/g, '');
}

export function changeOf(actions: readonly string[]): ChangeKind {
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  const first = actions[0] ?? 'no-op';
  return (['create', 'update', 'delete', 'no-op', 'read', 'forget'] as const).find((a) => a === first) ?? 'no-op';
}

/** Dotted paths of every `true` leaf in a terraform after_unknown / after_sensitive mask. */
export function truePaths(mask: unknown, prefix = ''): string[] {
  if (mask === true) return prefix ? [prefix] : [];
  if (!mask || typeof mask !== 'object') return [];
  const out: string[] = [];
  const entries = Array.isArray(mask) ? mask.map((v, i) => [String(i), v] as const) : Object.entries(mask);
  for (const [k, v] of entries) out.push(...truePaths(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

/** Top-level names of unknown paths are listed too: `rule.0.x` unknown makes `rule` unknown. */
function withParents(paths: string[]): string[] {
  const all = new Set(paths);
  for (const p of paths) all.add(p.split('.')[0]!);
  return [...all].sort();
}

/** A copy of `value` with every path that `mask` marks true replaced by the sensitive marker. */
export function maskSensitive(value: unknown, mask: unknown): unknown {
  if (mask === true) return value === null || value === undefined ? value : SENSITIVE;
  if (!mask || typeof mask !== 'object' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => maskSensitive(v, (mask as unknown[])[i]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskSensitive(v, (mask as Record<string, unknown>)[k]);
  return out;
}

const asArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** Parses a JSON policy document and makes its shape regular (see policies/README.md). */
export function policyDocument(text: unknown): PolicyDocument | undefined {
  if (typeof text !== 'string' || !text.includes('Statement')) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const Statement = asArray(doc.Statement).map((s) => {
    const st = { ...(s as Record<string, unknown>) };
    for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) if (key in st) st[key] = asArray(st[key]);
    for (const key of ['Principal', 'NotPrincipal']) {
      const p = st[key];
      if (p && typeof p === 'object') {
        st[key] = Object.fromEntries(Object.entries(p as Record<string, unknown>).map(([k, v]) => [k, asArray(v)]));
      }
    }
    return st;
  });
  return { ...doc, Statement };
}

function docsOf(after: unknown): Record<string, PolicyDocument> {
  const docs: Record<string, PolicyDocument> = {};
  if (!after || typeof after !== 'object') return docs;
  for (const [k, v] of Object.entries(after as Record<string, unknown>)) {
    const doc = policyDocument(v);
    if (doc) docs[k] = doc;
  }
  return docs;
}

/** Normalises a plan for policy evaluation; refuses a plan format it does not know. */
export function normalisePlan(plan: PlanJson, file: string): PolicyInput {
  const version = String(plan.format_version ?? '');
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (major !== SUPPORTED_MAJOR) {
    throw new TfoError(
      'TFO_ERR_PLAN_FORMAT',
      `${file}: plan JSON format_version "${version}" is not supported (major ${SUPPORTED_MAJOR} expected): upgrade tfo or use a supported terraform`,
      { file },
    );
  }
  const refs = new ConfigRefs(plan);
  const resources: NormalisedResource[] = (plan.resource_changes ?? []).map((rc) => {
    const raw = rc as typeof rc & { index?: string | number; name?: string; mode?: string; module_address?: string };
    const change = changeOf(rc.change.actions);
    const mode = raw.mode ?? 'managed';
    const configAddress = stripIndexes(rc.address);
    const after = maskSensitive(rc.change.after ?? null, rc.change.after_sensitive);
    return {
      address: rc.address,
      module: raw.module_address ?? '',
      type: rc.type,
      name: raw.name ?? '',
      mode,
      index: raw.index ?? null,
      config_address: configAddress,
      actions: rc.change.actions,
      change,
      configures: change === 'create' || change === 'update' || change === 'replace',
      after,
      before: maskSensitive(rc.change.before ?? null, rc.change.before_sensitive),
      unknown: withParents(truePaths(rc.change.after_unknown)),
      sensitive: truePaths(rc.change.after_sensitive),
      docs: docsOf(after),
      docs_from: {},
      set: [],
      written: writtenOf(refs, mode, configAddress),
      bucket: null,
    };
  });
  const types: Record<string, number[]> = {};
  const byConfig = new Map<string, NormalisedResource[]>();
  for (const [i, r] of resources.entries()) {
    (types[r.type] ??= []).push(i);
    const same = byConfig.get(r.config_address);
    if (same) same.push(r);
    else byConfig.set(r.config_address, [r]);
  }
  const setPaths = new SetPaths(refs, byConfig);
  const sources = docSources(plan);
  for (const r of resources) {
    if (r.unknown.length === 0) continue;
    const set = setPaths.of(r);
    const fromSources = docsFromSources(r, refs, sources);
    Object.assign(r.docs, fromSources.docs);
    r.docs_from = fromSources.from;
    // a document built from a policy document data source is there, only not yet rendered
    r.set = [...new Set([...set, ...Object.keys(fromSources.from)])].sort();
  }
  const buckets = joinBuckets(resources, refs);
  return { plan: planRest(plan), resources, buckets, variables: variablesOf(plan), file, types };
}

/**
 * The plan as input.plan: without resource_changes, prior_state and planned_values, whose
 * resources are in input.resources (they were most of the input's bytes, and wasm parses them all).
 */
function planRest(plan: PlanJson): PlanRest {
  const rest: Record<string, unknown> = { ...plan };
  for (const key of ['resource_changes', 'prior_state', 'planned_values']) delete rest[key];
  return rest as PlanRest;
}

/**
 * Names the configuration block of a managed resource writes (keys of its `expressions`); [] for a
 * data source or a resource without a block. Lets rules ask "is it written" without walking
 * input.plan.configuration (lib.configured_attr).
 */
function writtenOf(refs: ConfigRefs, mode: string, configAddress: string): string[] {
  if (mode !== 'managed') return [];
  return Object.keys(refs.resources.get(configAddress)?.expressions ?? {}).sort();
}

function variablesOf(plan: PlanJson): Record<string, unknown> {
  const declared = (plan.configuration as { root_module?: { variables?: Record<string, { sensitive?: boolean }> } })
    ?.root_module?.variables;
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(plan.variables ?? {})) {
    out[name] = declared?.[name]?.sensitive ? SENSITIVE : v.value;
  }
  return out;
}
