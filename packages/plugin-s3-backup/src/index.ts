export { s3Backup, backendConfig, PLUGIN_NAME } from './plugin.js';
export { s3BackupOptionsSchema, bucketFor, perAccount } from './options.js';
export type { S3BackupOptions, ResolvedS3BackupOptions } from './options.js';
export { S3StateStore, stamp } from './s3-state-store.js';
export { acquireS3Lease } from './lease.js';
export type { LeaseHolder, S3LeaseOptions } from './lease.js';
