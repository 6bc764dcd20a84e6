import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '@tfo/engine';

/** The full, unredacted result (`--unredacted`): readable by its owner only (0600), and never printed. */
export async function writeUnredacted(file: string, result: RunResult): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // through a temporary file in the same folder, so a reader never sees half a file
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
