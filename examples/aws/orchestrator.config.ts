import { defineConfig } from '@tfo/engine';
import { audit, dynamodbSink, fileSink, s3Sink } from '@tfo/plugin-audit';
import { opa } from '@tfo/plugin-opa';
import { report } from '@tfo/plugin-report';
import { s3Backup } from '@tfo/plugin-s3-backup';

// Set by `npm run demo:aws` (and the tests) to a local moto server; unset against real AWS.
const endpoint = process.env.AWS_ENDPOINT_URL;
const local = endpoint ? { endpoint, forcePathStyle: true } : {};
/** The audit store lives in the state account too (a compliance team would give it its own). */
const auditRole = 'arn:aws:iam::999999999999:role/tfo-audit-writer';

/**
 * State lives in one central bucket of a state account (999999999999), reached through its own
 * role; each deployment's resources land in their account through that account's role.
 *
 * The aws example: the same deployment shape as examples/offline over the real hashicorp/aws
 * provider, meant to run against a local moto server (see README.md). Every account has a role
 * that the provider assumes, so each deployment's resources land in its own account.
 */
export default defineConfig({
  deploymentsDir: 'deployments',
  rootModule: 'modules/root',
  accounts: {
    dev: {
      name: 'acme-dev',
      id: '111111111111',
      roleArn: 'arn:aws:iam::111111111111:role/tfo-deployer',
      allowedRegions: ['us-east-1', 'eu-west-1'],
    },
    stage: {
      name: 'acme-stage',
      id: '222222222222',
      roleArn: 'arn:aws:iam::222222222222:role/tfo-deployer',
      allowedRegions: ['us-east-1', 'eu-west-1'],
    },
    prod: {
      name: 'acme-prod',
      id: '333333333333',
      roleArn: 'arn:aws:iam::333333333333:role/tfo-deployer',
      allowedRegions: ['us-east-1', 'eu-west-1'],
    },
  },
  plugins: [
    s3Backup({
      bucket: 'acme-tfo-state',
      region: 'us-east-1',
      stateRoleArn: 'arn:aws:iam::999999999999:role/tfo-state',
      lock: 'lockfile',
      ...(endpoint
        ? {
            endpoints: { s3: endpoint, sts: endpoint, dynamodb: endpoint },
            usePathStyle: true,
            skipCredentialsValidation: true,
          }
        : {}),
    }),
    // the policy gate with the first-party policies shipped (compiled) in @tfo/plugin-opa
    opa(),
    // the file trail for `tfo audit verify`, write-once S3 objects kept under Object Lock, and an
    // index for queries by account, project and time
    audit({
      sinks: [
        fileSink(),
        s3Sink({
          bucket: 'acme-tfo-audit',
          region: 'us-east-1',
          roleArn: auditRole,
          retention: { mode: 'GOVERNANCE', days: 400 },
          ...local,
        }),
        dynamodbSink({ table: 'acme-tfo-audit', region: 'us-east-1', roleArn: auditRole, ...local }),
      ],
    }),
    // the run's HTML report (report.html in the run folder) and, with --junit, JUnit XML
    report(),
  ],
});
