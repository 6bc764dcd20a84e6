import { expressionAt, type ConfigRefs } from './config-refs.js';
import { pickInstance } from './instances.js';
import type { BucketView, NormalisedResource } from './normalize.js';

/** Split S3 resources (AWS provider v4+) and the bucket view field each fills. */
export const BUCKET_PARTS: Readonly<Record<string, keyof Omit<BucketView, 'address' | 'bucket'>>> = Object.freeze({
  aws_s3_bucket_versioning: 'versioning',
  aws_s3_bucket_server_side_encryption_configuration: 'sse',
  aws_s3_bucket_public_access_block: 'public_access_block',
  aws_s3_bucket_policy: 'policy',
  aws_s3_bucket_logging: 'logging',
  aws_s3_bucket_lifecycle_configuration: 'lifecycle',
  aws_s3_bucket_acl: 'acl',
  aws_s3_bucket_ownership_controls: 'ownership',
});

const BUCKET_ADDRESS = /(?:^|\.)aws_s3_bucket\.[A-Za-z0-9_-]+$/;

/**
 * Joins each split S3 resource to its bucket: its `bucket` expression resolved through module
 * inputs, outputs and `for_each`/`count` (see config-refs.ts), the instance chosen by key; else,
 * with no reference to follow, by the known bucket name.
 */
export function joinBuckets(resources: NormalisedResource[], refs: ConfigRefs): Record<string, BucketView> {
  const bucketsByConfig = new Map<string, NormalisedResource[]>();
  const bucketsByName = new Map<string, NormalisedResource>();
  const views: Record<string, BucketView> = {};
  for (const r of resources) {
    if (r.mode !== 'managed' || r.type !== 'aws_s3_bucket') continue;
    const same = bucketsByConfig.get(r.config_address);
    if (same) same.push(r);
    else bucketsByConfig.set(r.config_address, [r]);
    const name = (r.after as { bucket?: unknown } | null)?.bucket;
    if (typeof name === 'string' && !bucketsByName.has(name)) bucketsByName.set(name, r);
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
  for (const part of resources) {
    if (part.mode !== 'managed' || !(part.type in BUCKET_PARTS)) continue;
    const bucket = bucketFor(part, refs, bucketsByConfig) ?? byName(part, bucketsByName);
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
  refs: ConfigRefs,
  bucketsByConfig: Map<string, NormalisedResource[]>,
): NormalisedResource | undefined {
  const block = refs.resources.get(part.config_address);
  if (!block) return undefined;
  const configModule = block.module;
  for (const leaf of refs.resolveExpression(block, expressionAt(block.expressions, 'bucket'))) {
    if (leaf.kind !== 'resource' || leaf.mode !== 'managed' || !BUCKET_ADDRESS.test(leaf.address)) continue;
    const found = pickInstance(leaf, part, configModule, bucketsByConfig.get(leaf.address) ?? []);
    if (found) return found;
  }
  return undefined;
}

/** No reference to follow (a literal bucket name): join on the known name. */
function byName(
  part: NormalisedResource,
  bucketsByName: Map<string, NormalisedResource>,
): NormalisedResource | undefined {
  const name = (part.after as { bucket?: unknown } | null)?.bucket;
  return typeof name === 'string' ? bucketsByName.get(name) : undefined;
}
