import type { PlanJson } from '@tfo/engine';
import { expressionAt, type ConfigRefs } from './config-refs.js';
import { pickInstance, type Instance } from './instances.js';
import { DOC_ADDRESS, maskOf, mergeStatements, sourceDocuments, takesJson } from './policy-doc-merge.js';
import { policyDocument, stripIndexes, type NormalisedResource, type PolicyDocument } from './normalize.js';

/** The value standing for anything the data source will only know at apply. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/** An `aws_iam_policy_document` instance: read during apply (resource_changes) or at plan time (prior_state). */
export interface DocSource extends Instance {
  after: Record<string, unknown>;
  afterUnknown: unknown;
}

const DOC_TYPE = 'aws_iam_policy_document';

/** Every `aws_iam_policy_document` instance of the plan, by config address. */
export function docSources(plan: PlanJson): Map<string, DocSource[]> {
  const out = new Map<string, DocSource[]>();
  const add = (s: DocSource): void => {
    const same = out.get(s.config_address);
    if (same) same.push(s);
    else out.set(s.config_address, [s]);
  };
  const seen = new Set<string>();
  for (const rc of plan.resource_changes ?? []) {
    const raw = rc as typeof rc & { mode?: string; index?: string | number; module_address?: string };
    if (raw.mode !== 'data' || rc.type !== DOC_TYPE) continue;
    seen.add(rc.address);
    add({
      address: rc.address,
      module: raw.module_address ?? '',
      index: raw.index ?? null,
      config_address: stripIndexes(rc.address),
      after: (rc.change.after ?? {}) as Record<string, unknown>,
      afterUnknown: rc.change.after_unknown,
    });
  }
  type StateModule = { address?: string; resources?: Array<Record<string, unknown>>; child_modules?: StateModule[] };
  const walk = (m: StateModule | undefined): void => {
    for (const r of m?.resources ?? []) {
      const address = r.address as string;
      if (r.mode !== 'data' || r.type !== DOC_TYPE || seen.has(address)) continue;
      add({
        address,
        module: m?.address ?? '',
        index: (r.index as string | number | undefined) ?? null,
        config_address: stripIndexes(address),
        after: (r.values ?? {}) as Record<string, unknown>,
        afterUnknown: {},
      });
    }
    for (const c of m?.child_modules ?? []) walk(c);
  };
  walk((plan as { prior_state?: { values?: { root_module?: StateModule } } }).prior_state?.values?.root_module);
  return out;
}

/**
 * For each attribute of `r` unknown until apply whose expression resolves to the `json` (or
 * `minified_json`) of exactly one `aws_iam_policy_document` (other branches known at plan time),
 * the document built from that data source and its address.
 */
export function docsFromSources(
  r: NormalisedResource,
  refs: ConfigRefs,
  sources: Map<string, DocSource[]>,
): { docs: Record<string, PolicyDocument>; from: Record<string, string> } {
  const docs: Record<string, PolicyDocument> = {};
  const from: Record<string, string> = {};
  const block = refs.resources.get(r.config_address);
  if (!block || sources.size === 0) return { docs, from };
  for (const attr of r.unknown) {
    if (attr.includes('.') || attr in r.docs) continue;
    const expr = expressionAt(block.expressions, attr);
    if (!expr?.references?.length) continue;
    // `each.key` picks the instance (`data.x.doc[each.key].json`): a key, not a value of the attribute
    const leaves = refs.resolveExpression(block, expr).filter((l) => !(l.kind === 'resource' && l.keyOnly));
    if (leaves.some((l) => l.kind === 'opaque' || (l.kind === 'resource' && !DOC_ADDRESS.test(l.address)))) continue;
    const docLeaves = leaves.filter((l) => l.kind === 'resource');
    const addresses = new Set(docLeaves.map((l) => l.address));
    const leaf = docLeaves[0];
    if (!leaf || addresses.size !== 1 || leaf.mode !== 'data') continue;
    if (!docLeaves.every((l) => l.kind === 'resource' && takesJson(l))) continue;
    const source = pickInstance(leaf, r, block.module, sources.get(leaf.address) ?? []);
    if (!source) continue;
    const doc = documentOf(source, refs, sources, 0);
    if (!doc) continue;
    docs[attr] = doc;
    from[attr] = source.address;
  }
  return { docs, from };
}

const MAX_MERGE_DEPTH = 4;

/** The document a data source renders: its json when known, else built from its statements and the documents it merges. */
function documentOf(
  source: DocSource,
  refs: ConfigRefs,
  sources: Map<string, DocSource[]>,
  depth: number,
): PolicyDocument | undefined {
  const known = policyDocument(source.after.json);
  if (known || depth > MAX_MERGE_DEPTH) return known;
  const merged = sourceDocuments(source, refs, sources, (s) => documentOf(s, refs, sources, depth + 1));
  return merged && documentFromStatements(source.after, source.afterUnknown, merged);
}

type Mask = Record<string, unknown> | undefined;
const anyTrue = (m: unknown): boolean =>
  m === true || (!!m && typeof m === 'object' && Object.values(m as object).some(anyTrue));

/** A list attribute with each unknown element (or the whole list) as KNOWN_AFTER_APPLY. */
function list(values: unknown, mask: unknown): string[] | undefined {
  if (mask === true) return [KNOWN_AFTER_APPLY];
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return values.map((v, i) => (maskOf(mask, i) === true ? KNOWN_AFTER_APPLY : String(v)));
}

/**
 * The policy document an `aws_iam_policy_document` data source will render, from its planned
 * statement blocks, in the normalised shape of parsed documents (policies/README.md): principal
 * type `*` renders `"*"`, other principals `{ type: [identifiers] }`, conditions
 * `{ test: { variable: [values] } }`. `merged`: the documents of `source_policy_documents`
 * (policy-doc-merge.ts), whose statements come first. Undefined when the statements themselves are
 * unknown or the document merges documents it was not given (source_/override_ documents or JSON).
 */
export function documentFromStatements(
  after: Record<string, unknown>,
  unknown: unknown,
  merged?: PolicyDocument[],
): PolicyDocument | undefined {
  const mask = (unknown && typeof unknown === 'object' ? unknown : {}) as Record<string, unknown>;
  const merges = ['override_policy_documents', 'source_json', 'override_json'];
  for (const k of merged ? merges : ['source_policy_documents', ...merges]) {
    const v = after[k];
    if (anyTrue(mask[k]) || (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)))
      return undefined;
  }
  if (mask.statement === true || !Array.isArray(after.statement)) return undefined;
  const Statement: Array<Record<string, unknown>> = [];
  for (const [i, raw] of (after.statement as Array<Record<string, unknown>>).entries()) {
    const sm = maskOf(mask.statement, i) as Mask | true;
    if (sm === true) return undefined;
    const st: Record<string, unknown> = {};
    if (sm?.sid === true) st.Sid = KNOWN_AFTER_APPLY;
    else if (typeof raw.sid === 'string' && raw.sid !== '') st.Sid = raw.sid;
    st.Effect =
      sm?.effect === true ? KNOWN_AFTER_APPLY : typeof raw.effect === 'string' && raw.effect ? raw.effect : 'Allow';
    const lists = { actions: 'Action', not_actions: 'NotAction', resources: 'Resource', not_resources: 'NotResource' };
    for (const [k, key] of Object.entries(lists)) {
      const v = list(raw[k], sm?.[k]);
      if (v) st[key] = v;
    }
    for (const [k, key] of [
      ['principals', 'Principal'],
      ['not_principals', 'NotPrincipal'],
    ] as const) {
      const p = principal(raw[k], sm?.[k]);
      if (p !== undefined) st[key] = p;
    }
    const c = condition(raw.condition, sm?.condition);
    if (c !== undefined) st.Condition = c;
    Statement.push(st);
  }
  const doc: PolicyDocument = {
    Version: typeof after.version === 'string' ? after.version : '2012-10-17',
    Statement: merged ? mergeStatements(merged, Statement) : Statement,
  };
  if (typeof after.policy_id === 'string') doc.Id = after.policy_id;
  return doc;
}

function principal(blocks: unknown, mask: unknown): unknown {
  if (mask === true) return KNOWN_AFTER_APPLY;
  if (!Array.isArray(blocks) || blocks.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const [j, b] of (blocks as Array<{ type?: unknown; identifiers?: unknown }>).entries()) {
    const bm = maskOf(mask, j);
    if (bm === true || maskOf(bm, 'type') === true || typeof b.type !== 'string') return KNOWN_AFTER_APPLY;
    if (b.type === '*') return '*';
    out[b.type] = [...(out[b.type] ?? []), ...(list(b.identifiers, maskOf(bm, 'identifiers')) ?? [])];
  }
  return out;
}

function condition(blocks: unknown, mask: unknown): unknown {
  if (mask === true) return KNOWN_AFTER_APPLY;
  if (!Array.isArray(blocks) || blocks.length === 0) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const [j, c] of (blocks as Array<{ test?: unknown; variable?: unknown; values?: unknown }>).entries()) {
    const cm = maskOf(mask, j);
    if (cm === true || maskOf(cm, 'test') === true || maskOf(cm, 'variable') === true) return KNOWN_AFTER_APPLY;
    if (typeof c.test !== 'string' || typeof c.variable !== 'string') return KNOWN_AFTER_APPLY;
    const values = list(c.values, maskOf(cm, 'values')) ?? [];
    out[c.test] = { ...out[c.test], [c.variable]: [...(out[c.test]?.[c.variable] ?? []), ...values] };
  }
  return out;
}
