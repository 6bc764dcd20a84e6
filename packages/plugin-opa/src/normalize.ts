import { TfoError, type PlanJson } from '@tfo/engine';

/**
 * The policy input: the plan as terraform wrote it plus a normalised view that Rego compiled to
 * wasm cannot build itself (joins through configuration references, parsed policy documents,
 * unknown and sensitive paths). The shape is documented in policies/README.md.
 */
export interface PolicyInput {
  plan: PlanJson;
  resources: NormalisedResource[];
  buckets: Record<string, BucketView>;
  variables: Record<string, unknown>;
  file: string;
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

/** Split S3 resources (AWS provider v4+) and the bucket view field each fills. */
const BUCKET_PARTS: Readonly<Record<string, keyof Omit<BucketView, 'address' | 'bucket'>>> = Object.freeze({
  aws_s3_bucket_versioning: 'versioning',
  aws_s3_bucket_server_side_encryption_configuration: 'sse',
  aws_s3_bucket_public_access_block: 'public_access_block',
  aws_s3_bucket_policy: 'policy',
  aws_s3_bucket_logging: 'logging',
  aws_s3_bucket_lifecycle_configuration: 'lifecycle',
  aws_s3_bucket_acl: 'acl',
  aws_s3_bucket_ownership_controls: 'ownership',
});

/** Plan JSON format versions this normaliser understands (major version). */
const SUPPORTED_MAJOR = 1;

interface ConfigResource {
  /** Full config address: `module.a.aws_s3_bucket.this`. */
  address: string;
  module: string;
  expressions: Record<string, unknown>;
}

/** Removes instance keys: `module.a["x"].aws_s3_bucket.this["k"]` → `module.a.aws_s3_bucket.this`. */
export function stripIndexes(address: string): string {
  return address.replace(/\["(?:[^"\\]|\\.)*"\]|\[\d+\]|\[[a-z_.]+\]/g, '');
}

export function changeOf(actions: readonly string[]): ChangeKind {
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  const first = actions[0] ?? 'no-op';
  return (['create', 'update', 'delete', 'no-op', 'read', 'forget'] as const).find((a) => a === first) ?? 'no-op';
}

function configResources(plan: PlanJson): Map<string, ConfigResource> {
  const out = new Map<string, ConfigResource>();
  const walk = (mod: Record<string, unknown> | undefined, prefix: string): void => {
    if (!mod) return;
    for (const r of (mod.resources as Array<{ address: string; expressions?: Record<string, unknown> }>) ?? []) {
      const address = `${prefix}${r.address}`;
      out.set(address, { address, module: prefix.replace(/\.$/, ''), expressions: r.expressions ?? {} });
    }
    for (const [name, call] of Object.entries(
      (mod.module_calls as Record<string, { module?: Record<string, unknown> }>) ?? {},
    )) {
      walk(call.module, `${prefix}module.${name}.`);
    }
  };
  walk((plan.configuration as { root_module?: Record<string, unknown> } | undefined)?.root_module, '');
  return out;
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
  const config = configResources(plan);
  const resources: NormalisedResource[] = (plan.resource_changes ?? []).map((rc) => {
    const raw = rc as typeof rc & { index?: string | number; name?: string; mode?: string; module_address?: string };
    const change = changeOf(rc.change.actions);
    const after = maskSensitive(rc.change.after ?? null, rc.change.after_sensitive);
    return {
      address: rc.address,
      module: raw.module_address ?? '',
      type: rc.type,
      name: raw.name ?? '',
      mode: raw.mode ?? 'managed',
      index: raw.index ?? null,
      config_address: stripIndexes(rc.address),
      actions: rc.change.actions,
      change,
      configures: change === 'create' || change === 'update' || change === 'replace',
      after,
      before: maskSensitive(rc.change.before ?? null, rc.change.before_sensitive),
      unknown: withParents(truePaths(rc.change.after_unknown)),
      sensitive: truePaths(rc.change.after_sensitive),
      docs: docsOf(after),
      bucket: null,
    };
  });
  const buckets = joinBuckets(resources, config);
  return { plan, resources, buckets, variables: variablesOf(plan), file };
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

/** Joins each split S3 resource to its bucket through configuration references, else by bucket name. */
function joinBuckets(resources: NormalisedResource[], config: Map<string, ConfigResource>): Record<string, BucketView> {
  const managed = resources.filter((r) => r.mode === 'managed');
  const bucketsByConfig = new Map<string, NormalisedResource[]>();
  const views: Record<string, BucketView> = {};
  for (const r of managed.filter((r) => r.type === 'aws_s3_bucket')) {
    bucketsByConfig.set(r.config_address, [...(bucketsByConfig.get(r.config_address) ?? []), r]);
    views[r.address] = {
      address: r.address,
      bucket: r,
      versioning: null,
      sse: null,
      public_access_block: null,
      policy: null,
      logging: null,
      lifecycle: null,
      acl: null,
      ownership: null,
    };
  }
  for (const part of managed.filter((r) => r.type in BUCKET_PARTS)) {
    const bucket = bucketFor(part, config, bucketsByConfig, managed);
    if (!bucket) continue;
    part.bucket = bucket.address;
    const view = views[bucket.address]!;
    const field = BUCKET_PARTS[part.type]!;
    // a part being created or updated wins over one being deleted
    if (!view[field] || (!view[field]!.configures && part.configures)) view[field] = part;
  }
  return views;
}

function bucketFor(
  part: NormalisedResource,
  config: Map<string, ConfigResource>,
  bucketsByConfig: Map<string, NormalisedResource[]>,
  managed: NormalisedResource[],
): NormalisedResource | undefined {
  const conf = config.get(part.config_address);
  const refs = (conf?.expressions.bucket as { references?: string[] } | undefined)?.references ?? [];
  const prefix = conf?.module ? `${conf.module}.` : '';
  for (const ref of refs) {
    const target = stripIndexes(ref).match(/^(aws_s3_bucket\.[A-Za-z0-9_-]+)/)?.[1];
    if (!target) continue;
    const candidates = bucketsByConfig.get(`${prefix}${target}`) ?? [];
    const sameIndex = candidates.find((b) => b.index === part.index && b.module === part.module);
    const single = candidates.length === 1 ? candidates[0] : undefined;
    if (sameIndex ?? single) return sameIndex ?? single;
  }
  // no reference (a literal bucket name): join on the known name
  const name = (part.after as { bucket?: unknown } | null)?.bucket;
  if (typeof name !== 'string') return undefined;
  return managed.find((b) => b.type === 'aws_s3_bucket' && (b.after as { bucket?: unknown } | null)?.bucket === name);
}
