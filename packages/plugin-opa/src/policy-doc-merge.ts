import { expressionAt, type ConfigRefs, type Leaf } from './config-refs.js';
import { pickInstance } from './instances.js';
import { policyDocument, type PolicyDocument } from './normalize.js';
import type { DocSource } from './policy-doc-source.js';

/** A config address of an `aws_iam_policy_document` data source. */
export const DOC_ADDRESS = /(?:^|\.)data\.aws_iam_policy_document\.[A-Za-z0-9_-]+$/;
const JSON_ATTRS = new Set(['json', 'minified_json']);

/**
 * Whether a reference leaf takes a policy document's JSON: `.json`/`.minified_json`, or no attribute
 * at all, as `data.x.doc[count.index].json` reaches the plan JSON (`data.x.doc` + `count.index`).
 */
export const takesJson = (l: Extract<Leaf, { kind: 'resource' }>): boolean =>
  !l.attr || l.attr.length === 0 || (l.attr.length === 1 && JSON_ATTRS.has(l.attr[0]!));

/** The part of an after_unknown mask at a key or index (undefined when the mask has none). */
export const maskOf = (m: unknown, k: string | number): unknown =>
  m && typeof m === 'object' ? (m as never)[k] : undefined;

/**
 * The documents an `aws_iam_policy_document` merges through `source_policy_documents`, or
 * undefined when they cannot all be seen. Known elements are parsed. When the list is unknown
 * (`compact([cond ? data.x[0].json : "", ...])` over a document read at apply is unknown as a
 * whole), its expression is followed instead: each policy document data source it references that
 * has an instance in the plan (those gated off by `count = 0` have none, and are left out) is
 * built with `build`, and each value known at plan time that holds a JSON policy document (a
 * policy passed to a module input) is parsed; flags and empty values are passed over. Anything
 * else (a local, a resource attribute) makes the merge unknown.
 */
export function sourceDocuments(
  source: DocSource,
  refs: ConfigRefs,
  sources: Map<string, DocSource[]>,
  build: (s: DocSource) => PolicyDocument | undefined,
): PolicyDocument[] | undefined {
  const list = source.after.source_policy_documents;
  const mask = maskOf(source.afterUnknown, 'source_policy_documents');
  if (mask !== true && (!Array.isArray(list) || list.length === 0)) return [];
  if (mask !== true && (list as unknown[]).every((_, i) => maskOf(mask, i) !== true)) {
    const docs = (list as unknown[]).map((v) => policyDocument(v));
    return docs.every((d) => d !== undefined) ? (docs as PolicyDocument[]) : undefined;
  }
  const block = refs.resources.get(source.config_address);
  if (!block) return undefined;
  const out: PolicyDocument[] = [];
  for (const l of refs.resolveExpression(block, expressionAt(block.expressions, 'source_policy_documents'))) {
    if (l.kind === 'opaque') return undefined;
    if (l.kind === 'known') {
      if (!l.value) continue;
      if (!l.constant) return undefined;
      const v = l.constant.is;
      if (v === null || v === '' || typeof v === 'boolean' || typeof v === 'number') continue;
      // a map or list the value is picked from (`each.value.policy` of a wrapper's items): it can
      // only yield a policy document if it holds one
      if (typeof v === 'object') {
        if (holdsDocument(v)) return undefined;
        continue;
      }
      const doc = policyDocument(v);
      if (!doc) return undefined;
      out.push(doc);
      continue;
    }
    if (l.keyOnly) continue; // `data.x.doc[each.key].json`: the key picks the instance
    if (!DOC_ADDRESS.test(l.address) || !takesJson(l)) return undefined;
    const candidates = sources.get(l.address) ?? [];
    if (candidates.length === 0) continue; // gated off: no instance, not in the list
    const instance = pickInstance(l, source, block.module, candidates);
    const doc = instance ? build(instance) : undefined;
    if (!doc) return undefined;
    out.push(doc);
  }
  return out;
}

/** Whether a map or list holds, at any depth, a string that is a JSON policy document. */
function holdsDocument(v: unknown): boolean {
  if (typeof v === 'string') return policyDocument(v) !== undefined;
  if (!v || typeof v !== 'object') return false;
  return Object.values(v as Record<string, unknown>).some(holdsDocument);
}

/** Statements of the merged documents, then the document's own; an own statement replaces one with its Sid. */
export function mergeStatements(
  merged: PolicyDocument[],
  own: Array<Record<string, unknown>>,
): Array<Record<string, unknown>> {
  const out = merged.flatMap((d) => d.Statement);
  for (const st of own) {
    const at = typeof st.Sid === 'string' && st.Sid ? out.findIndex((s) => s.Sid === st.Sid) : -1;
    if (at >= 0) out[at] = st;
    else out.push(st);
  }
  return out;
}
