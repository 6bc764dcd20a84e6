export interface ScheduleItem<T> {
  item: T;
  /** Items with one key never run at the same time. */
  key: string;
  /** Expected duration; longest first. Unknown (never run) sorts before known: it may be long. */
  expectedMs?: number | undefined;
}

export interface ScheduleOptions {
  concurrency: number;
  /** Stop starting new items after the first failure. */
  failFast?: boolean | undefined;
  /** Stop starting new items when aborted; running ones finish (their own signals stop them). */
  signal?: AbortSignal | undefined;
}

export interface ScheduleOutcome<T, R> {
  results: Array<{ item: T; lane: number; result: R }>;
  /** Items never started (cancelled, or after a fail-fast failure). */
  notStarted: T[];
}

/** Orders items longest expected first; ties keep their given order. */
export function orderLongestFirst<T>(items: readonly ScheduleItem<T>[]): ScheduleItem<T>[] {
  const rank = (i: ScheduleItem<T>): number => i.expectedMs ?? Number.POSITIVE_INFINITY;
  return items
    .map((it, idx) => ({ it, idx }))
    .sort((a, b) => rank(b.it) - rank(a.it) || a.idx - b.idx)
    .map(({ it }) => it);
}

/**
 * A bounded pool: at most `concurrency` items at once, longest expected first, never two items
 * of one key at once. `run` reports failure by returning `{ failed: true }`-ish values through
 * `isFailure`; it should not throw (a throw counts as a failure and is rethrown at the end).
 */
export async function schedule<T, R>(
  items: readonly ScheduleItem<T>[],
  options: ScheduleOptions,
  run: (item: T, lane: number) => Promise<R>,
  isFailure: (result: R) => boolean = () => false,
): Promise<ScheduleOutcome<T, R>> {
  const queue = orderLongestFirst(items);
  const running = new Set<string>();
  const freeLanes = Array.from({ length: Math.max(1, options.concurrency) }, (_, i) => i).reverse();
  const results: ScheduleOutcome<T, R>['results'] = [];
  let stopped = false;
  let thrown: unknown;

  return new Promise((resolve, reject) => {
    let active = 0;
    const finish = (): void => {
      options.signal?.removeEventListener('abort', onAbort);
      if (thrown !== undefined) reject(thrown);
      else resolve({ results, notStarted: queue.map((q) => q.item) });
    };
    const pump = (): void => {
      if (options.signal?.aborted) stopped = true;
      while (!stopped && freeLanes.length > 0) {
        const idx = queue.findIndex((q) => !running.has(q.key));
        if (idx < 0) break;
        const [next] = queue.splice(idx, 1);
        const lane = freeLanes.pop()!;
        running.add(next!.key);
        active += 1;
        run(next!.item, lane)
          .then(
            (result) => {
              results.push({ item: next!.item, lane, result });
              if (options.failFast && isFailure(result)) stopped = true;
            },
            (err: unknown) => {
              thrown ??= err;
              stopped = true;
            },
          )
          .finally(() => {
            running.delete(next!.key);
            freeLanes.push(lane);
            freeLanes.sort((a, b) => b - a);
            active -= 1;
            pump();
          });
      }
      if (active === 0) finish();
    };
    const onAbort = (): void => {
      stopped = true;
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    pump();
  });
}
