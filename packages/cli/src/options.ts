import { InvalidArgumentError } from 'commander';
import { intInRange, MAX_WORKERS_RANGE } from '@tfo/engine';

/** For repeatable options: `--only a --only b` → `['a', 'b']`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A parser for an integer option within `range` (the config schema's bounds): anything else exits 3. */
export function intIn(range: { min: number; max: number }): (value: string) => number {
  return (value) => {
    const n = intInRange(value, range);
    if (n === undefined) throw new InvalidArgumentError(`must be an integer from ${range.min} to ${range.max}.`);
    return n;
  };
}

/** `--max-workers`: what the config's maxWorkers allows. */
export const maxWorkersOption = intIn(MAX_WORKERS_RANGE);
