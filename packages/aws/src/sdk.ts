// The AWS SDK, loaded on first use: a config whose plugins never talk to AWS never loads it
// (a few hundred modules and tens of megabytes of startup work).

type S3Module = typeof import('@aws-sdk/client-s3');
type DynamoDbModule = typeof import('@aws-sdk/client-dynamodb');
type StsModule = typeof import('@aws-sdk/client-sts');

function quiet(): void {
  // The pinned SDK runs on Node 20 and 22 (see engines); its notice that later releases will need
  // Node 22 would print on every command, so it is silenced here unless the user set it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** `@aws-sdk/client-s3`, imported on the first call. */
export function loadS3Sdk(): Promise<S3Module> {
  quiet();
  return import('@aws-sdk/client-s3');
}

/** `@aws-sdk/client-dynamodb`, imported on the first call. */
export function loadDynamoDbSdk(): Promise<DynamoDbModule> {
  quiet();
  return import('@aws-sdk/client-dynamodb');
}

/** `@aws-sdk/client-sts`, imported on the first call. */
export function loadStsSdk(): Promise<StsModule> {
  quiet();
  return import('@aws-sdk/client-sts');
}
