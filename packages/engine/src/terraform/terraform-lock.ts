import { hostname, userInfo } from 'node:os';
import type { DeploymentContext } from '../model.js';

/** terraform's own state lock as its "Error acquiring the state lock" output shows it. */
export interface TerraformLockInfo {
  id: string;
  who: string;
  operation: string;
  created: number;
}

/** The Lock Info block of terraform's output, if it has one. */
export function parseLockInfo(output: string): TerraformLockInfo | undefined {
  const field = (name: string): string | undefined =>
    new RegExp(`^[\\s│]*${name}:[ \\t]*(.*)$`, 'm').exec(output)?.[1]?.trim();
  const id = field('ID');
  if (!output.includes('Lock Info:') || !id) return undefined;
  // "2026-12-07 14:30:00.123456789 +0000 UTC"
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? \+0000 UTC$/.exec(field('Created') ?? '');
  const created = m ? Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}Z`) : Number.NaN;
  return { id, who: field('Who') ?? '', operation: field('Operation') ?? '', created };
}

/**
 * Releases terraform's own lock on the key (an S3 .tflock object or a DynamoDB item: with the
 * local backend it is an OS lock that died with terraform) when it provably belongs to a terraform
 * of a dead run: taken by this user on this host, for the operation that terraform ran, after it
 * started and before this run took the key's lease. A probe plan that does not wait shows the lock.
 * Returns what it did, or throws when a lock of someone else is held.
 */
export async function releaseDeadTerraformLock(
  ctx: DeploymentContext,
  dead: ReadonlyArray<{ pid: number; command: string; startedAt: number }>,
  leasedAt: number,
): Promise<string | undefined> {
  const probe = await ctx.terraform(
    ['plan', '-input=false', '-no-color', '-lock-timeout=0s', '-refresh=false', `-var-file=${ctx.varFile}`],
    { okCodes: [0, 1, 2] },
  );
  if (probe.exitCode === 0) return undefined;
  const lock = parseLockInfo(probe.tail);
  if (!lock) return undefined; // failed for another reason: verify says what
  const me = `${userInfo().username}@${hostname()}`;
  const owner = dead.find(
    (t) =>
      lock.who === me &&
      lock.operation === `OperationType${t.command.charAt(0).toUpperCase()}${t.command.slice(1)}` &&
      lock.created >= t.startedAt - 2000 &&
      lock.created <= leasedAt,
  );
  if (!owner) {
    throw new Error(
      `terraform's state lock ${lock.id} is held by ${lock.who} (${lock.operation}) since ${new Date(lock.created).toISOString()}, not by a terraform of the dead run: left alone`,
    );
  }
  await ctx.terraform(['force-unlock', '-force', lock.id]);
  return `released terraform's lock ${lock.id} left by the dead terraform ${owner.command} (pid ${owner.pid})`;
}
