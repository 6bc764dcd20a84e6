/**
 * The one catalogue of tfo's coded errors. Each code's text tells the user what to do;
 * the thrown message adds the specifics (file, line, key).
 */
export const ERROR_CODES = Object.freeze({
  TFO_ERR_CONFIG_NOT_FOUND: 'No tfo config was found: add orchestrator.config.ts (or pass --config <file>).',
  TFO_ERR_CONFIG_INVALID: 'The tfo config is invalid: fix the fields named below.',
  TFO_ERR_CONFIG_LOAD: 'The tfo config file could not be loaded: fix the error it raised.',
  TFO_ERR_TFVARS_SYNTAX: 'A tfvars file is not valid HCL: fix the syntax at the line named.',
  TFO_ERR_TFVARS_READ: 'A tfvars file could not be read.',
  TFO_ERR_UNKNOWN_ACCOUNT: 'A tfvars file names an account that is not in the config accounts map.',
  TFO_ERR_MISSING_ACCOUNT: 'A tfvars file names no account: set account_key (or a configured account field).',
  TFO_ERR_MISSING_REGION: 'A tfvars file names no region: set region_code (or a configured region field).',
  TFO_ERR_UNKNOWN_REGION: 'A tfvars file names a region code that is not in regionCodes.',
  TFO_ERR_REGION_NOT_ALLOWED: 'A tfvars file targets a region its account does not allow.',
  TFO_ERR_NO_SERVICES: 'A tfvars file declares no known service key: add one or extend `services` in config.',
  TFO_ERR_DUPLICATE_KEY: 'Two tfvars files map to one state key: merge them or move one to another project.',
  TFO_ERR_ROOT_MODULE_MISSING: 'The root module folder does not exist or holds no .tf files.',
  TFO_ERR_TERRAFORM_MISSING:
    'No terraform or tofu binary was found: install Terraform or OpenTofu (in GitHub Actions: hashicorp/setup-terraform or opentofu/setup-opentofu), or set terraformBinary in the config.',
  TFO_ERR_GIT: 'git could not list the changed files: check the ref and that this is a git work tree.',
  TFO_ERR_PLUGIN_DUPLICATE: 'Two plugins share one name: remove one.',
  TFO_ERR_PLUGIN_DEPENDENCY: 'A plugin needs another plugin that is not configured: add it before this one.',
  TFO_ERR_PLUGIN: 'A plugin failed: see the plugin and stage named.',
  TFO_ERR_TERRAFORM: 'terraform failed: see the deployment log.',
  TFO_ERR_TIMEOUT: 'A deployment ran past its timeout and was interrupted.',
  TFO_ERR_CANCELLED: 'The run was cancelled.',
  TFO_ERR_LOCKED:
    'The state key is locked by another run: wait for it, or unlock a stale lock with `tfo state unlock <key>`.',
  TFO_ERR_LOCK_LIVE:
    "The lock's holder is live (its process runs, or its heartbeat is within its TTL): wait for its run, or pass --force if you know it is not applying.",
  TFO_ERR_STATE: 'A state file is unreadable or inconsistent.',
  TFO_ERR_STATE_DAMAGED:
    'The state of a key that was deployed before is missing, empty, unreadable or of another lineage: nothing was planned; see `tfo state history <key>` and `tfo state restore <key>`.',
  TFO_ERR_STATE_UNSAVED:
    'terraform could not save its state and tfo could not push the state it kept: push it with the command named, then re-run.',
  TFO_ERR_BACKUP_FAILED:
    'The state could not be backed up before apply: nothing was applied; free or fix the path named.',
  TFO_ERR_NO_BACKUP: 'No backup exists for this state key.',
  TFO_ERR_LINEAGE: 'The backup belongs to another state lineage: pass --force to restore it anyway.',
  TFO_ERR_USAGE: 'The command line is invalid: see `tfo --help`.',
  TFO_ERR_POLICY_BUILD: 'The policies do not compile: fix the Rego at the file and line named.',
  TFO_ERR_OPA_MISSING:
    'opa is needed only for Rego other than the first-party set (compiling it, opa test): install it as the message says, or set TFO_OPA.',
  TFO_ERR_POLICY_EVAL: 'A policy could not be evaluated: the deployment is blocked until it can be.',
  TFO_ERR_PLAN_FORMAT: 'The plan JSON is of a format version tfo does not know: use a supported terraform.',
  TFO_ERR_WAIVER: 'A waiver is invalid or expired: fix or remove it in the config.',
  TFO_ERR_HOOK_TIMEOUT:
    'A plugin did not settle within its hook deadline: fix the plugin, or raise hookTimeoutSeconds.<hook> in the config.',
  TFO_ERR_IO:
    'tfo could not write where it keeps its files: make the folder named writable for this user, or set stateDir in the config to one that is.',
  TFO_ERR_UNSETTLED:
    'tfo was left waiting on an operation that nothing can finish (a promise that never settles): report it with the command and plugins used.',
  TFO_ERR_AUDIT:
    'An audit record could not be stored or read back intact: fix the sink named (or `tfo audit verify` the trail).',
  TFO_ERR_REDACT_INPUT:
    'A file given to `tfo redact` could not be read or is not what it should be: fix or replace the file named.',
});

export type ErrorCode = keyof typeof ERROR_CODES;

/** Exit codes of the CLI. */
export const EXIT = Object.freeze({
  OK: 0,
  FAILED: 1,
  BLOCKED: 2,
  INPUT: 3,
  CANCELLED: 130,
});

/** Codes that mean the user's input (config, tfvars, command line) is wrong: exit 3. */
const INPUT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TFO_ERR_CONFIG_NOT_FOUND',
  'TFO_ERR_CONFIG_INVALID',
  'TFO_ERR_CONFIG_LOAD',
  'TFO_ERR_TFVARS_SYNTAX',
  'TFO_ERR_TFVARS_READ',
  'TFO_ERR_UNKNOWN_ACCOUNT',
  'TFO_ERR_MISSING_ACCOUNT',
  'TFO_ERR_MISSING_REGION',
  'TFO_ERR_UNKNOWN_REGION',
  'TFO_ERR_REGION_NOT_ALLOWED',
  'TFO_ERR_NO_SERVICES',
  'TFO_ERR_DUPLICATE_KEY',
  'TFO_ERR_ROOT_MODULE_MISSING',
  'TFO_ERR_TERRAFORM_MISSING',
  'TFO_ERR_GIT',
  'TFO_ERR_PLUGIN_DUPLICATE',
  'TFO_ERR_PLUGIN_DEPENDENCY',
  'TFO_ERR_USAGE',
  'TFO_ERR_POLICY_BUILD',
  'TFO_ERR_OPA_MISSING',
  'TFO_ERR_WAIVER',
]);

export interface TfoErrorOptions {
  cause?: unknown;
  /** File the problem is in, relative to the config directory where possible. */
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

export class TfoError extends Error {
  readonly code: ErrorCode;
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;

  constructor(code: ErrorCode, message: string, options: TfoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TfoError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }

  /** `file:line:col` when known. */
  get location(): string | undefined {
    if (!this.file) return undefined;
    return [this.file, this.line, this.column].filter((p) => p !== undefined).join(':');
  }

  get hint(): string {
    return ERROR_CODES[this.code];
  }

  get isInputError(): boolean {
    return INPUT_CODES.has(this.code);
  }
}

/** A throw inside a plugin's tap, stamped with the plugin and the hook it was tapping. */
export class PluginError extends TfoError {
  readonly plugin: string;
  readonly hook: string;

  constructor(plugin: string, hook: string, cause: unknown) {
    const inner = cause instanceof Error ? cause.message : String(cause);
    super('TFO_ERR_PLUGIN', `plugin "${plugin}" failed in ${hook}: ${inner}`, {
      cause,
      file: cause instanceof TfoError ? cause.file : undefined,
      line: cause instanceof TfoError ? cause.line : undefined,
    });
    this.name = 'PluginError';
    this.plugin = plugin;
    this.hook = hook;
  }

  override get isInputError(): boolean {
    return this.cause instanceof TfoError && this.cause.isInputError;
  }
}

/** Exit code for an error that ended a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof TfoError) {
    if (err.code === 'TFO_ERR_CANCELLED') return EXIT.CANCELLED;
    return err.isInputError ? EXIT.INPUT : EXIT.FAILED;
  }
  return EXIT.FAILED;
}

/** File-system errno codes that mean tfo cannot write where it keeps its files. */
const IO_ERRNO: Readonly<Record<string, string>> = Object.freeze({
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
});

/**
 * A file-system error that reached the top (an unwritable `.tfo`, a full disk) as TFO_ERR_IO naming
 * the path; undefined for anything else.
 */
export function ioErrorOf(err: unknown): TfoError | undefined {
  if (err instanceof TfoError || !(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException;
  const what = e.code ? IO_ERRNO[e.code] : undefined;
  if (!what || !e.path) return undefined;
  return new TfoError('TFO_ERR_IO', `cannot ${e.syscall ?? 'write'} ${e.path}: ${what} (${e.code})`, {
    cause: err,
    file: e.path,
  });
}
