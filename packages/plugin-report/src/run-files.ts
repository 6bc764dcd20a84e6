import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sensitiveOfPlansIn, TfoError, type RunResult } from '@tfo/engine';

/** A past run, read back from `<stateDir>/runs/<id>/result.json`. */
export interface StoredRun {
  dir: string;
  result: RunResult;
}

/** The run named by `id` (or the run folder itself), else the latest run that has a result. */
export async function loadRun(stateDir: string, id?: string): Promise<StoredRun> {
  const runs = path.join(stateDir, 'runs');
  let dir: string;
  if (id) {
    dir = path.join(runs, path.basename(id));
    if (!existsSync(path.join(dir, 'result.json'))) {
      throw new TfoError('TFO_ERR_USAGE', `no run ${id}: ${path.join(dir, 'result.json')} does not exist`);
    }
  } else {
    // run ids start with a UTC timestamp, so the names sort in time order
    const names = existsSync(runs) ? (await readdir(runs)).sort().reverse() : [];
    const latest = names.find((n) => existsSync(path.join(runs, n, 'result.json')));
    if (!latest) throw new TfoError('TFO_ERR_USAGE', `no finished run under ${runs}: run tfo plan or tfo apply first`);
    dir = path.join(runs, latest);
  }
  const result = JSON.parse(await readFile(path.join(dir, 'result.json'), 'utf8')) as RunResult;
  return { dir, result };
}

/** The values terraform marked sensitive in a past run, collected again from its saved plans. */
export async function recollectSensitive(result: RunResult): Promise<Set<string>> {
  const into = new Set<string>();
  const dirs = new Set(result.deployments.map((d) => path.dirname(d.logFile)));
  for (const dir of dirs) await sensitiveOfPlansIn(dir, into);
  return into;
}

/** At most this much of a log is read (and redacted) before it is trimmed for display. */
export const READ_LIMIT_BYTES = 4 * 1024 * 1024;
