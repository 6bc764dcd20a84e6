import { collectSensitive } from './redact.js';

/**
 * The sensitive values of a terraform state, in either of its two shapes:
 * - a state file (format version 4): outputs with `sensitive: true`, and each resource
 *   instance's `sensitive_attributes` (paths of `get_attr`/`index` steps into `attributes`);
 * - `terraform show -json` of a state: `values.outputs` with `sensitive: true`, and each
 *   resource's `sensitive_values` mask over its `values`, in the root module and child modules.
 * Strings and numbers found there are added to `into`. Anything else is ignored.
 */
export function sensitiveOfState(state: unknown, into: Set<string>): void {
  if (!isObject(state)) return;
  outputs(state.outputs, into);
  for (const resource of arrayOf(state.resources)) {
    if (!isObject(resource)) continue;
    for (const instance of arrayOf(resource.instances)) {
      if (!isObject(instance)) continue;
      for (const steps of arrayOf(instance.sensitive_attributes)) at(instance.attributes, steps, into);
    }
  }
  const values = state.values;
  if (isObject(values)) {
    outputs(values.outputs, into);
    moduleValues(values.root_module, into);
  }
}

function outputs(value: unknown, into: Set<string>): void {
  if (!isObject(value)) return;
  for (const output of Object.values(value)) {
    if (isObject(output) && output.sensitive === true) collectSensitive(output.value, true, into);
  }
}

function moduleValues(module: unknown, into: Set<string>): void {
  if (!isObject(module)) return;
  for (const resource of arrayOf(module.resources)) {
    if (isObject(resource)) collectSensitive(resource.values, resource.sensitive_values, into);
  }
  for (const child of arrayOf(module.child_modules)) moduleValues(child, into);
}

/** The value at a path of steps (`{type: 'get_attr', value: 'password'}`, `{type: 'index', value: {value: 0}}`). */
function at(attributes: unknown, steps: unknown, into: Set<string>): void {
  let value = attributes;
  for (const step of arrayOf(steps)) {
    if (!isObject(step) || value === null || typeof value !== 'object') return;
    const key = step.type === 'index' && isObject(step.value) ? step.value.value : step.value;
    if (typeof key !== 'string' && typeof key !== 'number') return;
    value = (value as Record<string, unknown>)[String(key)];
  }
  if (value !== attributes) collectSensitive(value, true, into);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
