// Types for moto.mjs (a local moto server for tests and demos).

export interface StartMotoOptions {
  /** Parent folder for moto's temporary working directory (default: os.tmpdir()). */
  dataDir?: string;
  /** Receives moto's stdout and stderr, one line at a time. */
  log?: (line: string) => void;
}

export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. Always loopback. */
  endpoint: string;
  port: number;
  pid: number | undefined;
  /** SIGTERM, then SIGKILL after 5 s; removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Start moto_server on a free 127.0.0.1 port; resolves once it answers HTTP. */
export function startMoto(options?: StartMotoOptions): Promise<MotoServer>;

/** A TCP port that was free on 127.0.0.1 when checked. */
export function freePort(): Promise<number>;

/** The moto_server executable that startMoto runs ($TFO_MOTO_SERVER, .tools/bin, or PATH). */
export function motoServerBinary(): string;

/** Forget every resource held by the moto server at `endpoint` (POST /moto-api/reset). */
export function resetMoto(endpoint: string): Promise<void>;
