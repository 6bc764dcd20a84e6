import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuditEntry, AuditSink } from '@tfo/plugin-audit';

/** One line per record, `iv.tag.ciphertext` in base64, AES-256-GCM: encrypted at rest, tamper-evident. */
export function encryptedFileSink(options: { file: string; keyEnv: string }): AuditSink {
  let file = path.resolve(options.file);
  let queue: Promise<unknown> = Promise.resolve(); // one append at a time: lines never interleave
  const append = (text: string) =>
    (queue = queue
      .catch(() => undefined)
      .then(() => mkdir(path.dirname(file), { recursive: true, mode: 0o700 }))
      .then(() => appendFile(file, text, { mode: 0o600 })));
  const seal = (text: string): string => {
    const key = Buffer.from(process.env[options.keyEnv] ?? '', 'base64'); // never in the config
    if (key.length !== 32) throw new Error(`${options.keyEnv} must hold a base64 AES-256 key (32 bytes)`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
  };
  return {
    name: 'encrypted-file',
    open: (context) => void (file = path.resolve(context.cwd, options.file)),
    probe: () => append(seal('probe') && ''), // before a run: the key is there and the file takes writes
    write: async (entry: AuditEntry) => void (await append(`${seal(JSON.stringify(entry))}\n`)),
  };
}

/** Reads the records back; a changed or truncated line, or a wrong key, throws. */
export async function readEncryptedTrail(file: string, key: Buffer): Promise<AuditEntry[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return lines.map((line) => {
    const [iv, tag, data] = line.split('.').map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', key, iv!).setAuthTag(tag!);
    return JSON.parse(Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8')) as AuditEntry;
  });
}
