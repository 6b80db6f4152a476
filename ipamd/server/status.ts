// Maps errors to gRPC statuses. rpc.CNIBackend keeps grpc-go's behaviour: an error that is not a
// status (e.g. `datastore: unknown pod`) reaches the client as code UNKNOWN with the bare message,
// which is what the plugin string-matches (docs/REFERENCE.md §1.5). Unexpected exceptions become
// INTERNAL with their message, and are logged.

import * as grpc from "@grpc/grpc-js";
import { clip } from "../../common/boundary/index.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import type { HarnessErrorKind } from "../../common/errors.js";

export interface StatusError {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

const CONTROL_CODES: Record<HarnessErrorKind, grpc.status> = {
  "invalid-config": grpc.status.INVALID_ARGUMENT,
  "invalid-argument": grpc.status.INVALID_ARGUMENT,
  invalid: grpc.status.INVALID_ARGUMENT,
  "not-found": grpc.status.NOT_FOUND,
  "already-exists": grpc.status.ALREADY_EXISTS,
  conflict: grpc.status.FAILED_PRECONDITION,
  expired: grpc.status.OUT_OF_RANGE,
  unauthorized: grpc.status.UNAUTHENTICATED,
  forbidden: grpc.status.PERMISSION_DENIED,
  "method-not-allowed": grpc.status.UNIMPLEMENTED,
  "unsupported-media-type": grpc.status.INVALID_ARGUMENT,
  "too-large": grpc.status.RESOURCE_EXHAUSTED,
  "too-many-requests": grpc.status.RESOURCE_EXHAUSTED,
  exhausted: grpc.status.RESOURCE_EXHAUSTED,
  unavailable: grpc.status.UNAVAILABLE,
  deadline: grpc.status.DEADLINE_EXCEEDED,
  internal: grpc.status.INTERNAL,
};

/**
 * Longest text of a status message or its `details` metadata: grpc-message is a header, percent-
 * encoded; a whole 128 KiB request field copied into it stalled the channel (issue #10).
 */
export const MAX_STATUS_TEXT = 1024;

/** A status for grpc-js callbacks; our explanation (HarnessError.details) travels as metadata `details`. */
export function toStatus(e: unknown, service: "cni" | "control"): StatusError {
  const s = statusOf(e, service);
  return { ...s, details: clip(s.details, MAX_STATUS_TEXT) };
}

/** Non-binary metadata values must be printable ASCII (grpc-js throws on anything else). */
function metadataText(text: string): string {
  return clip(text, MAX_STATUS_TEXT).replace(/[^ -~]+/g, " ");
}

function statusOf(e: unknown, service: "cni" | "control"): StatusError {
  const metadata = new grpc.Metadata();
  if (e instanceof HarnessError) {
    if (e.details !== undefined) metadata.set("details", metadataText(e.details));
    let code = CONTROL_CODES[e.kind];
    // CNIBackend: only argument, availability and precondition errors are statuses in ipamd; the rest are plain Go errors.
    if (service === "cni" && code !== grpc.status.INVALID_ARGUMENT && code !== grpc.status.UNAVAILABLE && code !== grpc.status.FAILED_PRECONDITION) {
      code = grpc.status.UNKNOWN;
    }
    return { code, details: e.message, metadata };
  }
  if (isStatusError(e)) return e;
  return { code: grpc.status.INTERNAL, details: `internal error: ${errorMessage(e)}`, metadata };
}

/** An error that already is a gRPC status (e.g. the ClientVersion check's FAILED_PRECONDITION). */
export class GrpcStatusError extends Error implements StatusError {
  override readonly name = "GrpcStatusError";
  readonly metadata = new grpc.Metadata();
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(details);
  }
}

function isStatusError(e: unknown): e is GrpcStatusError {
  return e instanceof GrpcStatusError;
}

/** Expected failures (logged as warnings), as opposed to unexpected exceptions (errors). */
export function isExpectedError(e: unknown): e is HarnessError | GrpcStatusError {
  return e instanceof HarnessError || e instanceof GrpcStatusError;
}

export function statusError(code: grpc.status, details: string): GrpcStatusError {
  return new GrpcStatusError(code, details);
}
