// What a unary gRPC call over HTTP/2 ended with, decided from what was seen on the stream: pure, so
// every odd server answer has a unit test (docs/REFERENCE.md §13: PROTOCOL-HTTP2.md,
// http-grpc-status-mapping.md, and @grpc/grpc-js's choices where the spec leaves them open).
import { ErrorCode } from "./h2-frames.js";
import { GrpcStatus } from "./types.js";

/** grpc-js's default grpc.max_receive_message_length: larger replies are RESOURCE_EXHAUSTED. */
export const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/** What one call saw; every field is as received (nothing trusted). */
export interface Observed {
  /** :status of the response headers; undefined when no response came. */
  httpStatus: number | undefined;
  contentType: string | undefined;
  /** grpc-status from the trailers (or from a trailers-only response); undefined when absent. */
  grpcStatus: string | undefined;
  grpcMessage: string;
  grpcEncoding: string | undefined;
  /** The response body (at most one maximal message and its prefix; see tooLarge). */
  body: Uint8Array;
  /** RST_STREAM code the stream closed with (0 = NO_ERROR). */
  rstCode: number;
  /** The connection went away (socket closed, session destroyed, GOAWAY) before the call ended. */
  dropped: boolean;
}

export type Outcome = { ok: true; message: Uint8Array } | { ok: false; code: number; details: string };

const fail = (code: number, details: string): Outcome => ({ ok: false, code, details });

/** http-grpc-status-mapping.md: only for responses without grpc-status. */
export function httpToGrpc(status: number): number {
  switch (status) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** A stream that ended without a gRPC status: the reset code, as grpc-js maps it. */
function fromReset(o: Observed): Outcome {
  if (o.dropped) return fail(GrpcStatus.UNAVAILABLE, "Connection dropped");
  switch (o.rstCode) {
    case ErrorCode.REFUSED_STREAM:
      return fail(GrpcStatus.UNAVAILABLE, "Stream refused by server");
    case ErrorCode.CANCEL:
      return fail(GrpcStatus.CANCELLED, "Call cancelled");
    case ErrorCode.ENHANCE_YOUR_CALM:
      return fail(GrpcStatus.RESOURCE_EXHAUSTED, "Bandwidth exhausted or memory limit exceeded");
    case ErrorCode.INADEQUATE_SECURITY:
      return fail(GrpcStatus.PERMISSION_DENIED, "Protocol not secure enough");
    case ErrorCode.NO_ERROR:
      // The spec's table maps a 200 without grpc-status to UNKNOWN (grpc-js says INTERNAL).
      return fail(GrpcStatus.UNKNOWN, "the server sent no grpc-status");
    default:
      return fail(GrpcStatus.INTERNAL, `Received RST_STREAM with code ${o.rstCode}`);
  }
}

/** A declared message length over the cap (checked as data arrives, too). */
export function tooLarge(length: number): Outcome {
  return fail(GrpcStatus.RESOURCE_EXHAUSTED, `Received message larger than max (${length} vs ${MAX_REPLY_BYTES})`);
}

/** Exactly one uncompressed length-prefixed message, and nothing after it. */
export function oneMessage(body: Uint8Array, grpcEncoding: string | undefined): Outcome {
  if (body.length < 5) return fail(GrpcStatus.UNIMPLEMENTED, "No message received");
  const flag = body[0] as number;
  if (flag === 1) {
    const why = grpcEncoding === undefined ? "without grpc-encoding" : `with grpc-encoding ${JSON.stringify(grpcEncoding)}, which this client never offered`;
    return fail(GrpcStatus.INTERNAL, `compressed message ${why}`);
  }
  if (flag !== 0) return fail(GrpcStatus.INTERNAL, `invalid compressed-flag byte ${flag}`);
  const length = ((body[1] as number) * 2 ** 24) + (((body[2] as number) << 16) | ((body[3] as number) << 8) | (body[4] as number));
  if (length > MAX_REPLY_BYTES) return tooLarge(length);
  if (body.length < 5 + length) return fail(GrpcStatus.UNIMPLEMENTED, "No message received");
  if (body.length > 5 + length) return fail(GrpcStatus.UNIMPLEMENTED, "Too many responses received");
  return { ok: true, message: body.subarray(5) };
}

export const isGrpcContentType = (ct: string | undefined): boolean => ct !== undefined && /^application\/grpc($|[+;])/.test(ct);

export function outcome(o: Observed): Outcome {
  if (o.httpStatus === undefined) return fromReset(o);
  // A peer that is no gRPC server (a proxy's error page, another service): the HTTP status decides.
  if (!isGrpcContentType(o.contentType)) {
    return fail(httpToGrpc(o.httpStatus), `unexpected content-type ${JSON.stringify(o.contentType ?? "")} (HTTP status ${o.httpStatus})`);
  }
  if (o.grpcStatus !== undefined) {
    const code = /^\d{1,2}$/.test(o.grpcStatus) ? Number(o.grpcStatus) : GrpcStatus.UNKNOWN;
    if (code !== 0) return fail(code, o.grpcMessage === "" ? `status ${code}` : o.grpcMessage);
    return oneMessage(o.body, o.grpcEncoding);
  }
  if (o.httpStatus !== 200) return fail(httpToGrpc(o.httpStatus), `Received HTTP status code ${o.httpStatus}`);
  return fromReset(o);
}
