// grpc-js answers an undecodable request with INTERNAL "Error deserializing request" and no
// detail. We want INVALID_ARGUMENT saying what was wrong, so the deserializers mark the request
// instead of throwing, and the handler rejects it.

import type * as grpc from "@grpc/grpc-js";
import { HarnessError, errorMessage } from "../../common/errors.js";

const MALFORMED = Symbol("malformed");

type Marked = { [MALFORMED]: string };

/** The service definition with every request deserializer made non-throwing. */
export function tolerantService(def: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(def)) {
    const m = method as grpc.MethodDefinition<unknown, unknown>;
    out[name] = {
      ...m,
      requestDeserialize: (buf: Buffer): unknown => {
        try {
          return m.requestDeserialize(buf);
        } catch (e) {
          return { [MALFORMED]: errorMessage(e) } satisfies Marked;
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
}

/** Throws INVALID_ARGUMENT when the request could not be decoded. */
export function rejectMalformed(req: unknown, rpc: string): void {
  if (typeof req === "object" && req !== null && MALFORMED in req) {
    throw new HarnessError("invalid-argument", `${rpc}: malformed request: ${(req as Marked)[MALFORMED]}`, {
      details: "the request is not a valid protobuf message of this RPC's type",
    });
  }
}
