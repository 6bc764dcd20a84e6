/**
 * How the CLI ends: stdout and stderr are best effort (a reader that went away, as in
 * `tfo apply | head -1`, costs the output, never the run), and the process exits explicitly once
 * the command is done, so a handle a plugin left open (a timer, a socket) cannot keep tfo alive.
 */

/** The first write error of stdout/stderr other than a closed pipe; reported when the command ends. */
let writeError: NodeJS.ErrnoException | undefined;

/** Ignores EPIPE (and writes after it) on stdout and stderr; remembers any other write error. */
export function guardStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      writeError ??= err;
    });
  }
}

/** Exits with `code` once what was written to stdout and stderr is flushed (at most `waitMs` later). */
export function exitWhenFlushed(code: number, waitMs = 5000): void {
  let final = code;
  if (writeError && final === 0) {
    final = 1;
    try {
      process.stderr.write(`error: output could not be written: ${writeError.message}\n`);
    } catch {
      // stderr is gone too
    }
  }
  let left = 2;
  const done = (): void => {
    left -= 1;
    if (left === 0) process.exit(final);
  };
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.destroyed || !stream.writable) done();
    else stream.write('', () => done());
  }
  setTimeout(() => process.exit(final), waitMs);
}
