import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The version of @tfo/cli, from its package.json (one folder above src/ and dist/), read once. */
export function cliVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return version;
}
