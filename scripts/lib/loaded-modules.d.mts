// Types for loaded-modules.mjs (which modules a Node program loads).

export interface LoadedModules {
  /** Paths of every module loaded (ES modules through the loader, CommonJS from require's cache); built-ins as `node:` URLs. */
  modules: string[];
  stdout: string;
}

/** Runs an ES module's source in a child node process (bare imports resolve from `cwd`) and lists what it loaded. */
export function loadedModules(
  source: string,
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<LoadedModules>;

/** The modules of an npm scope (e.g. `@aws-sdk`) among loaded module paths. */
export function modulesOfScope(modules: string[], scope: string): string[];
