// Shared helpers for the plugin-s3-backup tests: real moto servers on 127.0.0.1, real SDK clients.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';

export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const REGION = 'us-east-1';

/** Credentials for the SDK default chain (ClientCache without a role uses the ambient ones). */
export function useTestCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = REGION;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

export function s3Client(endpoint: string): S3Client {
  return new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
}

export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
}

export async function createBucket(s3: S3Client, bucket: string, versioned: boolean): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (versioned) {
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
}

export async function createLockTable(db: DynamoDBClient, table: string): Promise<void> {
  await db.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** A terraform state document (what fingerprintBytes reads), as bytes. */
export function stateBytes(serial: number, lineage: string, names: string[] = []): Buffer {
  return Buffer.from(
    JSON.stringify(
      {
        version: 4,
        terraform_version: '1.9.0',
        serial,
        lineage,
        outputs: {},
        resources: names.length
          ? [
              {
                mode: 'managed',
                type: 'terraform_data',
                name: 'bucket',
                provider: 'provider["terraform.io/builtin/terraform"]',
                instances: names.map((n) => ({ index_key: n, schema_version: 0, attributes: { id: randomUUID() } })),
              },
            ]
          : [],
        check_results: null,
      },
      null,
      2,
    ),
  );
}

export async function getText(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return await out.Body!.transformToString();
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw err;
  }
}

export function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

const journal: string[] = [];
const JOURNAL_KEEP = 4000;

/**
 * What the state servers of this test process answered (moto's own errors and the front's line per
 * request), for failure messages: the lines naming `key`, and any error or reconciled retry.
 */
export function motoJournal(key: string, last = 60): string {
  return journal
    .filter((l) => l.includes(key) || /error|traceback|no answer|earlier attempt/i.test(l))
    .slice(-last)
    .join('\n');
}

/**
 * A moto server with the state bucket (versioned) and the lock table the e2e tests use. terraform's
 * state lock is a conditional write that its SDK retries; `retrySafe` keeps a retry whose first
 * attempt took effect from locking terraform out by its own lock (see StartMotoOptions).
 */
export async function startStateServer(): Promise<{ moto: MotoServer; s3: S3Client; db: DynamoDBClient }> {
  useTestCredentials();
  const moto = await startMoto({
    retrySafe: true,
    log: (line) => {
      // werkzeug's access lines say less than the front's journal
      if (/" \d{3} -$/.test(line)) return;
      journal.push(line);
      if (journal.length > JOURNAL_KEEP) journal.splice(0, journal.length - JOURNAL_KEEP);
    },
  });
  const s3 = s3Client(moto.endpoint);
  const db = dynamoClient(moto.endpoint);
  await createBucket(s3, 'tfo-state', true);
  await createLockTable(db, 'tfo-locks');
  return { moto, s3, db };
}
