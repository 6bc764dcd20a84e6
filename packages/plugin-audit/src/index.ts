export { audit, auditDir, auditOptionsSchema, AUDIT_PLUGIN_NAME } from './plugin.js';
export type { AuditOptions, AuditPlugin, ResolvedAuditOptions } from './plugin.js';
export {
  auditEntrySchema,
  auditRecordSchema,
  ciContext,
  contextSchema,
  planDigest,
  sealRecord,
  toAuditRecord,
  AUDIT_ACTIONS,
  SCHEMA_VERSION,
} from './record.js';
export type { AuditAction, AuditContext, AuditEntry, AuditExtra, ChainedAuditRecord } from './record.js';
export { canonicalJson, recordHash, sha256Hex } from './canonical.js';
export { chainGenesis, fileSink, loadChainHead, FileSink } from './file-sink.js';
export type { AuditSink, ChainHead, FileSinkOptions, SinkContext } from './file-sink.js';
export { checkLine, verifyChain, walkChain } from './verify.js';
export type { BrokenRecord, ChainPosition, ChainWalk, LineCheck, VerifyResult } from './verify.js';
export { anchorProblem, chainAnchorSchema, isAnchorStore, tailProblem } from './anchor.js';
export type { AnchorStore, ChainAnchor } from './anchor.js';
export { ChainAnchoring } from './chain-anchoring.js';
export { checkBeforeRun, AuditGateError } from './run-gate.js';
export { verifyTrail, UNANCHORED_NOTE } from './verify-trail.js';
export type { AnchorCheck, TrailVerification } from './verify-trail.js';
export { complianceReport, matches, parseBound, queryFile } from './query.js';
export type { AccountSummary, AuditQuery, ComplianceReport, ReportableRecord } from './query.js';
export { listAuditFiles, utcDay, HEAD_FILE } from './audit-files.js';
export { anchorStoresOf, auditPluginOf } from './plugin.js';
export { s3Sink, s3RecordKey, s3SinkOptionsSchema, S3Sink } from './s3-sink.js';
export type { S3SinkOptions, ResolvedS3SinkOptions } from './s3-sink.js';
export { dynamodbSink, dynamodbSinkOptionsSchema, partitionKey, sortKey, DynamoDbSink } from './dynamodb-sink.js';
export type { DynamoDbSinkOptions, IndexedAuditRecord, ResolvedDynamoDbSinkOptions } from './dynamodb-sink.js';
