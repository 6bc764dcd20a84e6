/** Endpoint overrides per service (S3-compatible stores, local test servers). */
export interface AwsEndpoints {
  s3?: string | undefined;
  dynamodb?: string | undefined;
  sts?: string | undefined;
}

/** How the SDK retries throttling and 5xx answers. */
export interface AwsRetry {
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
}

/** Retries with backoff on throttling and 5xx (the SDK's adaptive mode), a few more than the default. */
export const AWS_RETRY: Readonly<AwsRetry> = Object.freeze({ maxAttempts: 6, retryMode: 'adaptive' });

export interface AwsClientOptions {
  region: string;
  endpoints?: AwsEndpoints | undefined;
  /** Path-style S3 addressing (most S3-compatible servers need it). */
  usePathStyle?: boolean | undefined;
  /** Default AWS_RETRY. */
  retry?: AwsRetry | undefined;
  /**
   * Prefix of the assumed roles' session name, so CloudTrail tells who assumed the role
   * (`<prefix>-<pid>`); default `tfo`.
   */
  sessionName?: string | undefined;
}

/** What an IAM role ARN looks like (any partition). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

/** The HTTP status of an SDK error, if it has one. */
export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}
