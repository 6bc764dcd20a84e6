import { createRequire } from 'node:module';
import { vi } from 'vitest';

/** One vendor's test as ci-info's vendors.json writes it: a name, `{ env, includes }`, `{ any }` or `{ NAME: value }`. */
type EnvTest = string | { env: string; includes: string } | { any: string[] } | Record<string, string>;

/** Variables ci-info reads to tell a CI apart from a laptop, besides each vendor's own. */
const GENERIC = [
  'CI',
  'BUILD_ID',
  'BUILD_NUMBER',
  'CI_APP_ID',
  'CI_BUILD_ID',
  'CI_BUILD_NUMBER',
  'CI_NAME',
  'CONTINUOUS_INTEGRATION',
  'RUN_ID',
];

function namesOf(test: EnvTest): string[] {
  if (typeof test === 'string') return [test];
  if ('env' in test && typeof test.env === 'string') return [test.env];
  if ('any' in test && Array.isArray(test.any)) return test.any;
  return Object.keys(test);
}

/** Every variable ci-info's detection reads, from the vendor list it ships. */
export function ciVariables(): string[] {
  const vendors = createRequire(import.meta.url)('ci-info/vendors.json') as Array<{ env: EnvTest | EnvTest[] }>;
  const names = vendors.flatMap((v) => (Array.isArray(v.env) ? v.env : [v.env]).flatMap(namesOf));
  return [...new Set([...GENERIC, ...names])];
}

/**
 * Makes the environment that of a process started with `vars` and no other CI variable (whatever
 * CI runs the tests), and resets the module registry: ci-info reads the environment when it is
 * loaded (vitest inlines it, see vitest.config.ts), so import the code under test after this.
 * Undo with `vi.unstubAllEnvs()`.
 */
export function startedWith(vars: Record<string, string>): void {
  for (const name of ciVariables()) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
  vi.resetModules();
}
