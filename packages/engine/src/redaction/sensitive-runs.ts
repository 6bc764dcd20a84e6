import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PlanJson } from '../model.js';
import { sensitiveOfPlan } from '../terraform/terraform-defaults.js';

/**
 * The values terraform marked sensitive in runs that are over. They are not kept anywhere as
 * such: the engine collects them from each deployment's `terraform show -json` of its saved plan,
 * and a run folder keeps those (`<run>/<deployment>/*.json`), so they are collected again the same
 * way for whatever shows a past run (`tfo report`, `tfo audit`).
 */

/** The sensitive values of every saved plan in one deployment's folder of a run, into `into`. */
export async function sensitiveOfPlansIn(dir: string, into: Set<string>): Promise<void> {
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
 * The sensitive values of past runs, by run id, from their folders under `<stateDir>/runs/`. A run
 * whose folder is gone (another machine, cleaned up) adds none.
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
