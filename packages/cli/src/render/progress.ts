import ci from 'ci-info';
import { redactText, stateChangesText, type Engine, type DeploymentResult } from '@tfo/engine';
import { formatMs, type Style } from './style.js';

interface Running {
  /** The key as shown, redacted once (again only when the run learns another sensitive value). */
  shown: string;
  shownWith: number;
  file: string;
  stage: string;
  since: number;
  stageSince: number;
  lane: number;
}

/** Texts are redacted before they are styled: the redactor drops colour codes (it reads through them). */
type Redact = (text: string) => string;

function doneLine(r: DeploymentResult, style: Style, redact: Redact): string {
  const moved = r.changes ? stateChangesText(r.changes) : '';
  const ch = r.changes
    ? ` +${r.changes.add} ~${r.changes.change} -${r.changes.destroy}${moved ? ` ${moved}` : ''}`
    : '';
  const bad = r.status === 'failed' || r.status === 'blocked';
  const status = bad ? style.red(r.status) : r.status === 'recovered' ? style.yellow(r.status) : style.green(r.status);
  const why = r.error ? redact(` (${r.error.stage}: ${r.error.message})`) : '';
  return `${status.padEnd(style.color ? 20 : 10)} ${redact(`${r.key}${ch}`)} ${style.dim(formatMs(r.durationMs))}${why}`;
}

/**
 * Live progress from engine events. On a terminal: one line per running deployment with its stage
 * and elapsed time, redrawn in place. Elsewhere (a CI that ci-info detects, pipes): one plain line per event.
 */
export function attachProgress(engine: Engine, stream: NodeJS.WriteStream, style: Style): () => void {
  const running = new Map<string, Running>();
  const redact: Redact = (text) => redactText(text, { sensitive: engine.sensitive });
  const tty = Boolean(stream.isTTY) && !ci.isCI;
  let drawn = 0;
  let total = 0;
  let finished = 0;
  const clear = (): void => {
    if (drawn > 0) stream.write(`\u001b[${drawn}A\u001b[0J`);
    drawn = 0;
  };
  const draw = (): void => {
    if (!tty) return;
    clear();
    const now = Date.now();
    const width = stream.columns ?? 120;
    const lines = [...running.entries()]
      .sort((a, b) => a[1].lane - b[1].lane)
      .map(([key, r]) => {
        if (r.shownWith !== engine.sensitive.size) {
          r.shown = redact(key);
          r.shownWith = engine.sensitive.size;
        }
        return `  ${style.cyan(r.stage.padEnd(8))} ${r.shown} ${style.dim(`${formatMs(now - r.since)} (${r.stage} ${formatMs(now - r.stageSince)})`)}`.slice(
          0,
          width + (style.color ? 30 : 0),
        );
      });
    lines.push(style.dim(`  ${finished}/${total} done, ${running.size} running`));
    stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  /** `text` is made of redacted pieces and styling. */
  const println = (text: string): void => {
    clear();
    stream.write(`${text}\n`);
    draw();
  };
  const stamp = (): string => style.dim(new Date().toISOString().slice(11, 19));
  const offs = [
    engine.events.on('run:start', (e) => {
      total = e.total;
      println(
        `${style.bold(`tfo ${e.run.mode}`)} ${redact(`${e.run.id}: ${e.total} deployment(s), ${e.workers} at a time`)}`,
      );
    }),
    engine.events.on('deployment:stage', (e) => {
      const now = Date.now();
      const r = running.get(e.key);
      running.set(e.key, {
        shown: r?.shown ?? redact(e.key),
        shownWith: r?.shownWith ?? engine.sensitive.size,
        file: e.file,
        stage: e.stage,
        since: r?.since ?? now,
        stageSince: now,
        lane: e.lane,
      });
      if (tty) draw();
      else println(`${stamp()} ${redact(`${e.stage.padEnd(8)} ${e.key}`)}`);
    }),
    engine.events.on('deployment:waiting', (e) => println(`${stamp()} ${redact(`waiting  ${e.key}: ${e.reason}`)}`)),
    engine.events.on('deployment:done', (e) => {
      running.delete(e.result.key);
      finished += 1;
      println(`${tty ? '' : `${stamp()} `}${doneLine(e.result, style, redact)}`);
    }),
    engine.events.on('notice', (e) => {
      const text = redact(`${e.level}: ${e.key ? `${e.key}: ` : ''}${e.message}`);
      println(e.level === 'info' ? text : e.level === 'warn' ? style.yellow(text) : style.red(text));
    }),
  ];
  const timer = tty ? setInterval(draw, 250) : undefined;
  timer?.unref();
  return () => {
    if (timer) clearInterval(timer);
    clear();
    offs.forEach((off) => off());
  };
}
