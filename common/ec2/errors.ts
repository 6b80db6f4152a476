// EC2's wire errors as one type, shared by the fake EC2 (which renders them as the Query API's
// <Response><Errors>…) and the clients (which parse the SDK's errors into it): the real error code,
// EC2's message, the HTTP status and the request id (docs/REFERENCE.md §9).

export class Ec2Error extends Error {
  override readonly name = "Ec2Error";
  /** EC2's <Message> text, without our "api error <Code>:" prefix. */
  readonly ec2Message: string;
  readonly status: number;
  readonly requestId: string;

  constructor(
    readonly code: string,
    message: string,
    options: { status?: number; requestId?: string; cause?: unknown } = {},
  ) {
    // The SDK's error text (aws-sdk-go-v2 style): "api error <Code>: <message>".
    super(`api error ${code}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.ec2Message = message;
    this.status = options.status ?? 400;
    this.requestId = options.requestId ?? "";
  }
}

export function isEc2Error(e: unknown): e is Ec2Error {
  return e instanceof Ec2Error;
}

/** Codes the SDKs' standard retryer retries (throttling and transient server errors). */
export const RETRYABLE_EC2_CODES: ReadonlySet<string> = new Set(["RequestLimitExceeded", "InternalError", "Unavailable"]);
