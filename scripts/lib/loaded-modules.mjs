// Which modules a Node program loads: runs a script in a child node process with a module hook
// that records every ES module it loads (their URLs) and, when the script ends, the CommonJS
// modules in require's cache. Used to prove that a code path never loads a package (the AWS SDK).

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs `source` (an ES module's text; its bare imports resolve from `cwd`) in a child node process.
 * Resolves with the paths (or URLs, for built-ins) of every module it loaded and its stdout.
 * @param {string} source
 * @param {{ cwd: string, env?: Record<string, string>, timeoutMs?: number }} options
 */
export async function loadedModules(source, { cwd, env = {}, timeoutMs = 60_000 }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-modules-'));
  try {
    const esmList = path.join(dir, 'esm.txt');
    const cjsList = path.join(dir, 'cjs.txt');
    const hooks = path.join(dir, 'hooks.mjs');
    await writeFile(
      hooks,
      `import { appendFileSync } from 'node:fs';\n` +
        `export async function load(url, context, next) {\n` +
        `  appendFileSync(${JSON.stringify(esmList)}, url + '\\n');\n` +
        `  return next(url, context);\n}\n`,
    );
    const register = path.join(dir, 'register.mjs');
    await writeFile(
      register,
      `import { register, createRequire } from 'node:module';\n` +
        `import { writeFileSync } from 'node:fs';\n` +
        `register(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
        `const require = createRequire(import.meta.url);\n` +
        `process.on('exit', () => writeFileSync(${JSON.stringify(cjsList)}, Object.keys(require.cache).join('\\n')));\n`,
    );
    // the script lives in cwd, so its bare imports resolve as that folder's code would
    const main = path.join(cwd, `.tfo-modules-${process.pid}-${Date.now()}.mjs`);
    await writeFile(main, source);
    let stdout;
    try {
      stdout = await new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', pathToFileURL(register).href, main],
          { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
          (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)),
        );
      });
    } finally {
      await rm(main, { force: true });
    }
    const esm = (await readFile(esmList, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const cjs = (await readFile(cjsList, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const modules = [...new Set([...esm.map(toPath), ...cjs])];
    return { modules, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `file:` URLs as paths; others (node:) as they are. */
function toPath(url) {
  return url.startsWith('file:') ? decodeURIComponent(new URL(url).pathname) : url;
}

/** The modules of an npm scope (e.g. `@aws-sdk`) among loaded module paths. */
export function modulesOfScope(modules, scope) {
  const marker = `${path.sep}node_modules${path.sep}${scope}${path.sep}`;
  return modules.filter((m) => m.includes(marker));
}
