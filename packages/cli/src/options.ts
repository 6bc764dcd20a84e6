import { InvalidArgumentError } from 'commander';

/** For repeatable options: `--only a --only b` → `['a', 'b']`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveInt(value: string): number {
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 1 || String(n) !== value.trim()) {
    throw new InvalidArgumentError(`not a positive integer: ${value}`);
  }
  return n;
}
