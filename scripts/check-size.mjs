#!/usr/bin/env node
// The size rules of STYLE.md, checked in `npm run lint`: no source file of a package over 300
// lines, no function over 80. Reports file:line for each; exits 1 when any is broken.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { sourceFiles, workspacePackages } from './lib/boundaries.mjs';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const problems = [];
for (const { folder } of await workspacePackages(root)) {
  const files = (await sourceFiles(path.join(folder, 'src'))).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const rel = path.relative(root, file);
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n').length;
    if (lines > MAX_FILE_LINES) problems.push(`${rel}:1: ${lines} lines (at most ${MAX_FILE_LINES})`);
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(node.end).line;
        if (end - start + 1 > MAX_FUNCTION_LINES) {
          const name = node.name ? node.name.getText(sf) : '(anonymous function)';
          problems.push(`${rel}:${start + 1}: ${name} is ${end - start + 1} lines (at most ${MAX_FUNCTION_LINES})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}
for (const p of problems) process.stderr.write(`${p}\n`);
if (problems.length > 0) {
  process.stderr.write(`check-size: ${problems.length} problem(s); split the file or function named\n`);
  process.exit(1);
}
