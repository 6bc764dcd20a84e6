// The normaliser on public modules as they are: a configuration that calls the corpus's
// terraform-aws-modules s3-bucket, kms, sqs and iam-policy modules (../shared/corpus, or
// $TFO_CORPUS) is planned with terraform against moto, and the joins, `set` paths and policy
// documents from aws_iam_policy_document data sources are checked on the result. Without the
// corpus the file fails, saying where it is looked for.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanJson } from '@tfo/engine';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCorpus } from '../../../scripts/lib/estate.mjs';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { MOTO_PROVIDER, terraformEnv } from '../../../scripts/lib/terraform-moto.mjs';
import { normalisePlan, type NormalisedResource, type PolicyInput } from '../src/index.js';
import { KNOWN_AFTER_APPLY } from '../src/policy-doc-source.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const CORPUS = requireCorpus(HERE);

const main = (modules: string) => `
${MOTO_PROVIDER}
module "kms" {
  source      = "${modules}/kms"
  description = "norm corpus"
}

module "bucket" {
  source = "${modules}/s3-bucket"
  bucket = "norm-corpus-bucket"
  attach_deny_insecure_transport_policy = true
  versioning = {
    enabled = true
  }
  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        kms_master_key_id = module.kms.key_arn
        sse_algorithm     = "aws:kms"
      }
    }
  }
}

resource "aws_sns_topic" "t" {
  name              = "norm-corpus-topic"
  kms_master_key_id = module.kms.key_arn
}

module "queue" {
  source              = "${modules}/sqs"
  name                = "norm-corpus-queue"
  kms_master_key_id   = module.kms.key_arn
  create_queue_policy = true
  queue_policy_statements = {
    sns = {
      sid     = "FromTopic"
      actions = ["sqs:SendMessage"]
      principals = [{
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }]
      conditions = [{
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [aws_sns_topic.t.arn]
      }]
    }
  }
}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["\${module.bucket.s3_bucket_arn}/*"]
  }
}

module "policy" {
  source = "${modules}/iam/modules/iam-policy"
  name   = "norm-corpus-read"
  policy = data.aws_iam_policy_document.read.json
}
`;

let moto: MotoServer | undefined;
let work: string;
let input: PolicyInput;
const at = (address: string): NormalisedResource => {
  const r = input.resources.find((x) => x.address === address);
  if (!r) throw new Error(`${address} is not in the plan`);
  return r;
};

describe('normaliser on the public modules of the corpus', () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'tfo-normalize-corpus-'));
    moto = await startMoto();
    const dir = path.join(work, 'root');
    await mkdir(dir);
    await writeFile(path.join(dir, 'main.tf'), main(path.join(CORPUS, 'terraform-aws-modules')));
    const env = await terraformEnv({ work, endpoint: moto.endpoint });
    const tf = (args: string[]) => execa('terraform', args, { cwd: dir, env });
    await tf(['init', '-input=false', '-no-color']);
    await tf(['plan', '-input=false', '-no-color', '-out=p.tfplan']);
    input = normalisePlan(JSON.parse((await tf(['show', '-json', 'p.tfplan'])).stdout) as PlanJson, 'corpus.tfvars');
  });

  afterAll(async () => {
    await moto?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("joins the s3-bucket module's count-gated split resources to its bucket", () => {
    const bucket = 'module.bucket.aws_s3_bucket.this[0]';
    const view = input.buckets[bucket]!;
    expect(view.versioning?.address).toBe('module.bucket.aws_s3_bucket_versioning.this[0]');
    expect(view.sse?.address).toBe('module.bucket.aws_s3_bucket_server_side_encryption_configuration.this[0]');
    expect(view.public_access_block?.address).toBe('module.bucket.aws_s3_bucket_public_access_block.this[0]');
    for (const r of input.resources.filter((x) => x.type.startsWith('aws_s3_bucket_'))) expect(r.bucket).toBe(bucket);
  });

  it("builds the s3-bucket module's merged bucket policy", () => {
    const policy = at('module.bucket.aws_s3_bucket_policy.this[0]');
    expect(policy.docs_from).toEqual({ policy: 'module.bucket.data.aws_iam_policy_document.combined[0]' });
    expect(policy.docs.policy!.Statement).toEqual([
      {
        Sid: 'denyInsecureTransport',
        Effect: 'Deny',
        Action: ['s3:*'],
        Resource: [KNOWN_AFTER_APPLY, KNOWN_AFTER_APPLY],
        Principal: '*',
        Condition: { Bool: { 'aws:SecureTransport': ['false'] } },
      },
    ]);
  });

  it('holds a KMS key from the kms module as set, through its try() output', () => {
    expect(at('aws_sns_topic.t').set).toContain('kms_master_key_id');
    const queue = at('module.queue.aws_sqs_queue.this[0]');
    expect(queue.unknown).toContain('kms_master_key_id');
    expect(queue.set).toContain('kms_master_key_id');
    // `var.kms_master_key_id != null ? null : var.sqs_managed_sse_enabled` ends null: not set
    expect(queue.set).not.toContain('sqs_managed_sse_enabled');
  });

  it("builds the sqs module's queue policy from its aws_iam_policy_document", () => {
    const policy = at('module.queue.aws_sqs_queue_policy.this[0]');
    expect(policy.docs_from).toEqual({ policy: 'module.queue.data.aws_iam_policy_document.this[0]' });
    expect(policy.docs.policy!.Statement).toEqual([
      {
        Sid: 'FromTopic',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [KNOWN_AFTER_APPLY],
        Principal: { Service: ['sns.amazonaws.com'] },
        // the module writes conditions as a dynamic block over a list holding an unknown value:
        // the whole condition list is unknown until apply
        Condition: KNOWN_AFTER_APPLY,
      },
    ]);
  });

  it('builds a policy passed into the iam-policy module from a root data source', () => {
    const policy = at('module.policy.aws_iam_policy.policy[0]');
    expect(policy.docs_from).toEqual({ policy: 'data.aws_iam_policy_document.read' });
    expect(policy.docs.policy!.Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [KNOWN_AFTER_APPLY] },
    ]);
    expect(policy.set).toContain('policy');
  });
});
