// What every fault scenario checks after the fault (issue 9's "after each"): no terraform, provider
// or provisioner process of the scenario's folder is left, no lock or lease outlives its TTL, every
// key's state is one of the versions allowed, the audit chain verifies.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LeftProcess {
  pid: number;
  cmd: string;
}

/**
 * Processes (other than this one) whose command line or environment mentions `marker` (a
 * scenario's temp folder): terraform gets it through TF_DATA_DIR, and providers and local-exec
 * provisioners inherit that environment.
 */
export async function processesOf(marker: string): Promise<LeftProcess[]> {
  const out: LeftProcess[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim();
      const env = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue; // a zombie holds nothing
      if (cmd.includes(marker) || env.includes(marker)) out.push({ pid, cmd });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/** Waits until no process of `marker` is left (up to `timeoutMs`), then returns what is left. */
export async function processesLeft(marker: string, timeoutMs = 10_000): Promise<LeftProcess[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await processesOf(marker);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(200);
  }
}

/** Kills every process of `marker` (a test's own cleanup, after it has checked). */
export async function killAll(marker: string): Promise<void> {
  for (const p of await processesOf(marker)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Files under `dir`, recursively, relative to it ([] when it does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Lock files left under a repository's `.tfo/locks`. */
export function locksLeft(repo: string): Promise<string[]> {
  return filesUnder(path.join(repo, '.tfo/locks'));
}

/** Waits until some `terraform.log` of a run under `repo` contains `text`. */
export async function waitForLog(repo: string, text: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const runs = path.join(repo, '.tfo/runs');
  while (Date.now() < deadline) {
    for (const f of await filesUnder(runs)) {
      if (!f.endsWith('terraform.log')) continue;
      const file = path.join(runs, f);
      if ((await readFile(file, 'utf8').catch(() => '')).includes(text)) return file;
    }
    await sleep(100);
  }
  throw new Error(`no terraform.log under ${runs} showed "${text}" within ${timeoutMs} ms`);
}

/** serial and lineage of a local state file, or undefined when it is missing or not a state. */
export async function stateIdentity(
  file: string,
): Promise<{ serial: number; lineage: string; addresses: string[] } | undefined> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as {
      serial: number;
      lineage: string;
      resources?: Array<{ type: string; name: string; instances?: Array<{ index_key?: string | number }> }>;
    };
    const addresses = (s.resources ?? []).flatMap((r) =>
      (r.instances ?? [{}]).map((i) =>
        i.index_key === undefined ? `${r.type}.${r.name}` : `${r.type}.${r.name}[${JSON.stringify(i.index_key)}]`,
      ),
    );
    return { serial: s.serial, lineage: s.lineage, addresses: addresses.sort() };
  } catch {
    return undefined;
  }
}

/**
 * The runs a command added under `repo` since `before` (run ids), each of which must hold only
 * its `result.json` (a run stopped before any deployment started); returns those results.
 */
export interface StoppedRun {
  deployments: unknown[];
  problems: Array<{ plugin?: string; message: string }>;
  exitCode: number;
}

export async function stoppedRuns(repo: string, before: string[]): Promise<StoppedRun[]> {
  const runs = path.join(repo, '.tfo/runs');
  const added = (await readdir(runs)).filter((r) => !before.includes(r));
  const out: StoppedRun[] = [];
  for (const id of added) {
    const files = await readdir(path.join(runs, id));
    if (files.join() !== 'result.json') throw new Error(`run ${id} holds ${files.join(', ')}, not only result.json`);
    out.push(JSON.parse(await readFile(path.join(runs, id, 'result.json'), 'utf8')) as StoppedRun);
  }
  return out;
}
