// rpc.CNIBackend on top of the backend: the ClientVersion check first, as ipamd's validateVersion
// (FACTS.md section 2), then AddNetwork/DelNetwork.

import * as grpc from "@grpc/grpc-js";
import type { Backend } from "../backend/index.js";
import type { AddNetworkReply, AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../proto/rpc.js";
import type { HandlerLog } from "./handlers.js";
import { unary } from "./handlers.js";
import { statusError } from "./status.js";

export function checkClientVersion(got: unknown, want: string): void {
  if (got !== want) {
    throw statusError(grpc.status.FAILED_PRECONDITION, `wrong client version ${JSON.stringify(String(got ?? ""))} (!= ${JSON.stringify(want)})`);
  }
}

export function cniBackendHandlers(backend: Backend, version: string, log: HandlerLog): grpc.UntypedServiceImplementation {
  return {
    AddNetwork: unary<AddNetworkRequest, AddNetworkReply>("AddNetwork", "cni", log, (req, signal) => {
      checkClientVersion(req.ClientVersion, version);
      return backend.addNetwork(req, signal);
    }),
    DelNetwork: unary<DelNetworkRequest, DelNetworkReply>("DelNetwork", "cni", log, (req, signal) => {
      checkClientVersion(req.ClientVersion, version);
      return backend.delNetwork(req, signal);
    }),
  };
}
