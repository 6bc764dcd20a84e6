/** The `default` of every `variable` block under `root`, per module folder, as source text. */
export function variableDefaults(root: string): Promise<Array<{ dir: string; defaults: Array<[string, string]> }>>;
