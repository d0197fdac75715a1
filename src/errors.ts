/**
 * Errors are data: a code, an HTTP status, a message for people and the cause.
 * Every error the app raises on purpose is an {@link AppError} made from this one table;
 * the HTTP layer renders them in exactly one error handler (HTML for pages, JSON for the API).
 *
 * @example
 *   throw new AppError('TooLarge', 'File too large. Maximum 2.0 MB', { cause: err });
 */
export const ERROR_TABLE = {
  // storage
  ObjectNotFound: { status: 404, message: 'The object does not exist.' },
  AccessDenied: { status: 502, message: 'The object store refused access; check the bucket policy and the key permissions.' },
  BadCredentials: { status: 502, message: 'The object store rejected the credentials; check S3_ACCESS_KEY and S3_SECRET_KEY.' },
  StoreUnreachable: { status: 503, message: 'The object store cannot be reached; check S3_ENDPOINT and the network.' },
  BucketMissing: { status: 502, message: 'The bucket does not exist; run `vitrina storage init` or check S3_BUCKET.' },
  TooLarge: { status: 413, message: 'The file is larger than the allowed maximum.' },
  Aborted: { status: 499, message: 'The operation was aborted.' },
  InvalidKey: { status: 400, message: 'The object key is not valid.' },
  StoreError: { status: 502, message: 'The object store answered with an unexpected error.' },
  // http, generic
  BadRequest: { status: 400, message: 'The request is not valid.' },
  Unauthorized: { status: 401, message: 'Log in or send a valid API key.' },
  Forbidden: { status: 403, message: 'You are not allowed to do this.' },
  NotFound: { status: 404, message: 'Not found.' },
  Conflict: { status: 409, message: 'This conflicts with something that already exists.' },
  UnsupportedMediaType: { status: 415, message: 'This type of file is not allowed.' },
  Unprocessable: { status: 422, message: 'The data is not valid.' },
  RequestTimeout: { status: 408, message: 'The request took too long to arrive; check the connection and send it again.' },
  HeadersTooLarge: { status: 431, message: 'The request headers are too large.' },
  Unavailable: { status: 503, message: 'The service is temporarily unavailable; try again shortly.' },
  Internal: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly status: number;
  /** What is wrong with each input field (`{ sale_price: '…' }`), so a client can show every problem at once. */
  readonly fields: Readonly<Record<string, string>> | undefined;
  /** Seconds after which trying again should work (a busy 503): sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; status?: number; fields?: Readonly<Record<string, string>>; retryAfterSeconds?: number },
  ) {
    super(message ?? ERROR_TABLE[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status ?? ERROR_TABLE[code].status;
    this.fields = options?.fields;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
