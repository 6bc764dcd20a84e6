#!/usr/bin/env node
// `npm run lint`'s package boundary check (see lib/boundaries.mjs for the rules): prints each
// violation as `file:line: rule: message` and exits 1 when there is one.
// Usage: node scripts/check-boundaries.mjs [root]   (default: this repository)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoundaries, formatViolation } from './lib/boundaries.mjs';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const violations = await checkBoundaries(root);
for (const v of violations) process.stderr.write(`${formatViolation(v)}\n`);
if (violations.length > 0) {
  process.stderr.write(`check-boundaries: ${violations.length} package boundary violation(s)\n`);
  process.exit(1);
}
process.stdout.write('check-boundaries: package boundaries hold\n');
