import { writeFileAtomic, type RunResult } from '@tfo/engine';

/** The full, unredacted result (`--unredacted`): readable by its owner only (0600), and never printed. */
export async function writeUnredacted(file: string, result: RunResult): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`, 0o600);
}
