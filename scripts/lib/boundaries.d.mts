// Types for boundaries.mjs (package boundary check of the workspace).

export type PackageKind = 'plugin' | 'cli' | 'library';
export type BoundaryRule = 'plugin-imports-plugin' | 'cli-imports-engine-only' | 'library-imports-plugin';

export interface BoundaryViolation {
  /** Relative to the root checked. */
  file: string;
  line: number;
  rule: BoundaryRule;
  message: string;
}

export function kindOf(name: string): PackageKind;
export function ruleBroken(from: string, to: string): { rule: BoundaryRule; message: string } | undefined;
export function packageOf(specifier: string): string | undefined;
export function workspacePackages(root: string): Promise<Array<{ name: string; folder: string; manifest: string }>>;
/** Every violation under `<root>/packages/*` (src/ and package.json), sorted by file and line. */
export function checkBoundaries(root: string): Promise<BoundaryViolation[]>;
export function formatViolation(v: BoundaryViolation): string;
