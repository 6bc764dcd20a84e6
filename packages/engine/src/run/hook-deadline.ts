import type { TfoConfig } from '../config/config-schema.js';
import type { HookName } from './hooks.js';
import type { ResolvedSettings } from '../config/settings.js';

/** A plugin tap of a hook that runs no terraform of the engine's: 5 minutes unless configured. */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 300;

/** Past terraform's own timeout and interrupt grace, before a terraform tap's deadline fires. */
const TERRAFORM_MARGIN_MS = 30_000;
/** Past the lock wait, before a lock tap's deadline fires. */
const LEASE_MARGIN_MS = 60_000;

/**
 * What bounds each hook's taps when nothing is configured. `terraform`: the tap runs terraform
 * under the deployment's timeout (and recovery under its own), so its deadline is that timeout plus
 * the interrupt grace; `lease`: the tap waits for a lock up to lockTimeoutSeconds; `plugin`: the
 * default. Typed over every hook name, so a new hook must be given one.
 */
const HOOK_KIND: Readonly<Record<HookName, 'terraform' | 'lease' | 'plugin'>> = Object.freeze({
  discover: 'plugin',
  prepare: 'plugin',
  lock: 'lease',
  init: 'plugin',
  plan: 'terraform',
  validate: 'plugin',
  backup: 'plugin',
  apply: 'terraform',
  verify: 'terraform',
  recover: 'terraform',
  settled: 'plugin',
  audit: 'plugin',
  report: 'plugin',
});

// every hook has a configurable deadline: a hook missing from the config schema fails to compile
type Configurable = keyof TfoConfig['hookTimeoutSeconds'];
const everyHookConfigurable: Record<Exclude<HookName, Configurable>, never> = {};
void everyHookConfigurable;

/** Who tapped: the engine's own terraform taps and a state plugin's lock and recover taps have a floor. */
export interface TapOwner {
  /** The engine's terraform defaults (init, plan, apply, verify). */
  terraform?: boolean;
  /** A plugin that provides state (lock, backup, recover over its storage). */
  state?: boolean;
}

function floorMs(settings: ResolvedSettings, kind: 'terraform' | 'lease'): number {
  return kind === 'terraform'
    ? settings.timeoutMs + settings.graceMs + TERRAFORM_MARGIN_MS
    : settings.config.lockTimeoutSeconds * 1000 + LEASE_MARGIN_MS;
}

/**
 * Milliseconds a tap of `hook` may take: `hookTimeoutSeconds.<hook>`, else `.default`, else by the
 * hook's kind. A tap that runs the deployment's terraform (or waits for its lock) is never cut
 * shorter than terraform's own timeout: it stops on the deployment's signal first.
 */
export function hookDeadlineMs(settings: ResolvedSettings, hook: HookName, owner: TapOwner = {}): number {
  const configured = settings.config.hookTimeoutSeconds ?? {};
  const seconds = configured[hook] ?? configured.default;
  const kind = HOOK_KIND[hook];
  const base =
    seconds !== undefined
      ? seconds * 1000
      : kind === 'plugin'
        ? DEFAULT_HOOK_TIMEOUT_SECONDS * 1000
        : floorMs(settings, kind);
  const floor =
    kind === 'lease' && owner.state
      ? 'lease'
      : (kind === 'terraform' && (hook === 'recover' ? owner.state : owner.terraform)) ||
          (hook === 'init' && (owner.terraform || owner.state))
        ? 'terraform'
        : undefined;
  return floor ? Math.max(base, floorMs(settings, floor)) : base;
}

/**
 * `promise`, or a rejection with `onTimeout()` once `ms` have passed without it settling. The timer
 * keeps the process alive, so a promise that nothing will ever settle still ends. `onLate` gets a
 * value that arrives after the deadline (to release a lease nobody will use).
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(onTimeout());
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) onLate?.(value);
        else resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(err);
      },
    );
  });
}
