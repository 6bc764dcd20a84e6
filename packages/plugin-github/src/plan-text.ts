import { readLogWindow } from '@tfo/engine';

/** Most bytes of a deployment log read (the plan comes first; a huge apply log is not needed). */
const READ_LIMIT = 16 * 1024 * 1024;

/** Reads the start of a log file (cut safely, see readLogWindow); a missing log is an empty one. */
export async function readLog(file: string, limit = READ_LIMIT): Promise<string> {
  return (await readLogWindow(file, limit, 1))?.head ?? '';
}

/** One command's output in a log: `$ terraform plan …` up to the next `$ ` line. */
interface Section {
  command: string;
  body: string;
}

function sections(log: string): Section[] {
  const out: Section[] = [];
  const lines = log.split('\n');
  let current: Section | undefined;
  const body: string[] = [];
  const flush = (): void => {
    if (current) out.push({ command: current.command, body: body.join('\n') });
    body.length = 0;
  };
  for (const line of lines) {
    if (line.startsWith('$ ')) {
      flush();
      current = { command: line.slice(2), body: '' };
    } else if (current) {
      body.push(line);
    }
  }
  flush();
  return out;
}

const PLAN_MARKERS = [/^(Terraform|OpenTofu) will perform the following actions:/m, /^(Terraform|OpenTofu) used the/m];

/**
 * The part of a deployment log a reviewer needs: the output of the saved plan (`plan … -out=`),
 * from "will perform the following actions" when terraform printed it; for a deployment that
 * failed elsewhere, the output of the command that failed (the last one) is added. Command lines
 * (with their absolute paths) are left out.
 */
export function planSection(log: string, failedAfterPlan: boolean): string {
  const all = sections(log);
  const plan = all.find((s) => /^\S+ plan(\s|$)/.test(s.command) && /\s-out=/.test(s.command));
  const pieces: string[] = [];
  if (plan) {
    let body = plan.body;
    for (const marker of PLAN_MARKERS) {
      const at = body.search(marker);
      if (at >= 0) {
        body = body.slice(at);
        break;
      }
    }
    pieces.push(body.trim());
  }
  const last = all[all.length - 1];
  if (last && last !== plan && (failedAfterPlan || !plan)) {
    const verb = last.command.split(/\s+/)[1] ?? 'command';
    pieces.push(`── terraform ${verb} ──\n${last.body.trim()}`);
  }
  if (pieces.length === 0 && log.trim() !== '') pieces.push(log.trim());
  return pieces.filter(Boolean).join('\n\n');
}

/**
 * Whole lines of `text` within `limit` characters, from the start, plus the last `tailLines`
 * lines (terraform's "Plan: 1 to add…" summary), with a note of what was left out between them.
 * Cuts only between lines, so a secret on one line is never half-kept.
 */
export function trimLines(text: string, limit: number, note: (omitted: number) => string, tailLines = 3): string {
  if (text.length <= limit) return text;
  const lines = text.split('\n');
  const tail = lines.slice(-tailLines);
  let budget = limit - tail.join('\n').length - note(lines.length).length - 2;
  if (budget < 0) {
    tail.length = 0;
    budget = limit - note(lines.length).length - 1;
  }
  const head: string[] = [];
  for (const line of lines.slice(0, lines.length - tail.length)) {
    if (line.length + 1 > budget) break;
    head.push(line);
    budget -= line.length + 1;
  }
  const omitted = lines.length - head.length - tail.length;
  return [...head, note(omitted), ...tail].join('\n');
}
