import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sensitiveOfPlan, type PlanJson } from '@tfo/engine';

/** The sensitive values of every saved plan in one deployment's folder of a run. */
async function sensitiveOfPlansIn(dir: string, into: Set<string>): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const json = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as PlanJson;
      if (json && typeof json === 'object' && ('resource_changes' in json || 'output_changes' in json)) {
        sensitiveOfPlan(json, into);
      }
    } catch {
      // not a plan (or unreadable): nothing to collect from it
    }
  }
}

/**
 * The sensitive values of past runs, by run id, from their run folders under `<stateDir>/runs/`
 * (each deployment's saved plans): audit records name their run, and their terraform output is
 * shown redacted with them. A run whose folder is gone (another machine, cleaned up) adds none.
 */
export async function sensitiveOfRuns(stateDir: string, runIds: Iterable<string>): Promise<Set<string>> {
  const into = new Set<string>();
  for (const id of new Set(runIds)) {
    const dir = path.join(stateDir, 'runs', path.basename(id));
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) await sensitiveOfPlansIn(path.join(dir, e.name), into);
  }
  return into;
}
