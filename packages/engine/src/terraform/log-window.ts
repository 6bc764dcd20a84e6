import { open, readFile, stat } from 'node:fs/promises';

/** What of a log file fits a reader's budget: its head and tail, cut at line ends. */
export interface LogWindow {
  head: string;
  tail: string;
  /** Size of the whole file. */
  bytes: number;
  /** Bytes left out between head and tail. */
  omitted: number;
}

/**
 * Reads at most `limitBytes` of a (deployment) log: all of it when it fits, else its first
 * `headShare` and the rest from its end, cut at line ends and never through a PEM block, so no
 * half of a key reaches the redactor without its BEGIN line. Undefined when there is no file.
 */
export async function readLogWindow(
  file: string,
  limitBytes: number,
  headShare = 0.25,
): Promise<LogWindow | undefined> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return undefined;
  }
  if (size <= limitBytes) return { head: await readFile(file, 'utf8'), tail: '', bytes: size, omitted: 0 };
  const headBytes = Math.floor(limitBytes * Math.min(1, Math.max(0, headShare)));
  const tailBytes = limitBytes - headBytes;
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(headBytes);
    const tail = Buffer.alloc(tailBytes);
    await handle.read(head, 0, headBytes, 0);
    if (tailBytes > 0) await handle.read(tail, 0, tailBytes, size - tailBytes);
    const headText = safeHead(head.toString('utf8'));
    const tailText = tailBytes > 0 ? safeTail(tail.toString('utf8')) : '';
    const kept = Buffer.byteLength(headText) + Buffer.byteLength(tailText);
    return { head: headText, tail: tailText, bytes: size, omitted: size - kept };
  } finally {
    await handle.close();
  }
}

/**
 * The head of a text cut at a line end. A PEM block the cut would split is left out whole, so
 * that no half of a key reaches the redactor without its BEGIN line.
 */
export function safeHead(text: string): string {
  let end = text.lastIndexOf('\n') + 1;
  const begin = text.lastIndexOf('-----BEGIN ', end);
  if (begin >= 0 && !text.includes('-----END ', begin)) end = text.lastIndexOf('\n', begin) + 1;
  return text.slice(0, end);
}

/** The tail of a text from a line start; the rest of a PEM block the cut split is left out. */
export function safeTail(text: string): string {
  let start = text.indexOf('\n') + 1;
  const end = text.indexOf('-----END ', start);
  if (end >= 0 && !text.slice(start, end).includes('-----BEGIN ')) {
    const eol = text.indexOf('\n', end);
    start = eol < 0 ? text.length : eol + 1;
  }
  return text.slice(start);
}
