import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parsePluginOptions, STAGE, type Engine, type Plugin } from '@tfo/engine';
import { reportBrokenLock, tapBackupAndRecovery } from '@tfo/engine/state';
import { ClientCache } from '@tfo/aws';
import { acquireS3Lease } from './lease.js';
import { s3BackupOptionsSchema, type ResolvedS3BackupOptions, type S3BackupOptions } from './options.js';
import { S3StateStore } from './s3-state-store.js';

export const PLUGIN_NAME = 's3-backup';

const hcl = (v: string): string => JSON.stringify(v);

/** terraform's `backend "s3"` settings for one key, as a backend config file (no credentials in it). */
export function backendConfig(options: ResolvedS3BackupOptions, bucket: string, key: string, roleArn?: string): string {
  const lines = [
    `bucket  = ${hcl(bucket)}`,
    `key     = ${hcl(key)}`,
    `region  = ${hcl(options.region)}`,
    'encrypt = true',
  ];
  if (options.kmsKeyId) lines.push(`kms_key_id = ${hcl(options.kmsKeyId)}`);
  if (options.lock !== 'dynamodb') lines.push('use_lockfile = true');
  if (options.lock !== 'lockfile') lines.push(`dynamodb_table = ${hcl(options.dynamodbTable!)}`);
  if (roleArn) lines.push(`assume_role = {\n  role_arn     = ${hcl(roleArn)}\n  session_name = "tfo-state"\n}`);
  const ep = Object.entries(options.endpoints).filter(([, v]) => v);
  if (ep.length) lines.push(`endpoints = {\n${ep.map(([k, v]) => `  ${k} = ${hcl(v!)}`).join('\n')}\n}`);
  if (options.usePathStyle) lines.push('use_path_style = true');
  if (options.skipCredentialsValidation) {
    lines.push(
      'skip_credentials_validation = true',
      'skip_requesting_account_id = true',
      'skip_metadata_api_check = true',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** S3 state for every deployment: replaces the embedded local backend. */
export function s3Backup(options: S3BackupOptions): Plugin & { readonly options: ResolvedS3BackupOptions } {
  const opts = parsePluginOptions('s3Backup', s3BackupOptionsSchema, options);
  return {
    name: PLUGIN_NAME,
    provides: ['state'],
    options: opts,
    apply(engine: Engine) {
      const clients = new ClientCache({ ...opts, sessionName: 'tfo-state' });
      const store = new S3StateStore(opts, Object.values(accountsOf(engine)), clients);
      engine.provide('state', store);
      const stage = { name: PLUGIN_NAME, stage: STAGE.NORMAL };

      engine.hooks.lock.tapPromise(stage, async (ctx) => {
        const loc = await store.locate(ctx.deployment.key);
        const startedAt = Date.now();
        return acquireS3Lease({
          s3: loc.s3,
          bucket: loc.bucket,
          object: `${opts.leasePrefix}${ctx.deployment.key}.lease`,
          key: ctx.deployment.key,
          runId: ctx.run.id,
          ttlMs: opts.leaseTtlSeconds * 1000,
          waitMs: opts.leaseWaitSeconds * 1000,
          signal: ctx.signal,
          sse: store.sse,
          onWait: (h) =>
            engine.events.emit('deployment:waiting', {
              key: ctx.deployment.key,
              reason: `leased by run ${h.runId} (pid ${h.pid} on ${h.host}) until ${h.expiresAt}`,
            }),
          onLost: () =>
            engine.events.emit('notice', {
              level: 'error',
              key: ctx.deployment.key,
              message: 'this run lost its lease (silent past its TTL and broken by another run)',
            }),
          onBreak: (h, why) =>
            reportBrokenLock(
              engine,
              ctx,
              `broke the lease of run ${h.runId} (pid ${h.pid} on ${h.host}): ${why}`,
              startedAt,
            ),
        });
      });

      engine.hooks.init.tapPromise(stage, async (settings, ctx) => {
        const loc = await store.locate(ctx.deployment.key);
        const file = path.join(ctx.dir, 'backend.s3.hcl');
        await writeFile(file, backendConfig(opts, loc.bucket, ctx.deployment.key, loc.roleArn));
        return { ...settings, '@s3': file };
      });

      tapBackupAndRecovery(engine, stage, store);

      engine.hooks.report.tap(stage, () => clients.destroy());
    },
  };
}

function accountsOf(
  engine: Engine,
): Record<string, { key: string; name: string; id: string; roleArn?: string; allowedRegions: string[] }> {
  return Object.fromEntries(
    Object.entries(engine.settings.config.accounts).map(([key, a]) => [
      key,
      { key, ...a, allowedRegions: a.allowedRegions },
    ]),
  );
}
