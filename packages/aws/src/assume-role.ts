import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsRetry } from './options.js';
import { loadStsSdk } from './sdk.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
}

export interface AssumeRoleOptions {
  roleArn: string;
  region: string;
  /** STS endpoint override. */
  endpoint?: string | undefined;
  retry: AwsRetry;
  /** Session name prefix; the process id is added. */
  sessionName: string;
  /** Asked again when less than this is left (default 5 minutes). */
  refreshBeforeMs?: number | undefined;
}

export interface RoleCredentials {
  /** The credentials of the role, assumed on first call and again before they expire. */
  provide(): Promise<AwsCredentials>;
  destroy(): void;
}

const DURATION_SECONDS = 3600;

/**
 * Credentials of one role, assumed through STS with the ambient credentials (never from config),
 * kept until close to their expiry. Calls made while an AssumeRole is in flight share it.
 *
 * Hand-written rather than `fromTemporaryCredentials` of `@aws-sdk/credential-providers`: that
 * package brings the Cognito and SSO clients along, and this is all tfo needs of it.
 */
export function assumeRoleCredentials(options: AssumeRoleOptions): RoleCredentials {
  const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  let sts: STSClient | undefined;
  let cached: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;

  const assume = async (): Promise<AwsCredentials> => {
    const { AssumeRoleCommand, STSClient } = await loadStsSdk();
    sts ??= new STSClient({ region: options.region, endpoint: options.endpoint, ...options.retry });
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: `${options.sessionName}-${process.pid}`.slice(0, 64),
        DurationSeconds: DURATION_SECONDS,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`assuming ${options.roleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };

  return {
    provide() {
      if (cached && (!cached.expiration || cached.expiration.getTime() - Date.now() > refreshBeforeMs)) {
        return Promise.resolve(cached);
      }
      pending ??= assume().then(
        (fresh) => {
          cached = fresh;
          pending = undefined;
          return fresh;
        },
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return pending;
    },
    destroy() {
      sts?.destroy();
      sts = undefined;
      cached = undefined;
    },
  };
}
