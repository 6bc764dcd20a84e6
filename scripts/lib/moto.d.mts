// Types for moto.mjs (a local moto server for tests and demos).

export interface StartMotoOptions {
  /** Parent folder for moto's temporary working directory (default: os.tmpdir()). */
  dataDir?: string;
  /** Receives moto's stdout and stderr, one line at a time (and the front's journal, with retrySafe). */
  log?: (line: string) => void;
  /**
   * Put a front in this process before moto: an AWS SDK retry of a conditional write (DynamoDB
   * PutItem with a ConditionExpression, S3 PUT with If-None-Match: *) whose earlier attempt already
   * stored exactly what it writes is answered as that write's success, not refused by its own
   * condition. terraform's state lock is such a write. Default false.
   */
  retrySafe?: boolean;
}

export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (the front's, with retrySafe). Always loopback. */
  endpoint: string;
  port: number;
  /** moto_server's process id. */
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
