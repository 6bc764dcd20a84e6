import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TfoConfig } from '../config/config-schema.js';
import { discoverDeployments } from '../discovery/discovery.js';
import { Engine } from './engine.js';
import { EXIT, exitCodeFor } from '../errors.js';
import { Journal } from './journal.js';
import { FAILED_STATUSES } from './events.js';
import { snapshotInputs } from '../discovery/inputs-snapshot.js';
import { localBackend } from '../state/local-backend.js';
import type { Deployment, DeploymentResult, ReconciledKey, RunInfo, RunMode, RunResult } from '../model.js';
import { runDeployment, slug, type PipelineOptions } from './pipeline.js';
import type { Plugin } from './plugin.js';
import { providerCliConfig } from '../terraform/provider-mirror.js';
import { checkResumable, reconcileInterrupted } from './reconcile.js';
import { reportRun, writeStoppedResult } from './run-end.js';
export { exitCodeOf } from './run-end.js';
import { schedule } from './scheduler.js';
import { resolveSettings } from '../config/settings.js';
import { terraformDefaults } from '../terraform/terraform-defaults.js';
import { resolveTerraformBinary } from '../terraform/terraform.js';

export interface CreateEngineOptions {
  config: TfoConfig;
  /** Folder of the config file. */
  cwd: string;
  configFile?: string | undefined;
  maxWorkers?: number | undefined;
}

/** The engine with the config's plugins plus the embedded defaults they do not replace. */
export function createEngine(options: CreateEngineOptions): Engine {
  const settings = resolveSettings(options.config, options.cwd, options);
  const own = options.config.plugins;
  const defaults: Plugin[] = [terraformDefaults()];
  if (!own.some((p) => p.provides?.includes('state'))) defaults.push(localBackend());
  return new Engine(settings, [...defaults, ...own]);
}

export interface RunOptions {
  mode: RunMode;
  only?: string[] | undefined;
  changedFrom?: string | undefined;
  failFast?: boolean | undefined;
  /** Cancellation (Ctrl-C): stops scheduling; running terraform gets one SIGINT. */
  signal?: AbortSignal | undefined;
  /** `tfo apply --resume <run-id>`: reconcile that interrupted run only; start no deployment. */
  resume?: string | undefined;
  /** `--junit <file>` (absolute): asked of the report plugin through `RunInfo.junit`. */
  junit?: string | undefined;
}

export function newRunId(date = new Date()): string {
  return `${date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** What a run would touch, without running terraform. Throws input errors (exit 3). */
export async function listDeployments(
  engine: Engine,
  options: Pick<RunOptions, 'only' | 'changedFrom'> & {
    mode?: RunMode;
    /** Told the run as soon as it exists (before plugins narrow the deployments). */
    onRun?: ((run: RunInfo) => void) | undefined;
  },
): Promise<{ deployments: Deployment[]; run: RunInfo }> {
  const { settings } = engine;
  const id = newRunId();
  const found = await discoverDeployments({
    config: settings.config,
    cwd: settings.cwd,
    only: options.only,
    changedFrom: options.changedFrom,
  });
  const run: RunInfo = {
    id,
    mode: options.mode ?? 'plan',
    startedAt: new Date().toISOString(),
    cwd: settings.cwd,
    dir: path.join(settings.stateDir, 'runs', id),
    deleted: found.deleted,
    changedFrom: options.changedFrom,
  };
  options.onRun?.(run);
  const deployments = await engine.hooks.discover.promise(found.deployments, run);
  return { deployments, run };
}

/**
 * The deployment whose state key this is, from the tfvars files as they are now (no plugin
 * narrows it); undefined when none maps to it any more.
 */
export async function findDeployment(engine: Engine, key: string): Promise<Deployment | undefined> {
  const { settings } = engine;
  const found = await discoverDeployments({
    config: settings.config,
    cwd: settings.cwd,
  });
  return found.deployments.find((d) => d.key === key);
}

/** The environment every terraform call of a run shares: automation flags, plugin cache, provider mirror. */
async function terraformBaseEnv(engine: Engine): Promise<Record<string, string>> {
  const { settings } = engine;
  const cliConfig = await providerCliConfig(settings.config.providerMirror, settings.cwd, settings.stateDir);
  const pluginCache = path.join(settings.stateDir, 'plugin-cache');
  await mkdir(pluginCache, { recursive: true });
  return {
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_DIR: pluginCache,
    ...(cliConfig ? { TF_CLI_CONFIG_FILE: cliConfig } : {}),
  };
}

/**
 * Each scheduled deployment through its lifecycle in the bounded pool, longest expected first;
 * those never started are cancelled (the run was) or skipped (fail-fast). Sorted by file.
 */
async function runScheduled(
  engine: Engine,
  scheduled: Deployment[],
  o: PipelineOptions & { workers: number; failFast?: boolean | undefined },
): Promise<DeploymentResult[]> {
  const items = await Promise.all(
    scheduled.map(async (d) => ({ item: d, key: d.key, expectedMs: await engine.history.expectedMs(d.key) })),
  );
  for (const d of scheduled) engine.events.emit('deployment:queued', { key: d.key, file: d.file });
  const outcome = await schedule(
    items,
    { concurrency: o.workers, failFast: o.failFast, signal: o.runSignal },
    async (d, lane) => {
      const result = await runDeployment(engine, d, lane, o);
      engine.events.emit('deployment:done', { result });
      return result;
    },
    (r) => FAILED_STATUSES.has(r.status),
  );
  const results = outcome.results.map((r) => r.result);
  for (const d of outcome.notStarted) {
    const result = notStarted(d, o.run, o.runSignal.aborted ? 'cancelled' : 'skipped');
    results.push(result);
    engine.events.emit('deployment:done', { result });
  }
  return results.sort((a, b) => a.file.localeCompare(b.file));
}

/** One whole run: discover, schedule, each deployment through its lifecycle, then report. */
export async function executeRun(engine: Engine, options: RunOptions): Promise<RunResult> {
  const { settings } = engine;
  const binary = resolveTerraformBinary(settings.config.terraformBinary, settings.cwd);
  // a run to resume that does not exist is bad input: refused before a run of its own starts
  if (options.resume) checkResumable(path.join(settings.stateDir, 'runs'), options.resume);
  let begun: RunInfo | undefined;
  let listed: { deployments: Deployment[]; run: RunInfo };
  try {
    listed = await listDeployments(engine, { ...options, mode: options.mode, onRun: (r) => (begun = r) });
    listed.run.mode = options.mode;
    if (options.junit) listed.run.junit = options.junit;
    await engine.hooks.prepare.promise(listed.run, listed.deployments);
  } catch (err) {
    // a run stopped by a discover or prepare tap (a plugin, a hung sink, an audit trail that cannot
    // be trusted) still leaves its result; bad tfvars stop before a run exists
    if (begun) await writeStoppedResult(engine, begun, err);
    throw err;
  }
  const { deployments, run } = listed;
  await mkdir(run.dir, { recursive: true });
  // inputs are read once, at discovery: the run works from its own copy of them
  await snapshotInputs(deployments, (d) => path.join(run.dir, slug(d.key)));
  const journal = new Journal(run.dir);
  journal.start(run.id, run.mode);
  const baseEnv = await terraformBaseEnv(engine);
  const runSignal = options.signal ?? new AbortController().signal;
  const scheduled = options.resume ? [] : deployments;
  const workers = Math.min(settings.maxWorkers, Math.max(1, scheduled.length));
  engine.events.emit('run:start', { run, total: scheduled.length, workers });
  for (const d of run.deleted) engine.events.emit('notice', { level: 'warn', message: `${d.file}: ${d.reason}` });
  // earlier runs killed mid-way: reported (plan) or reconciled (apply) before anything starts
  const reconciled: ReconciledKey[] = await reconcileInterrupted(engine, {
    run,
    binary,
    baseEnv,
    signal: runSignal,
    resume: options.resume,
  }).catch((err: unknown) => {
    journal.write({ t: 'run-end', exitCode: exitCodeFor(err), cancelled: false });
    throw err;
  });

  const started = Date.now();
  const results = await runScheduled(engine, scheduled, {
    run,
    binary,
    baseEnv,
    runSignal,
    journal,
    workers,
    failFast: options.failFast,
  });

  const endedAt = Date.now();
  const result: RunResult = {
    run,
    deployments: results,
    deleted: run.deleted,
    cancelled: runSignal.aborted,
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    durationMs: endedAt - started,
    problems: [],
    ...(reconciled.length ? { reconciled } : {}),
    exitCode: EXIT.OK,
  };
  for (const d of results) for (const message of d.problems ?? []) result.problems.push({ message });
  if (journal.failure) result.problems.push({ message: journal.failure });
  await reportRun(engine, result, journal);
  return result;
}

function notStarted(d: Deployment, run: RunInfo, status: 'cancelled' | 'skipped'): DeploymentResult {
  return {
    key: d.key,
    file: d.file,
    account: d.account.name,
    region: d.region,
    project: d.project,
    services: d.services,
    status,
    findings: [],
    timings: [],
    durationMs: 0,
    logFile: path.join(run.dir, slug(d.key), 'terraform.log'),
    lane: -1,
    terraformMs: 0,
  };
}
