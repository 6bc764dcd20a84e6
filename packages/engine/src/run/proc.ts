import { readFileSync } from 'node:fs';

/** A process's state and start time from /proc/<pid>/stat; undefined when it cannot be read. */
function readStat(pid: number): { state: string; start: string | undefined } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count from the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); field 22 (starttime) is fields[19]
    return { state: fields[0] ?? '', start: fields[19] };
  } catch {
    return undefined;
  }
}

/**
 * The start time of a process (field 22 of /proc/<pid>/stat, clock ticks since boot), so that a
 * pid reused by another process is not mistaken for the one recorded. Undefined when the process
 * is gone (or a zombie) or /proc does not show it.
 */
export function processStartTime(pid: number): string | undefined {
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z') return undefined; // a zombie has exited
  return stat.start;
}

/**
 * What became of the process recorded as (pid, start time) on this host:
 * - 'alive': it runs (with the same start time, when one is given and /proc tells);
 * - 'reused': the pid runs, but with another start time: another process now;
 * - 'gone': no such process, or a zombie (it has exited);
 * - 'hidden': it exists, but this user may not see it (kill(pid, 0) gives EPERM, /proc hides it):
 *   possibly alive, so callers treat it as not provably gone.
 * Only a positive integer names a process (kill(0) and kill(-n) would signal process groups):
 * any other pid is 'gone'.
 */
export function processState(pid: number, startTime?: string): 'alive' | 'gone' | 'reused' | 'hidden' {
  if (!Number.isInteger(pid) || pid <= 0) return 'gone';
  const stat = readStat(pid);
  if (stat) {
    if (stat.state === 'Z') return 'gone';
    return startTime === undefined || stat.start === startTime ? 'alive' : 'reused';
  }
  // not readable: no /proc (macOS), or one that hides other users' processes (hidepid)
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'hidden' : 'gone';
  }
}
