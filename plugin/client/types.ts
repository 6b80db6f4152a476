// What the verbs ask of ipamd (rpc.CNIBackend + health), independent of gRPC, so tests pass a
// hand-written fake and the verbs never import grpc-js.
import { clip } from "../../common/boundary/parsed.js";
import type { AddNetworkReply, AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../proto/rpc.js";

/**
 * Why ipamd answered Success=false, when the daemon says so: mock-ipamd may send the trailing
 * metadata keys below (the real ipamd sends nothing; its reply has no reason field).
 */
export interface FailureNote {
  reason: string;
  details: string;
}
export { FAILURE_DETAILS_KEY, FAILURE_REASON_KEY } from "../../proto/trailers.js";

export interface IpamdClientOptions {
  /** `unix:///path` or `host:port` (grpc-js target syntax). */
  address: string;
  /** Deadline of each call, from netconf ipamdTimeout. */
  timeoutMs: number;
  now?: () => number;
}

export type AddNetworkOutcome = AddNetworkReply & { note?: FailureNote };

export interface IpamdClient {
  /** The address it dials, for error details. */
  readonly address: string;
  addNetwork(req: AddNetworkRequest, signal?: AbortSignal): Promise<AddNetworkOutcome>;
  delNetwork(req: DelNetworkRequest, signal?: AbortSignal): Promise<DelNetworkReply>;
  /** grpc.health.v1 Check; true when the service answers SERVING. */
  isServing(service: string, signal?: AbortSignal): Promise<boolean>;
  close(): void;
}

/** gRPC status codes the verbs distinguish (grpc/doc/statuscodes.md). */
export const GrpcStatus = {
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const CODE_NAMES = [
  "OK",
  "Canceled",
  "Unknown",
  "InvalidArgument",
  "DeadlineExceeded",
  "NotFound",
  "AlreadyExists",
  "PermissionDenied",
  "ResourceExhausted",
  "FailedPrecondition",
  "Aborted",
  "OutOfRange",
  "Unimplemented",
  "Internal",
  "Unavailable",
  "DataLoss",
  "Unauthenticated",
];

/** Go's codes.Code String() names, as they appear in Go's status error text. */
export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? `Code(${code})`;
}

/** A failed call: the gRPC status, the daemon's text, and what was being done against which address. */
export class IpamdError extends Error {
  override readonly name = "IpamdError";
  readonly grpcCode: number;
  readonly method: string;
  readonly address: string;
  /** The daemon's error text (e.g. `datastore: unknown pod`). */
  readonly grpcDetails: string;

  constructor(method: string, address: string, grpcCode: number, grpcDetails: string, cause?: unknown) {
    const text = clip(grpcDetails, 1024);
    // Go's status text (`rpc error: code = Unavailable desc = ...`), what aws-cni's errors wrap.
    super(`rpc error: code = ${grpcCodeName(grpcCode)} desc = ${text}`, cause === undefined ? undefined : { cause });
    this.grpcCode = grpcCode;
    this.method = method;
    this.address = address;
    this.grpcDetails = text;
  }

  /** Not reached, or no answer in time: the runtime should try again later (CNI code 11). */
  get unreachable(): boolean {
    return this.grpcCode === GrpcStatus.UNAVAILABLE || this.grpcCode === GrpcStatus.DEADLINE_EXCEEDED;
  }
}

export function isIpamdError(e: unknown): e is IpamdError {
  return e instanceof IpamdError;
}
