import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';

/** A workflow command's message: `%`, CR and LF are escaped (GitHub's runner unescapes them). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also `:` and `,`, which end a property. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  /** Path relative to the repository root (GITHUB_WORKSPACE). */
  file?: string | undefined;
  line?: number | undefined;
  title?: string | undefined;
  message: string;
}

/** `::error file=a.tfvars,line=3,title=…::message` */
export function annotationCommand(a: Annotation): string {
  const props = [
    a.file !== undefined ? `file=${escapeProperty(a.file)}` : '',
    a.line !== undefined ? `line=${a.line}` : '',
    a.title !== undefined ? `title=${escapeProperty(a.title)}` : '',
  ].filter(Boolean);
  return `::${a.level}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(a.message)}`;
}

/** GitHub keeps at most this many bytes of one step's job summary (1 MiB). */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** Appends markdown to `GITHUB_STEP_SUMMARY`, cut below GitHub's 1 MiB per step. */
export async function appendStepSummary(file: string, markdown: string): Promise<void> {
  const max = STEP_SUMMARY_LIMIT - 1024;
  let body = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  if (Buffer.byteLength(body) > max) {
    // whole lines up to the limit (a line is never cut inside a character)
    const kept: string[] = [];
    let size = 0;
    for (const line of body.split('\n')) {
      size += Buffer.byteLength(line) + 1;
      if (size > max) break;
      kept.push(line);
    }
    body = `${kept.join('\n')}\n\n… cut at GitHub's step summary limit\n`;
  }
  await appendFile(file, body);
}

/**
 * The line of a tfvars file a finding on `resource` most likely comes from: the block keyed by
 * the resource's `for_each` key (`aws_s3_bucket.this["logs"]` → `logs = {`), else by its name,
 * nested inside a top-level attribute. Best effort; `undefined` when nothing matches.
 */
export function lineForResource(tfvars: string, resource: string | undefined): number | undefined {
  if (!resource) return undefined;
  const candidates: string[] = [];
  const index = /\[\s*"([^"]+)"\s*\]\s*$/.exec(resource);
  if (index?.[1]) candidates.push(index[1]);
  const name = /([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\s*$/.exec(resource.replace(/\[\s*"[^"]*"\s*\]\s*$/, ''))?.[1];
  if (name && !candidates.includes(name)) candidates.push(name);
  const lines = tfvars.split(/\r\n|\r|\n/);
  for (const key of candidates) {
    const quoted = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`^\\s+"?${quoted}"?\\s*[=:]\\s*[{[]`);
    const at = lines.findIndex((l) => re.test(l));
    if (at >= 0) return at + 1;
  }
  return undefined;
}

/** Reads a tfvars file for line lookups; a missing one is empty. */
export async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

/** A path relative to the repository root, for annotations (posix separators). */
export function repoPath(workspace: string | undefined, cwd: string, file: string): string {
  const abs = path.resolve(cwd, file);
  const rel = workspace ? path.relative(workspace, abs) : path.relative(cwd, abs);
  return rel.split(path.sep).join('/');
}
