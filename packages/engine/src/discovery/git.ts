import path from 'node:path';
import { execa, ExecaError } from 'execa';
import { TfoError } from '../errors.js';

/** Files that differ between a ref and the working tree, relative to `cwd` (posix separators). */
export interface ChangedFiles {
  /** Added, modified, copied-to or type-changed since the ref, plus untracked (not ignored) files. */
  changed: string[];
  /** Deleted since the ref (rename sources are in `renamed`, not here). */
  deleted: string[];
  /** Renamed since the ref (git's rename detection, `-M`). */
  renamed: Array<{ from: string; to: string }>;
}

/**
 * Lists what changed between `ref` and the working tree, so uncommitted and untracked files
 * count too: `git diff --name-status -M -z <ref>` plus `git ls-files --others --exclude-standard`.
 * With `to`, between the two commits only (the work tree is not read). Any git failure (not a
 * work tree, unknown ref, no git) is a TfoError TFO_ERR_GIT with git's stderr.
 */
export async function changedFiles(cwd: string, ref: string, to?: string): Promise<ChangedFiles> {
  const prefix = (await runGit(cwd, ['rev-parse', '--show-prefix'])).trim();
  const top = (await runGit(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const commit = async (r: string): Promise<string> =>
    (await runGit(cwd, ['rev-parse', '--verify', '--end-of-options', `${r}^{commit}`])).trim();
  const range = to === undefined ? [await commit(ref)] : [await commit(ref), await commit(to)];
  const diff = await runGit(top, ['diff', '--name-status', '--no-ext-diff', '-M', '-z', ...range, '--']);
  const untracked =
    to === undefined ? await runGit(top, ['ls-files', '--others', '--exclude-standard', '-z', '--full-name']) : '';

  const rel = (p: string): string => path.posix.relative(prefix.replace(/\/$/, '') || '.', p) || '.';
  const result: ChangedFiles = { changed: [], deleted: [], renamed: [] };
  const parts = diff.split('\0');
  for (let i = 0; i < parts.length; ) {
    const status = parts[i++] ?? '';
    if (status === '') continue;
    const kind = status[0];
    if (kind === 'R' || kind === 'C') {
      const from = parts[i++] ?? '';
      const to = parts[i++] ?? '';
      if (kind === 'R') result.renamed.push({ from: rel(from), to: rel(to) });
      else result.changed.push(rel(to));
    } else {
      const file = parts[i++] ?? '';
      if (kind === 'D') result.deleted.push(rel(file));
      else result.changed.push(rel(file));
    }
  }
  for (const file of untracked.split('\0')) if (file !== '') result.changed.push(rel(file));

  result.changed = [...new Set(result.changed)].sort();
  result.deleted.sort();
  result.renamed.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  return result;
}

/** Runs git; a failure is a TfoError TFO_ERR_GIT naming the command, the folder and git's stderr. */
export async function runGit(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execa('git', args, {
      cwd,
      stripFinalNewline: false,
      // A diff against the work tree refreshes the index; don't take its lock for that.
      env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    });
    return stdout;
  } catch (cause) {
    let detail = cause instanceof Error ? cause.message : String(cause);
    if (cause instanceof ExecaError) {
      const stderr = String(cause.stderr ?? '').trim();
      detail = stderr || (cause.code === 'ENOENT' ? 'git was not found on PATH' : cause.shortMessage);
    }
    throw new TfoError('TFO_ERR_GIT', `git ${args.join(' ')} failed in ${cwd}: ${detail}`, { cause });
  }
}
