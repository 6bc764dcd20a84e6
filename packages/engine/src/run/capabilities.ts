import type { AuditRecord, Deployment, Finding, PlanJson } from '../model.js';
import type { StateStore } from '../state/state-store.js';
import type { Engine } from './engine.js';

/**
 * What a plugin offers the rest of tfo beyond its hook taps, registered on the engine by name
 * (`engine.provide('policy', …)`) and found by name (`engine.capability('policy')`). The CLI and
 * other plugins reach a plugin only through these: no package imports a plugin package.
 *
 * An organisation's plugin adds its own by declaration merging:
 * `declare module '@tfo/engine' { interface Capabilities { cmdb: Cmdb } }`.
 */
export interface Capabilities {
  /** Where state lives: list keys, history, restore, unlock (`tfo state …`). The embedded local backend, or s3-backup. */
  state: StateStore;
  /** Policy evaluation of a plan, after waivers (what the validate tap does), for commands and other plugins. */
  policy: PolicyCapability;
  /** The audit trail: write a record outside a run (a `tfo state` action), through every configured sink. */
  audit: AuditCapability;
}

export type CapabilityName = keyof Capabilities;

export interface PolicyCapability {
  /** Findings of one deployment's plan (`show -json`), waivers applied; no block decision. */
  evaluate(plan: PlanJson, deployment: Deployment): Promise<Finding[]>;
}

export interface AuditWriteResult {
  /** False when no sink is configured. */
  recorded: boolean;
  /** Sinks that failed (the record may be missing from them). */
  problems: string[];
  warnings: string[];
}

export interface AuditCapability {
  record(record: AuditRecord): Promise<AuditWriteResult>;
}

/** One option of a contributed command, in commander's flag syntax (`--since <date>`, `-f, --force`). */
export interface CommandOption {
  flags: string;
  description: string;
  default?: string | boolean | readonly string[] | undefined;
  choices?: readonly string[] | undefined;
  /** The command refuses to run without it (a usage error, exit 3). */
  required?: boolean | undefined;
}

export interface CommandArgument {
  name: string;
  description: string;
  /** Default true. */
  required?: boolean | undefined;
  variadic?: boolean | undefined;
}

/** What a contributed command gets to do its work; everything it writes is redacted before it is shown. */
export interface CommandIO {
  /** The engine built from the config (the CLI closes it after the command). */
  engine: Engine;
  /** The folder the command runs in (`--cwd`). */
  cwd: string;
  /** `--json` was given: print one JSON document on stdout. */
  json: boolean;
  /** Writes to stdout, redacted (the engine's sensitive values and the default rules). */
  out(text: string): void;
  /** Writes to stderr, redacted. */
  err(text: string): void;
  /**
   * Prints a command's result, redacted before it is shaped: with `--json`, `data` value by value
   * and then serialised (a JSON escape never hides a secret from the rules); else `text`, in the
   * worker pool. `sensitive`: values known to be secret besides the engine's (a plan's, past runs').
   */
  show(data: unknown, text: string, sensitive?: Iterable<string>): Promise<void>;
}

/**
 * A command a plugin contributes to the `tfo` CLI (`tfo audit verify`, `tfo policy test`): the CLI
 * turns the spec into its own command objects, so plugins do not depend on the CLI's parser.
 */
export interface CommandSpec {
  name: string;
  description: string;
  arguments?: readonly CommandArgument[] | undefined;
  options?: readonly CommandOption[] | undefined;
  subcommands?: readonly CommandSpec[] | undefined;
  /**
   * Runs the command; resolves to its exit code. `args` are the positional arguments in order
   * (a variadic one as an array); `options` are keyed by the camel-cased long flag name, the
   * command's own with its parent commands' and the global ones (`config`, `cwd`, `json`).
   * Throw a TfoError for bad input: the CLI prints it with its code and exits non-zero.
   */
  run?(
    input: { args: ReadonlyArray<string | string[]>; options: Record<string, unknown> },
    io: CommandIO,
  ): Promise<number>;
}
