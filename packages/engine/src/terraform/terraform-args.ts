import type { BackendSettings, DeploymentContext } from '../model.js';

/** terraform waits this long for its own state lock before failing. */
const LOCK_TIMEOUT = '-lock-timeout=120s';

export function initArgs(backend: BackendSettings): string[] {
  return [
    'init',
    '-input=false',
    '-no-color',
    '-reconfigure',
    // a key starting with "@" names a backend config file (HCL) rather than a key=value pair
    ...Object.entries(backend).map(([k, v]) =>
      k.startsWith('@') ? `-backend-config=${v}` : `-backend-config=${k}=${v}`,
    ),
  ];
}

export function planArgs(
  ctx: Pick<DeploymentContext, 'varFile'>,
  varFile: string = ctx.varFile,
  options: { out?: string; destroy?: boolean; detailedExitCode?: boolean } = {},
): string[] {
  return [
    'plan',
    '-input=false',
    '-no-color',
    LOCK_TIMEOUT,
    `-var-file=${varFile}`,
    ...(options.destroy ? ['-destroy'] : []),
    ...(options.detailedExitCode ? ['-detailed-exitcode'] : []),
    ...(options.out ? [`-out=${options.out}`] : []),
  ];
}

export function applyPlanArgs(_ctx: unknown, planFile: string): string[] {
  return ['apply', '-input=false', '-no-color', '-auto-approve', LOCK_TIMEOUT, planFile];
}
