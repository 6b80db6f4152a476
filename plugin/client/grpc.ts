// The ipamd client over @grpc/grpc-js: unary calls with hand-written serializers (wire.ts, no .proto
// parsing at start-up), a deadline on every call and cancellation through an AbortSignal.
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import {
  ADD_NETWORK_PATH,
  DEL_NETWORK_PATH,
  type AddNetworkReply,
  type AddNetworkRequest,
  type DelNetworkReply,
  type DelNetworkRequest,
} from "../../proto/rpc.js";
import {
  AddNetworkReplySpec,
  AddNetworkRequestSpec,
  DelNetworkReplySpec,
  DelNetworkRequestSpec,
  HEALTH_CHECK_PATH,
  HealthCheckRequestSpec,
  HealthCheckResponseSpec,
  SERVING,
} from "./schema.js";
import { GrpcStatus, IpamdError, type IpamdClient } from "./types.js";
import { decodeMessage, encodeMessage, type MessageSpec } from "./wire.js";

export interface IpamdClientOptions {
  /** `unix:///path` or `host:port` (grpc-js target syntax). */
  address: string;
  /** Deadline of each call, from netconf ipamdTimeout. */
  timeoutMs: number;
  now?: () => number;
}

export function createIpamdClient(opts: IpamdClientOptions): IpamdClient {
  const client = new Client(opts.address, credentials.createInsecure(), {
    // One short-lived process per verb: no retries or keepalive state worth having.
    "grpc.enable_retries": 0,
    "grpc.service_config_disable_resolution": 1,
  });
  const now = opts.now ?? Date.now;

  function unary<Req extends object, Res>(path: string, reqSpec: MessageSpec, resSpec: MessageSpec, req: Req, signal?: AbortSignal): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new IpamdError(path, opts.address, GrpcStatus.CANCELLED, "aborted before the call", signal.reason));
        return;
      }
      const call = client.makeUnaryRequest<Req, Res>(
        path,
        (v) => Buffer.from(encodeMessage(reqSpec, v as Record<string, unknown>)),
        (buf) => decodeMessage(resSpec, buf) as Res,
        req,
        new Metadata(),
        { deadline: now() + opts.timeoutMs },
        (err: ServiceError | null, res?: Res) => {
          signal?.removeEventListener("abort", onAbort);
          if (err !== null) reject(new IpamdError(path, opts.address, err.code, err.details, err));
          else if (res === undefined) reject(new IpamdError(path, opts.address, GrpcStatus.INTERNAL, "empty response"));
          else resolve(res);
        },
      );
      const onAbort = (): void => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  return {
    address: opts.address,
    addNetwork: (req: AddNetworkRequest, signal?: AbortSignal) =>
      unary<AddNetworkRequest, AddNetworkReply>(ADD_NETWORK_PATH, AddNetworkRequestSpec, AddNetworkReplySpec, req, signal),
    delNetwork: (req: DelNetworkRequest, signal?: AbortSignal) =>
      unary<DelNetworkRequest, DelNetworkReply>(DEL_NETWORK_PATH, DelNetworkRequestSpec, DelNetworkReplySpec, req, signal),
    async isServing(service: string, signal?: AbortSignal) {
      const res = await unary<{ service: string }, { status: number }>(
        HEALTH_CHECK_PATH,
        HealthCheckRequestSpec,
        HealthCheckResponseSpec,
        { service },
        signal,
      );
      return res.status === SERVING;
    },
    close: () => client.close(),
  };
}
