// rpc.CNIBackend on top of the backend: the ClientVersion check first, as ipamd's validateVersion
// (docs/REFERENCE.md §2), then AddNetwork/DelNetwork. A refused ADD (Success=false, the real reply,
// which has no reason field) carries our explanation in trailing metadata that real clients ignore
// and mock-vpc-cni puts in the CNI error's details (proto/trailers.ts).

import * as grpc from "@grpc/grpc-js";
import type { AddNetworkResult, Backend } from "../backend/index.js";
import type { AddNetworkReply, AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../proto/rpc.js";
import { FAILURE_DETAILS_KEY, FAILURE_REASON_KEY } from "../../proto/trailers.js";
import type { HandlerLog, Replied } from "./handlers.js";
import { unary, unaryWithTrailer } from "./handlers.js";
import { statusError } from "./status.js";

export function checkClientVersion(got: unknown, want: string): void {
  if (got !== want) {
    throw statusError(grpc.status.FAILED_PRECONDITION, `wrong client version ${JSON.stringify(String(got ?? ""))} (!= ${JSON.stringify(want)})`);
  }
}

export function cniBackendHandlers(backend: Backend, version: string, log: HandlerLog): grpc.UntypedServiceImplementation {
  return {
    AddNetwork: unaryWithTrailer<AddNetworkRequest, AddNetworkReply>("AddNetwork", "cni", log, async (req, signal) => {
      checkClientVersion(req.ClientVersion, version);
      return withFailureTrailer(await backend.addNetwork(req, signal));
    }),
    DelNetwork: unary<DelNetworkRequest, DelNetworkReply>("DelNetwork", "cni", log, (req, signal) => {
      checkClientVersion(req.ClientVersion, version);
      return backend.delNetwork(req, signal);
    }),
  };
}

/** Splits the backend's result into the wire reply and the harness-add-failure-* trailers. */
export function withFailureTrailer(result: AddNetworkResult): Replied<AddNetworkReply> {
  const { failure, ...reply } = result;
  if (failure === undefined || reply.Success) return { reply };
  const trailer = new grpc.Metadata();
  trailer.set(FAILURE_REASON_KEY, failure.reason);
  // Non-binary metadata values must be printable ASCII (grpc-js throws on anything else).
  trailer.set(FAILURE_DETAILS_KEY, failure.details.replace(/[^ -~]+/g, " "));
  return { reply, trailer };
}
