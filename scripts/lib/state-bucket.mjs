// Creates the central state bucket of the aws example in its state account, the way a platform
// team provisions it once: versioned, encrypted, private; and the audit store beside it (an
// Object Lock bucket and a DynamoDB index table). Used by the demo and the tests (moto).
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Credentials of `roleArn`, assumed through STS at `endpoint`. */
async function credentialsOf(endpoint, roleArn, region) {
  const sts = new STSClient({ region, endpoint });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'tfo-bootstrap' }),
  );
  sts.destroy();
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** An S3 client acting as `roleArn` (assumed through STS at `endpoint`). */
export async function s3As(endpoint, roleArn, region = 'us-east-1') {
  const credentials = await credentialsOf(endpoint, roleArn, region);
  return new S3Client({ region, endpoint, forcePathStyle: true, credentials });
}

/** A DynamoDB client acting as `roleArn`. */
export async function dynamodbAs(endpoint, roleArn, region = 'us-east-1') {
  return new DynamoDBClient({ region, endpoint, credentials: await credentialsOf(endpoint, roleArn, region) });
}

/**
 * The audit store in the account of `roleArn`: a bucket with Object Lock (records are kept for
 * the retention the sink sets) and the DynamoDB index table (`pk` = account#project, `sk` = time#id).
 */
export async function createAuditStore(endpoint, { bucket, table, roleArn, region = 'us-east-1' }) {
  const s3 = await s3As(endpoint, roleArn, region);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await blockPublicAccess(s3, bucket);
  const db = await dynamodbAs(endpoint, roleArn, region);
  await createAuditTable(db, table);
  return { s3, db };
}

export async function createStateBucket(endpoint, { bucket, roleArn, region = 'us-east-1' }) {
  const s3 = await s3As(endpoint, roleArn, region);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
  await blockPublicAccess(s3, bucket);
  return s3;
}

async function blockPublicAccess(s3, bucket) {
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
}

/** The audit index table the DynamoDB sink writes: `pk` (account#project) and `sk` (time#id), on demand. */
export async function createAuditTable(db, table) {
  await db.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
