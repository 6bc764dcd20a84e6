import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Journal,
  failedStage,
  interruptedStage,
  journalFile,
  processAlive,
  readJournal,
  unfinishedRun,
} from '../src/run/journal.js';
import { processStartTime } from '../src/run/proc.js';
import { terraform } from '../src/terraform/terraform.js';
import { parseLockInfo } from '../src/terraform/terraform-lock.js';
import type { Deployment } from '../src/model.js';

const KEY = 's3/dev/us-east-1/app/terraform.tfstate';
const deployment = { key: KEY, file: 'app.tfvars', values: {} } as unknown as Deployment;

function runDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tfo-journal-'));
}

describe('run journal', () => {
  it('appends one line per entry and skips a torn last line on read', () => {
    const dir = runDir();
    const j = new Journal(dir);
    j.start('r1', 'apply');
    j.write({ t: 'stage', key: KEY, stage: 'plan', phase: 'start' });
    appendFileSync(journalFile(dir), '{"t":"stage","key":"');
    const entries = readJournal(journalFile(dir));
    expect(entries.map((e) => e.t)).toEqual(['run-start', 'stage']);
    expect(entries[0]).toMatchObject({ runId: 'r1', pid: process.pid, host: hostname(), mode: 'apply' });
  });

  it('a run with run-end is not unfinished; a run whose pid is gone is, with its open keys', () => {
    const ended = runDir();
    const a = new Journal(ended);
    a.start('r1', 'apply');
    a.write({ t: 'run-end', exitCode: 0, cancelled: false });
    expect(unfinishedRun(ended)).toBeUndefined();
    // a long journal is told ended by its tail; a torn line after the end leaves it to the full read
    const long = runDir();
    const b = new Journal(long);
    b.start('r2', 'apply');
    for (let i = 0; i < 200; i += 1) b.write({ t: 'stage', key: KEY, stage: 'plan', phase: 'start' });
    b.write({ t: 'run-end', exitCode: 0, cancelled: false });
    expect(unfinishedRun(long)).toBeUndefined();
    appendFileSync(journalFile(long), '{"t":"sta');
    expect(unfinishedRun(long)).toBeUndefined();

    const dead = runDir();
    const line = (e: object): string => `${JSON.stringify({ at: new Date().toISOString(), ...e })}\n`;
    writeFileSync(
      journalFile(dead),
      [
        line({ t: 'run-start', runId: 'r2', pid: 999_999_999, host: hostname(), mode: 'apply' }),
        line({ t: 'key-start', key: KEY, deployment, dataDir: '/d', dir: '/r', varFile: '/v' }),
        line({ t: 'stage', key: KEY, stage: 'apply', phase: 'start' }),
        line({ t: 'stage', key: KEY, stage: 'apply', phase: 'end', ok: false }),
        line({ t: 'stage', key: KEY, stage: 'recover', phase: 'start' }),
        line({ t: 'key-start', key: 'other', deployment, dataDir: '/d', dir: '/r', varFile: '/v' }),
        line({ t: 'key-end', key: 'other', status: 'applied' }),
      ].join(''),
    );
    const run = unfinishedRun(dead);
    expect(run?.liveness).toBe('gone');
    const open = run?.keys.filter((k) => !k.finished) ?? [];
    expect(open.map((k) => k.key)).toEqual([KEY]);
    expect(interruptedStage(open[0]!)).toBe('recover');
    expect(failedStage(open[0]!)).toBe('apply');

    const other = runDir();
    writeFileSync(journalFile(other), line({ t: 'run-start', runId: 'r3', pid: 1, host: 'elsewhere', mode: 'apply' }));
    expect(unfinishedRun(other)?.liveness).toBe('unknown');
  });

  it('tells a live process from a gone one and from a reused pid (start time)', async () => {
    expect(processAlive(process.pid, processStartTime(process.pid))).toBe(true);
    expect(processAlive(process.pid, '1')).toBe(false);
    const child = spawn('sleep', ['0.1']);
    const pid = child.pid!;
    const started = processStartTime(pid);
    expect(started).toMatch(/^\d+$/);
    await new Promise((r) => child.once('exit', r));
    expect(processAlive(pid, started)).toBe(false);
  });
});

describe('terraform runner', () => {
  const call = (dir: string, log: string[], signal = new AbortController().signal) => ({
    binary: '/bin/sh',
    cwd: dir,
    env: {},
    signal,
    graceMs: 1000,
    log: (t: string) => log.push(t),
    outputDir: path.join(dir, 'out'),
  });

  it('follows the output file terraform writes into the log, and reports the pid it started', async () => {
    const dir = runDir();
    const log: string[] = [];
    const spawned: number[] = [];
    const out = await terraform(
      { ...call(dir, log), onSpawn: (pid) => spawned.push(pid) },
      ['-c', 'echo one; echo two >&2; exit 2'],
      { okCodes: [2] },
    );
    expect(out.exitCode).toBe(2);
    expect(log.join('')).toContain('one\ntwo\n');
    expect(out.tail).toContain('two');
    expect(spawned).toHaveLength(1);
  });

  it('an abort sends one SIGINT, then SIGKILL to the whole group after the grace', async () => {
    const dir = runDir();
    const log: string[] = [];
    const controller = new AbortController();
    const marker = path.join(dir, 'child.pid');
    const run = terraform(call(dir, log, controller.signal), [
      '-c',
      `trap 'echo got-int' INT; sleep 30 & echo $! > ${marker}; while true; do sleep 0.1; done`,
    ]);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'TFO_ERR_CANCELLED' });
    expect(log.join('').match(/^got-int$/gm)).toHaveLength(1);
    const { readFileSync } = await import('node:fs');
    const sleeper = Number(readFileSync(marker, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(processAlive(sleeper, undefined)).toBe(false);
  });
});

describe("terraform's lock info", () => {
  it('reads the Lock Info block terraform prints when the state lock is held', () => {
    const output = `Error: Error acquiring the state lock

Error message: operation error S3: PutObject, https response error
api error PreconditionFailed: At least one of the pre-conditions you
specified did not hold
Lock Info:
  ID:        6645d44e-1d45-1a8b-5089-dc3d48303e15
  Path:      tfo-state/s3/acme-dev/us-east-1/gone/terraform.tfstate
  Operation: OperationTypeApply
  Who:       root@vm
  Version:   1.11.4
  Created:   2026-12-07 14:33:34.834394269 +0000 UTC
  Info:      
`;
    expect(parseLockInfo(output)).toEqual({
      id: '6645d44e-1d45-1a8b-5089-dc3d48303e15',
      who: 'root@vm',
      operation: 'OperationTypeApply',
      created: Date.parse('2026-12-07T14:33:34.834Z'),
    });
    expect(parseLockInfo('Error: something else')).toBeUndefined();
  });
});
