// Wraps promise-returning handlers for grpc-js: an AbortSignal that fires when the client cancels
// or its deadline passes, every failure turned into a status, unexpected ones logged.

import type * as grpc from "@grpc/grpc-js";
import { HarnessError } from "../../common/errors.js";
import { rejectMalformed } from "./malformed.js";
import { isExpectedError, toStatus } from "./status.js";

export interface HandlerLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function unary<Req, Res>(
  method: string,
  service: "cni" | "control",
  log: HandlerLog,
  fn: (req: Req, signal: AbortSignal) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return unaryWithTrailer<Req, Res>(method, service, log, async (req, signal) => ({ reply: await fn(req, signal) }));
}

/** A reply and, optionally, trailing metadata sent with its OK status. */
export interface Replied<Res> {
  reply: Res;
  trailer?: grpc.Metadata;
}

/** As unary, for handlers that add trailing metadata to a successful reply (grpc-js: callback's third argument). */
export function unaryWithTrailer<Req, Res>(
  method: string,
  service: "cni" | "control",
  log: HandlerLog,
  fn: (req: Req, signal: AbortSignal) => Promise<Replied<Res>>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const ac = new AbortController();
    let answered = false;
    // grpc-js (1.10+) emits "cancelled" whenever the stream closes, also after the reply was sent:
    // only a call still running is aborted (an error with its stack and an abort event per call
    // showed in the daemon's profile under `npm run bench ipamd`).
    call.on("cancelled", () => {
      if (!answered) ac.abort(new HarnessError("deadline", `${method}: cancelled by the client or its deadline passed`));
    });
    Promise.resolve()
      .then(() => {
        rejectMalformed(call.request, method);
        return fn(call.request, ac.signal);
      })
      .then(
        (r) => {
          answered = true;
          if (r.trailer === undefined) callback(null, r.reply);
          else callback(null, r.reply, r.trailer);
        },
        (e: unknown) => {
          answered = true;
          const status = toStatus(e, service);
          if (isExpectedError(e)) log.warn({ method, code: status.code, err: e.message, details: status.metadata.get("details")[0] }, `Rejecting ${method} request: ${e.message}`);
          else log.error({ method, err: e instanceof Error ? e.stack : String(e) }, `${method}: unexpected exception`);
          callback(status);
        },
      );
  };
}
