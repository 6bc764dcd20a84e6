import type { z } from 'zod';
import type { Engine } from './engine.js';
import { TfoError } from '../errors.js';

/**
 * A plugin: made by a factory that validates its options (`opa({ policies })`), it only taps
 * hooks in `apply`; all I/O happens inside the taps.
 */
export interface Plugin {
  name: string;
  /** Names of plugins that must be registered before this one. */
  dependencies?: readonly string[] | undefined;
  /** Marks the plugin that provides state storage; the embedded local backend steps aside for it. */
  provides?: readonly ('state' | 'audit' | 'discovery')[] | undefined;
  apply(engine: Engine): void;
}

/** Fails fast, before any work, on a duplicate name or a missing dependency. */
export function checkPlugins(plugins: readonly Plugin[]): void {
  const seen = new Set<string>();
  for (const plugin of plugins) {
    if (seen.has(plugin.name)) {
      throw new TfoError('TFO_ERR_PLUGIN_DUPLICATE', `two plugins are named "${plugin.name}"`);
    }
    for (const dep of plugin.dependencies ?? []) {
      if (!seen.has(dep)) {
        throw new TfoError(
          'TFO_ERR_PLUGIN_DEPENDENCY',
          `plugin "${plugin.name}" needs plugin "${dep}" registered before it`,
        );
      }
    }
    seen.add(plugin.name);
  }
}

/**
 * A plugin factory's options, parsed: a bad option fails config loading (exit 3) with the factory
 * and each field named, e.g. `s3Backup(): bucket: String must contain at least 3 character(s)`.
 */
export function parsePluginOptions<S extends z.ZodTypeAny>(factory: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new TfoError(
      'TFO_ERR_CONFIG_INVALID',
      `${factory}(): ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data as z.output<S>;
}
