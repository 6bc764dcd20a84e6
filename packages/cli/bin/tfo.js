#!/usr/bin/env node
// The `tfo` command. Committed (not built) so that npm links it on install even before the
// TypeScript is compiled; it loads the compiled CLI from ../dist.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/bin.js', import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  process.stderr.write(
    'error: tfo is not built yet (packages/cli/dist is missing).\n' +
      '  Run `npm run build` at the repository root, then `npx tfo` again.\n',
  );
  process.exitCode = 3;
}
