export { ClientCache } from './client-cache.js';
export { assumeRoleCredentials } from './assume-role.js';
export type { AssumeRoleOptions, AwsCredentials, RoleCredentials } from './assume-role.js';
export { AWS_RETRY, ROLE_ARN_PATTERN, httpStatus } from './options.js';
export type { AwsClientOptions, AwsEndpoints, AwsRetry } from './options.js';
export { loadDynamoDbSdk, loadS3Sdk, loadStsSdk } from './sdk.js';
