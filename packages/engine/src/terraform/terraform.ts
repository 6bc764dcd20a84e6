import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TfoError } from '../errors.js';
import { processStartTime } from '../run/proc.js';
import { followFile } from './output-log.js';
import type { ChangeCounts, PlanJson } from '../model.js';

/** Finds the binary: an explicit name or path, else terraform on PATH, else tofu, else .tools/bin/tofu. */
export function resolveTerraformBinary(setting: string, cwd: string): string {
  const candidates =
    setting === 'auto'
      ? ['terraform', 'tofu', ...toolsDirs(cwd).map((d) => path.join(d, 'tofu'))]
      : [setting.includes('/') ? path.resolve(cwd, setting) : setting];
  for (const c of candidates) {
    const found = c.includes('/') ? (isExecutable(c) ? c : undefined) : onPath(c);
    if (found) return found;
  }
  throw new TfoError(
    'TFO_ERR_TERRAFORM_MISSING',
    setting === 'auto'
      ? 'neither terraform nor tofu is on PATH or in .tools/bin'
      : `terraform binary "${setting}" was not found or is not executable`,
  );
}

/** `.tools/bin` in the config folder and each folder above it. */
function toolsDirs(cwd: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, '.tools', 'bin'));
    if (path.dirname(dir) === dir) return dirs;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (existsSync(file) && isExecutable(file)) return file;
  }
  return undefined;
}

export interface TerraformCall {
  binary: string;
  /** Root module folder (`-chdir`). */
  cwd: string;
  env: Record<string, string>;
  /** Aborting sends terraform one SIGINT, then SIGKILL to its process group after `graceMs`. */
  signal: AbortSignal;
  graceMs: number;
  /** Receives all of stdout and stderr as terraform writes it (followed from its output file). */
  log: (text: string) => void;
  /**
   * Folder for the files terraform writes its output to (one per call). terraform never writes
   * to a pipe tfo must drain, so it outlives tfo and finishes (and saves its state) if tfo dies.
   */
  outputDir: string;
  /** Told the pid and process start time of each terraform started (for the run journal). */
  onSpawn?: ((pid: number, startTime: string | undefined, command: string) => void) | undefined;
  /** Adds the wall time of the terraform process. */
  onProcessTime?: ((ms: number) => void) | undefined;
}

export interface TerraformOutcome {
  exitCode: number;
  /** Last part of the combined output (for error messages). */
  tail: string;
  durationMs: number;
}

const TAIL_BYTES = 4096;
let callSeq = 0;

/**
 * Runs terraform with `args`. Exit codes outside `okCodes` throw TFO_ERR_TERRAFORM with the tail
 * of the output; an abort throws TFO_ERR_CANCELLED or TFO_ERR_TIMEOUT (the signal's reason).
 * With `stdoutFile`, stdout goes to that file instead of the log (for `show -json`).
 *
 * terraform runs in its own session (a terminal's Ctrl-C reaches tfo only, which forwards exactly
 * one SIGINT: two make terraform exit at once and can leave state half-written), with stdin closed
 * and stdout/stderr on a file that tfo follows; nothing kills it when tfo exits.
 */
export async function terraform(
  call: TerraformCall,
  args: readonly string[],
  options: { okCodes?: readonly number[]; stdoutFile?: string } = {},
): Promise<TerraformOutcome> {
  const okCodes = options.okCodes ?? [0];
  const started = Date.now();
  let tail = '';
  const keep = (text: string): void => {
    tail = (tail + text).slice(-TAIL_BYTES);
    call.log(text);
  };
  const command = args[0] ?? 'terraform';
  call.log(`$ ${path.basename(call.binary)} ${args.join(' ')}\n`);
  await mkdir(call.outputDir, { recursive: true });
  const outFile = path.join(call.outputDir, `${Date.now()}-${++callSeq}-${command}.out`);
  const outFd = openSync(outFile, 'a', 0o600);
  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'w', 0o600) : outFd;
  const follower = followFile(outFile, keep);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | { error: Error };
  let interrupted = false;
  let killTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const child = spawn(call.binary, [...args], {
      cwd: call.cwd,
      env: { ...process.env, ...call.env },
      stdio: ['ignore', stdoutFd, outFd],
      detached: true,
    });
    const exited = new Promise<typeof exit>((resolve) => {
      child.once('error', (error) => resolve({ error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const pid = child.pid;
    if (pid !== undefined) {
      call.onSpawn?.(pid, processStartTime(pid), command);
      onAbort = () => {
        if (interrupted) return;
        interrupted = true;
        signalProcess(pid, 'SIGINT');
        killTimer = setTimeout(() => signalProcess(-pid, 'SIGKILL'), call.graceMs);
      };
      if (call.signal.aborted) onAbort();
      else call.signal.addEventListener('abort', onAbort, { once: true });
    }
    exit = await exited;
    // what it started and left behind (a provider or provisioner of a killed terraform) goes too
    if (pid !== undefined) signalProcess(-pid, 'SIGKILL');
  } finally {
    if (killTimer) clearTimeout(killTimer);
    if (onAbort) call.signal.removeEventListener('abort', onAbort);
    closeSync(outFd);
    if (stdoutFd !== outFd) closeSync(stdoutFd);
    await follower.stop();
  }
  const durationMs = Date.now() - started;
  call.onProcessTime?.(durationMs);
  if (interrupted || call.signal.aborted) {
    const reason = call.signal.reason as unknown;
    if (reason instanceof TfoError) throw reason;
    throw new TfoError('TFO_ERR_CANCELLED', `terraform ${command} was interrupted`);
  }
  if ('error' in exit) {
    throw new TfoError('TFO_ERR_TERRAFORM', `terraform ${command} could not run: ${exit.error.message}`, {
      cause: exit.error,
    });
  }
  if (exit.code === null) {
    throw new TfoError('TFO_ERR_TERRAFORM', `terraform ${command} was killed by ${exit.signal}: ${lastError(tail)}`);
  }
  if (!okCodes.includes(exit.code)) {
    throw new TfoError('TFO_ERR_TERRAFORM', `terraform ${command} exited ${exit.code}: ${lastError(tail)}`);
  }
  return { exitCode: exit.code, tail, durationMs };
}

/** Sends a signal to a process (or, negative, a process group); one already gone is fine. */
function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The most useful line of a terraform failure: its first `Error:` line, else the last line. */
export function lastError(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^[│╷╵\s]+/, '').trim());
  const err = lines.find((l) => l.startsWith('Error:'));
  return err ?? lines.filter(Boolean).pop() ?? '(no output)';
}

/**
 * Counts like terraform's own summary: a replace counts as one add and one destroy. Moves
 * (`moved`), imports (`import`) and forgets (`removed` with `destroy = false`) are counted apart,
 * a move or import also as the change it brings, if any; the forgotten addresses are listed.
 */
export function countChanges(plan: PlanJson): ChangeCounts {
  const counts = { add: 0, change: 0, destroy: 0, replace: 0, move: 0, import: 0, forget: 0 };
  const forgotten: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    if (a.includes('create') && a.includes('delete')) {
      counts.replace += 1;
      counts.add += 1;
      counts.destroy += 1;
    } else if (a.includes('create')) counts.add += 1;
    else if (a.includes('update')) counts.change += 1;
    else if (a.includes('delete')) counts.destroy += 1;
    if (a.includes('forget')) {
      counts.forget += 1;
      forgotten.push(rc.address);
    }
    if (isMove(rc)) counts.move += 1;
    if (rc.change.importing) counts.import += 1;
  }
  return forgotten.length > 0 ? { ...counts, forgotten } : counts;
}

type ResourceChange = NonNullable<PlanJson['resource_changes']>[number];

function isMove(rc: ResourceChange): boolean {
  return rc.previous_address !== undefined && rc.previous_address !== rc.address;
}

/**
 * Whether applying the plan would change anything: resources (a move, an import or a forget
 * alone is a change of state, applied like any other) or outputs.
 */
export function planHasChanges(plan: PlanJson): boolean {
  const resources = (plan.resource_changes ?? []).some(
    (rc) => rc.change.actions.some((a) => a !== 'no-op' && a !== 'read') || isMove(rc) || !!rc.change.importing,
  );
  const outputs = Object.values(plan.output_changes ?? {}).some((oc) =>
    ((oc as { actions?: string[] }).actions ?? []).some((a) => a !== 'no-op'),
  );
  return resources || outputs;
}
