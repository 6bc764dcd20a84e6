import path from 'node:path';
import type { Tap } from 'tapable';
import { EngineEmitter } from './events.js';
import { PluginError, TfoError } from '../errors.js';
import { DEFAULT_HOOK_TIMEOUT_SECONDS, hookDeadlineMs, withDeadline, type TapOwner } from './hook-deadline.js';
import { History } from '../state/history.js';
import { createHooks, DEPLOYMENT_HOOKS, type EngineHooks, type HookName } from './hooks.js';
import type { BackendSettings, DeploymentContext, Lease, RunResult } from '../model.js';
import type { Capabilities, CapabilityName, CommandSpec } from './capabilities.js';
import { checkPlugins, type Plugin } from './plugin.js';
import { extendShown } from '../redaction/shown-run.js';
import type { ResolvedSettings } from '../config/settings.js';
import { TERRAFORM_DEFAULTS } from '../terraform/terraform-defaults.js';
import { WorkerPool } from './worker-pool.js';

/** The per-deployment context in a hook's arguments (the second for `init`). */
function contextOf(hook: HookName, args: unknown[]): DeploymentContext | undefined {
  if (!DEPLOYMENT_HOOKS.includes(hook)) return undefined;
  const ctx = (hook === 'init' ? args[1] : args[0]) as DeploymentContext | undefined;
  return ctx && typeof ctx === 'object' && 'deployment' in ctx ? ctx : undefined;
}

/**
 * The engine owns the lifecycle: it creates the hooks, registers plugins (failing fast),
 * wraps every tap so a throw names its plugin and hook, and turns hook calls into events.
 */
export class Engine {
  readonly hooks: EngineHooks;
  readonly events = new EngineEmitter();
  readonly settings: ResolvedSettings;
  readonly plugins: readonly Plugin[];
  /** Every value terraform marked sensitive in this process's runs: redacted from all that is shown. */
  readonly sensitive = new Set<string>();
  /** Run history per state key (durations, last good inputs). */
  readonly history: History;
  #pool: WorkerPool | undefined;
  readonly #closers: Array<() => void | Promise<void>> = [];
  readonly #capabilities = new Map<CapabilityName, { plugin: string; value: unknown }>();
  readonly #commands: Array<{ plugin: string; spec: CommandSpec }> = [];
  /** The plugin whose `apply` is registering taps: a tap's deadline depends on who tapped. */
  #applying: Plugin | undefined;

  constructor(settings: ResolvedSettings, plugins: readonly Plugin[]) {
    checkPlugins(plugins);
    this.settings = settings;
    this.plugins = plugins;
    this.history = new History(path.join(settings.stateDir, 'history'));
    this.hooks = createHooks();
    this.#intercept();
    for (const plugin of plugins) {
      this.#applying = plugin;
      try {
        plugin.apply(this);
      } finally {
        this.#applying = undefined;
      }
    }
  }

  /** Whether a plugin of this name is registered. */
  has(name: string): boolean {
    return this.plugins.some((p) => p.name === name);
  }

  /**
   * Registers a capability for the rest of tfo (called from a plugin's `apply`). One provider per
   * capability: a second fails the config, naming both plugins.
   */
  provide<K extends CapabilityName>(name: K, value: Capabilities[K]): void {
    const by = this.#applying?.name ?? 'engine';
    const had = this.#capabilities.get(name);
    if (had) {
      throw new TfoError(
        'TFO_ERR_PLUGIN_DUPLICATE',
        `plugins "${had.plugin}" and "${by}" both provide the "${name}" capability: configure one`,
      );
    }
    this.#capabilities.set(name, { plugin: by, value });
  }

  /** A capability some configured plugin provides, or undefined. */
  capability<K extends CapabilityName>(name: K): Capabilities[K] | undefined {
    return this.#capabilities.get(name)?.value as Capabilities[K] | undefined;
  }

  /** A capability the caller cannot do without: a usage error that says which plugin to configure. */
  require<K extends CapabilityName>(name: K, hint: string): Capabilities[K] {
    const value = this.capability(name);
    if (value === undefined) {
      throw new TfoError('TFO_ERR_USAGE', `no configured plugin provides the "${name}" capability: ${hint}`);
    }
    return value;
  }

  /** Adds a `tfo` command (called from a plugin's `apply`); the CLI lists it with the built-in ones. */
  contribute(spec: CommandSpec): void {
    const by = this.#applying?.name ?? 'engine';
    const had = this.#commands.find((c) => c.spec.name === spec.name);
    if (had) {
      throw new TfoError(
        'TFO_ERR_PLUGIN_DUPLICATE',
        `plugins "${had.plugin}" and "${by}" both contribute the command "tfo ${spec.name}": configure one`,
      );
    }
    this.#commands.push({ plugin: by, spec });
  }

  /** Commands contributed by the configured plugins, with the plugin that contributed each. */
  get commands(): ReadonlyArray<{ plugin: string; spec: CommandSpec }> {
    return this.#commands;
  }

  /** The shared worker pool, created on first use. */
  get pool(): WorkerPool {
    this.#pool ??= new WorkerPool();
    return this.#pool;
  }

  /** Runs one task in the shared pool: `workerFile` default-exports an async function. */
  runTask<T, R>(workerFile: string, payload: T, transferList?: readonly ArrayBuffer[]): Promise<R> {
    return this.pool.run<T, R>(workerFile, payload, transferList);
  }

  /** Registers what to release when the engine closes (SDK clients of a plugin); run once, in order. */
  onClose(fn: () => void | Promise<void>): void {
    this.#closers.push(fn);
  }

  async close(): Promise<void> {
    const closers = this.#closers.splice(0);
    // a closer that never settles must not keep the command from ending
    const seconds = this.settings.config.hookTimeoutSeconds?.default ?? DEFAULT_HOOK_TIMEOUT_SECONDS;
    for (const fn of closers) {
      try {
        await withDeadline(
          Promise.resolve().then(fn),
          seconds * 1000,
          () => new Error(`a closer did not settle within ${seconds} s`),
        );
      } catch (err) {
        this.events.emit('notice', { level: 'warn', message: `closing: ${(err as Error).message}` });
      }
    }
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #intercept(): void {
    for (const name of Object.keys(this.hooks) as HookName[]) {
      const hook = this.hooks[name] as unknown as {
        intercept(i: { register?: (tap: Tap) => Tap; call?: (...args: unknown[]) => void }): void;
      };
      hook.intercept({
        register: (tap) => this.#wrapTap(name, tap),
        call: (...args) =>
          this.events.emit('hook:call', {
            hook: name,
            key: contextOf(name, args)?.deployment.key,
            at: Date.now(),
          }),
      });
    }
  }

  /**
   * Every tap's function is wrapped: timing for the tap:done event, PluginError on throw, and a
   * deadline: a promise tap that does not settle in time fails with TFO_ERR_HOOK_TIMEOUT.
   */
  #wrapTap(hook: HookName, tap: Tap): Tap {
    const original = (tap as Tap & { fn: (...args: unknown[]) => unknown }).fn;
    const plugin = tap.name;
    const owner: TapOwner = {
      terraform: this.#applying?.name === TERRAFORM_DEFAULTS,
      state: this.#applying?.provides?.includes('state') ?? false,
    };
    const deadlineMs = hookDeadlineMs(this.settings, hook, owner);
    const emit = (args: unknown[], started: number, ok: boolean): void =>
      this.events.emit('tap:done', {
        hook,
        plugin,
        key: contextOf(hook, args)?.deployment.key,
        ms: Date.now() - started,
        ok,
      });
    const wrap = (err: unknown): PluginError => (err instanceof PluginError ? err : new PluginError(plugin, hook, err));
    // a report tap that fails is a problem of the run, and the report taps after it still run
    // (a failed PR comment must not cost the HTML report); everywhere else a throw stops the hook
    const fail = (args: unknown[], err: unknown): undefined => {
      const error = wrap(err);
      if (hook !== 'report') throw error;
      (args[0] as RunResult).problems.push({ plugin, message: error.message });
      return undefined;
    };
    // the report taps after this one see the problems it added in the run's redacted view too
    const settled = (args: unknown[]): void => {
      if (hook === 'report' && args[1]) extendShown(this, args[0] as RunResult, args[1] as RunResult);
    };
    const timedOut = (): Error =>
      new PluginError(
        plugin,
        hook,
        new TfoError(
          'TFO_ERR_HOOK_TIMEOUT',
          `did not settle within ${deadlineMs / 1000} s (hookTimeoutSeconds.${hook} in the config)`,
        ),
      );
    const late = (args: unknown[]) => (value: unknown) => this.#releaseLate(hook, plugin, args, value);
    const fn = (...args: unknown[]): unknown => {
      const started = Date.now();
      // each init tap sees, as ctx.backend, the settings of the taps before it (the engine's
      // terraform init and the state guard use them)
      if (hook === 'init') (args[1] as DeploymentContext).backend = args[0] as BackendSettings;
      let out: unknown;
      try {
        out = original(...args);
      } catch (err) {
        emit(args, started, false);
        const failed = fail(args, err);
        settled(args);
        return failed;
      }
      if (out && typeof (out as Promise<unknown>).then === 'function') {
        // only a promise tap's value is awaited by the hook; a sync tap that returns one is not
        const awaited =
          (tap as Tap & { type?: string }).type === 'promise'
            ? withDeadline(Promise.resolve(out), deadlineMs, timedOut, late(args))
            : (out as Promise<unknown>);
        return awaited.then(
          (value) => {
            emit(args, started, true);
            settled(args);
            return value;
          },
          (err: unknown) => {
            emit(args, started, false);
            const failed = fail(args, err);
            settled(args);
            return failed;
          },
        );
      }
      emit(args, started, true);
      settled(args);
      return out;
    };
    return { ...tap, fn } as Tap;
  }

  /** A lease that arrives after its deadline is released at once: nobody will ever use it. */
  #releaseLate(hook: HookName, plugin: string, args: unknown[], value: unknown): void {
    const lease = value as Lease | undefined;
    if (hook !== 'lock' || typeof lease?.release !== 'function') return;
    const key = contextOf(hook, args)?.deployment.key;
    lease.release().then(
      () =>
        this.events.emit('notice', {
          level: 'warn',
          key,
          message: `plugin "${plugin}" granted a lease after its deadline: released it`,
        }),
      (err: unknown) =>
        this.events.emit('notice', {
          level: 'error',
          key,
          message: `plugin "${plugin}" granted a lease after its deadline, and releasing it failed: ${String(err)}`,
        }),
    );
  }
}
