import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { orderLongestFirst, schedule, type ScheduleItem } from '../src/run/scheduler.js';

interface Job {
  id: string;
  key: string;
  ms: number;
  fail?: boolean;
}

const item = (id: string, key: string, expectedMs?: number, ms = 5): ScheduleItem<Job> => ({
  item: { id, key, ms },
  key,
  expectedMs,
});

/** A `run` that measures how many items run at once, overall and per key. */
function probe() {
  const state = {
    active: 0,
    maxActive: 0,
    perKey: new Map<string, number>(),
    maxPerKey: 0,
    started: [] as string[],
    lanes: [] as number[],
    activeLanes: new Set<number>(),
    laneClash: false,
  };
  const run = async (job: Job, lane: number): Promise<{ id: string; failed: boolean }> => {
    state.started.push(job.id);
    state.lanes.push(lane);
    if (state.activeLanes.has(lane)) state.laneClash = true;
    state.activeLanes.add(lane);
    state.active += 1;
    state.maxActive = Math.max(state.maxActive, state.active);
    const n = (state.perKey.get(job.key) ?? 0) + 1;
    state.perKey.set(job.key, n);
    state.maxPerKey = Math.max(state.maxPerKey, n);
    try {
      await sleep(job.ms);
      return { id: job.id, failed: job.fail === true };
    } finally {
      state.active -= 1;
      state.perKey.set(job.key, state.perKey.get(job.key)! - 1);
      state.activeLanes.delete(lane);
    }
  };
  return { state, run };
}

describe('orderLongestFirst', () => {
  it('puts unknown durations first, then longest expected first, ties in given order', () => {
    const ordered = orderLongestFirst([
      item('short', 'a', 10),
      item('unknown1', 'b'),
      item('long', 'c', 500),
      item('mid1', 'd', 100),
      item('unknown2', 'e'),
      item('mid2', 'f', 100),
    ]);
    expect(ordered.map((i) => i.item.id)).toEqual(['unknown1', 'unknown2', 'long', 'mid1', 'mid2', 'short']);
  });

  it('does not reorder its input', () => {
    const input = [item('a', 'a', 1), item('b', 'b', 2)];
    orderLongestFirst(input);
    expect(input.map((i) => i.item.id)).toEqual(['a', 'b']);
  });
});

describe('schedule', () => {
  it('starts items longest expected first (unknown before known)', async () => {
    const { state, run } = probe();
    const items = [item('k10', 'a', 10), item('k300', 'b', 300), item('u', 'c'), item('k50', 'd', 50)];
    const out = await schedule(items, { concurrency: 1 }, run);
    expect(state.started).toEqual(['u', 'k300', 'k50', 'k10']);
    expect(out.results.map((r) => r.item.id)).toEqual(['u', 'k300', 'k50', 'k10']);
    expect(out.notStarted).toEqual([]);
  });

  it('never runs more than `concurrency` items at once, and fills every lane', async () => {
    const { state, run } = probe();
    const items = Array.from({ length: 12 }, (_, i) => item(`d${i}`, `k${i}`, undefined, 10 + (i % 4) * 5));
    const out = await schedule(items, { concurrency: 3 }, run);
    expect(state.maxActive).toBe(3);
    expect(out.results).toHaveLength(12);
    expect(new Set(out.results.map((r) => r.item.id)).size).toBe(12);
    expect(state.laneClash).toBe(false);
  });

  it('never runs two items of one key at once, even when several share it', async () => {
    const { state, run } = probe();
    const items = [
      item('a1', 'a', undefined, 20),
      item('a2', 'a', undefined, 20),
      item('a3', 'a', undefined, 20),
      item('b1', 'b', undefined, 20),
      item('b2', 'b', undefined, 20),
      item('c1', 'c', undefined, 20),
    ];
    const out = await schedule(items, { concurrency: 4 }, run);
    expect(state.maxPerKey).toBe(1);
    expect(state.maxActive).toBeGreaterThan(1);
    expect(out.results.map((r) => r.item.id).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
    // items of one key keep their order
    expect(state.started.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
  });

  it('gives lanes in [0, concurrency), never one lane to two running items', async () => {
    const { state, run } = probe();
    const items = Array.from({ length: 20 }, (_, i) => item(`d${i}`, `k${i % 7}`, undefined, 3 + (i % 5)));
    const out = await schedule(items, { concurrency: 4 }, run);
    for (const lane of state.lanes) {
      expect(lane).toBeGreaterThanOrEqual(0);
      expect(lane).toBeLessThan(4);
      expect(Number.isInteger(lane)).toBe(true);
    }
    expect(out.results.every((r) => r.lane >= 0 && r.lane < 4)).toBe(true);
    expect(new Set(state.lanes)).toEqual(new Set([0, 1, 2, 3]));
    expect(state.laneClash).toBe(false);
  });

  it('treats a concurrency below 1 as 1', async () => {
    const { state, run } = probe();
    const out = await schedule([item('a', 'a'), item('b', 'b')], { concurrency: 0 }, run);
    expect(state.maxActive).toBe(1);
    expect(out.results.map((r) => r.lane)).toEqual([0, 0]);
  });

  it('resolves at once with nothing to do', async () => {
    const out = await schedule([], { concurrency: 3 }, async () => 1);
    expect(out).toEqual({ results: [], notStarted: [] });
  });

  it('failFast: stops starting new items after a failure; the rest are notStarted', async () => {
    const { state, run } = probe();
    const items: ScheduleItem<Job>[] = [
      { item: { id: 'bad', key: 'a', ms: 5, fail: true }, key: 'a', expectedMs: 1000 },
      item('slow', 'b', 900, 40),
      item('x', 'c', 10),
      item('y', 'd', 5),
    ];
    const out = await schedule(items, { concurrency: 2, failFast: true }, run, (r) => r.failed);
    expect(state.started).toEqual(['bad', 'slow']);
    // the running item finishes; nothing new starts
    expect(out.results.map((r) => r.item.id).sort()).toEqual(['bad', 'slow']);
    expect(out.notStarted.map((j) => j.id)).toEqual(['x', 'y']);
  });

  it('without failFast, a failure does not stop the others', async () => {
    const { run } = probe();
    const items: ScheduleItem<Job>[] = [
      { item: { id: 'bad', key: 'a', ms: 1, fail: true }, key: 'a' },
      item('x', 'b'),
      item('y', 'c'),
    ];
    const out = await schedule(items, { concurrency: 1 }, run, (r) => r.failed);
    expect(out.results.map((r) => r.item.id)).toEqual(['bad', 'x', 'y']);
    expect(out.notStarted).toEqual([]);
  });

  it('stops scheduling when the signal aborts; running items finish', async () => {
    const { state, run } = probe();
    const controller = new AbortController();
    const items = Array.from({ length: 6 }, (_, i) => item(`d${i}`, `k${i}`, undefined, 40));
    setTimeout(() => controller.abort(), 15);
    const out = await schedule(items, { concurrency: 2, signal: controller.signal }, run);
    expect(state.started).toEqual(['d0', 'd1']);
    expect(out.results.map((r) => r.item.id).sort()).toEqual(['d0', 'd1']);
    expect(out.notStarted.map((j) => j.id)).toEqual(['d2', 'd3', 'd4', 'd5']);
  });

  it('starts nothing with an already aborted signal', async () => {
    const { state, run } = probe();
    const out = await schedule([item('a', 'a'), item('b', 'b')], { concurrency: 2, signal: AbortSignal.abort() }, run);
    expect(state.started).toEqual([]);
    expect(out.results).toEqual([]);
    expect(out.notStarted.map((j) => j.id)).toEqual(['a', 'b']);
  });

  it('a throw in run rejects, but only after the running items finish, and starts nothing new', async () => {
    const finished: string[] = [];
    const started: string[] = [];
    const boom = new Error('boom');
    const items = [item('throws', 'a', 100), item('slow', 'b', 90), item('later', 'c', 10)];
    const promise = schedule(items, { concurrency: 2 }, async (job) => {
      started.push(job.id);
      if (job.id === 'throws') {
        await sleep(5);
        throw boom;
      }
      await sleep(60);
      finished.push(job.id);
      return job.id;
    });
    await expect(promise).rejects.toBe(boom);
    expect(finished).toEqual(['slow']);
    expect(started).toEqual(['throws', 'slow']);
  });
});
