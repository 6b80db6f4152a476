// The one error type of the daemon, controller, cluster store and harness (the plugin has its own,
// CniError, because its codes are the CNI spec's wire protocol).

export type HarnessErrorKind =
  | "invalid-config"
  | "invalid-argument"
  | "not-found"
  | "already-exists"
  | "conflict"
  | "exhausted"
  | "unavailable"
  | "deadline"
  | "internal";

export class HarnessError extends Error {
  override readonly name = "HarnessError";
  readonly kind: HarnessErrorKind;
  readonly details: string | undefined;

  constructor(kind: HarnessErrorKind, message: string, options?: { details?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.details = options?.details;
  }
}

export function isHarnessError(e: unknown): e is HarnessError {
  return e instanceof HarnessError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
