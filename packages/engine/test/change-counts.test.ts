import { describe, expect, it } from 'vitest';
import { stateChangesText } from '../src/terraform/change-counts.js';
import type { PlanJson } from '../src/model.js';
import { countChanges, planHasChanges } from '../src/terraform/terraform.js';

type Rc = NonNullable<PlanJson['resource_changes']>[number];

/** resource_changes as terraform 1.11 `show -json` prints them (before/after trimmed). */
const moved: Rc = {
  address: 'terraform_data.a2',
  previous_address: 'terraform_data.a',
  mode: 'managed',
  type: 'terraform_data',
  name: 'a2',
  change: { actions: ['no-op'], before: { input: 'a' }, after: { input: 'a' } },
};
const forgotten: Rc = {
  address: 'terraform_data.b',
  mode: 'managed',
  type: 'terraform_data',
  name: 'b',
  change: { actions: ['forget'], before: { input: 'b' }, after: null },
};
const importedNoOp: Rc = {
  address: 'terraform_data.c',
  mode: 'managed',
  type: 'terraform_data',
  name: 'c',
  change: { actions: ['no-op'], before: { id: 'c-id' }, after: { id: 'c-id' }, importing: { id: 'c-id' } },
};
const importedUpdate: Rc = {
  ...importedNoOp,
  change: { actions: ['update'], before: { input: null }, after: { input: 'c' }, importing: { id: 'c-id' } },
};
const unchanged: Rc = {
  address: 'terraform_data.d',
  mode: 'managed',
  type: 'terraform_data',
  name: 'd',
  change: { actions: ['no-op'] },
};
const plan = (...rcs: Rc[]): PlanJson => ({ format_version: '1.2', resource_changes: rcs });

describe('countChanges and planHasChanges', () => {
  it('a plan of no-ops and reads has no changes', () => {
    const p = plan(unchanged, { ...unchanged, address: 'data.x', change: { actions: ['read'] } });
    expect(planHasChanges(p)).toBe(false);
    expect(countChanges(p)).toEqual({ add: 0, change: 0, destroy: 0, replace: 0, move: 0, import: 0, forget: 0 });
  });

  it('a move alone (moved block, no-op action) is a change, counted as a move', () => {
    const p = plan(moved, unchanged);
    expect(planHasChanges(p)).toBe(true);
    expect(countChanges(p)).toMatchObject({ add: 0, change: 0, destroy: 0, move: 1, import: 0, forget: 0 });
  });

  it('a previous_address equal to the address is no move', () => {
    expect(planHasChanges(plan({ ...moved, previous_address: moved.address }))).toBe(false);
  });

  it('an import alone (import block, no-op action) is a change, counted as an import', () => {
    const p = plan(importedNoOp);
    expect(planHasChanges(p)).toBe(true);
    expect(countChanges(p)).toMatchObject({ add: 0, change: 0, import: 1 });
  });

  it('an import that also updates counts as an import and a change', () => {
    expect(countChanges(plan(importedUpdate))).toMatchObject({ change: 1, import: 1 });
  });

  it('a forget alone is a change, counted, and its address listed', () => {
    const p = plan(forgotten, unchanged);
    expect(planHasChanges(p)).toBe(true);
    expect(countChanges(p)).toEqual({
      add: 0,
      change: 0,
      destroy: 0,
      replace: 0,
      move: 0,
      import: 0,
      forget: 1,
      forgotten: ['terraform_data.b'],
    });
  });

  it('counts everything of a mixed plan, like terraform 1.11 prints it', () => {
    const created: Rc = { ...unchanged, address: 'terraform_data.e', change: { actions: ['create'] } };
    const replaced: Rc = { ...unchanged, address: 'terraform_data.f', change: { actions: ['delete', 'create'] } };
    expect(countChanges(plan(moved, forgotten, importedUpdate, created, replaced))).toEqual({
      add: 2,
      change: 1,
      destroy: 1,
      replace: 1,
      move: 1,
      import: 1,
      forget: 1,
      forgotten: ['terraform_data.b'],
    });
  });
});

describe('stateChangesText', () => {
  it('names the non-zero moves, imports and forgets, and nothing for older counts', () => {
    expect(stateChangesText({ add: 1, change: 0, destroy: 0, replace: 0 })).toBe('');
    expect(stateChangesText({ add: 0, change: 0, destroy: 0, replace: 0, move: 0, import: 0, forget: 0 })).toBe('');
    expect(stateChangesText({ add: 0, change: 0, destroy: 0, replace: 0, move: 2, import: 1, forget: 1 })).toBe(
      '→2 moved +1 imported −1 forgotten',
    );
  });
});
