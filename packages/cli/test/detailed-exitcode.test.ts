import { describe, expect, it } from 'vitest';
import { detailedExitCode } from '../src/commands/run.js';

const run = (exitCode: number, ...statuses: string[]) => ({
  exitCode,
  deployments: statuses.map((status) => ({ status })) as never,
});

describe('detailedExitCode', () => {
  it('is 2 for a clean run with a planned change, 0 when nothing changes', () => {
    expect(detailedExitCode(run(0, 'no-changes', 'planned'))).toBe(2);
    expect(detailedExitCode(run(0, 'no-changes', 'no-changes'))).toBe(0);
    expect(detailedExitCode(run(0))).toBe(0);
  });

  it('keeps the codes of failures, blocks, bad input and cancellation', () => {
    expect(detailedExitCode(run(1, 'planned', 'failed'))).toBe(1);
    expect(detailedExitCode(run(2, 'planned', 'blocked'))).toBe(2);
    expect(detailedExitCode(run(3))).toBe(3);
    expect(detailedExitCode(run(130, 'planned', 'cancelled'))).toBe(130);
  });
});
