// The one error type of the daemon, controller, cluster store and harness (the plugin has its own,
// CniError, because its codes are the CNI spec's wire protocol).

export type HarnessErrorKind =
  | "invalid-config"
  | "invalid-argument"
  /** A well-formed object that fails validation (the API server's 422 Invalid). */
  | "invalid"
  | "not-found"
  | "already-exists"
  | "conflict"
  /** A resourceVersion too old to watch from (the API server's 410 Gone / Expired). */
  | "expired"
  | "unauthorized"
  | "forbidden"
  | "method-not-allowed"
  | "unsupported-media-type"
  | "too-large"
  | "too-many-requests"
  | "exhausted"
  | "unavailable"
  | "deadline"
  | "internal";

/** One field-level reason for an "invalid" error (metav1.StatusCause). */
export interface ErrorCause {
  field: string;
  message: string;
  /** e.g. FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate. */
  reason: string;
}

export class HarnessError extends Error {
  override readonly name = "HarnessError";
  readonly kind: HarnessErrorKind;
  readonly details: string | undefined;
  readonly causes: readonly ErrorCause[] | undefined;

  constructor(kind: HarnessErrorKind, message: string, options?: { details?: string; cause?: unknown; causes?: readonly ErrorCause[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.details = options?.details;
    this.causes = options?.causes;
  }
}

export function isHarnessError(e: unknown): e is HarnessError {
  return e instanceof HarnessError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
