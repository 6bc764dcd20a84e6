import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from './discovery.js';
import { TfoError } from '../errors.js';
import type { Deployment } from '../model.js';

/** Where a deployment's inputs are kept in its run folder; `.json` tfvars keep their suffix. */
export function inputsFileName(d: Pick<Deployment, 'file'>): string {
  return d.file.endsWith('.json') ? 'inputs.tfvars.json' : 'inputs.tfvars';
}

/**
 * Writes each deployment's tfvars bytes, as read at discovery, to `<dir of its key>/inputs.tfvars`
 * (mode 0600: inputs may hold secrets) and points `inputsFile` at it. Plan, verify, recovery and
 * last-good use the snapshot, so editing or deleting a tfvars file during the run changes nothing
 * in it. `dirOf` gives a deployment's run folder (`.tfo/runs/<id>/<slug>`), created here.
 */
export async function snapshotInputs(
  deployments: readonly Deployment[],
  dirOf: (d: Deployment) => string,
): Promise<void> {
  await mapLimit(deployments, 32, async (d) => {
    const bytes = d.tfvars ?? (await readOnce(d));
    const dir = dirOf(d);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, inputsFileName(d));
    await writeFile(file, bytes, { mode: 0o600 });
    d.tfvars = bytes;
    d.inputsFile = file;
  });
}

/** The inputs text a run used for `d`: the bytes read at discovery (else its snapshot). */
export async function inputsText(d: Deployment): Promise<string> {
  if (d.tfvars !== undefined) return Buffer.from(d.tfvars).toString('utf8');
  return readFile(d.inputsFile ?? d.absFile, 'utf8');
}

/**
 * A deployment a plugin built without the bytes: its file is read now, and must still be what
 * its sha256 says (else its values were parsed from other bytes).
 */
async function readOnce(d: Deployment): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(d.absFile);
  } catch (cause) {
    throw new TfoError('TFO_ERR_TFVARS_READ', `${d.file}: could not be read: ${(cause as Error).message}`, {
      file: d.file,
      cause,
    });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== d.sha256) {
    throw new TfoError(
      'TFO_ERR_TFVARS_READ',
      `${d.file}: changed since it was discovered (sha256 ${d.sha256.slice(0, 12)}, now ${sha256.slice(0, 12)}); re-run`,
      { file: d.file },
    );
  }
  return bytes;
}
