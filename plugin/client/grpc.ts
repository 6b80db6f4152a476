// The ipamd client over @grpc/grpc-js: unary calls with hand-written serializers (wire.ts, no .proto
// parsing at start-up), a deadline on every call and cancellation through an AbortSignal.
import { Client, credentials, Metadata, type ServiceError, type StatusObject } from "@grpc/grpc-js";
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
import {
  FAILURE_DETAILS_KEY,
  FAILURE_REASON_KEY,
  GrpcStatus,
  IpamdError,
  type AddNetworkOutcome,
  type IpamdClient,
  type IpamdClientOptions,
} from "./types.js";
import { decodeMessage, encodeMessage, type MessageSpec } from "./wire.js";

export function createIpamdClient(opts: IpamdClientOptions): IpamdClient {
  const client = new Client(opts.address, credentials.createInsecure(), {
    // One short-lived process per verb: no retries or keepalive state worth having.
    "grpc.enable_retries": 0,
    "grpc.service_config_disable_resolution": 1,
  });
  const now = opts.now ?? Date.now;

  interface Answer<Res> {
    res: Res;
    trailers: Metadata;
  }

  function unary<Req extends object, Res>(path: string, reqSpec: MessageSpec, resSpec: MessageSpec, req: Req, signal?: AbortSignal): Promise<Answer<Res>> {
    return new Promise<Answer<Res>>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new IpamdError(path, opts.address, GrpcStatus.CANCELLED, "aborted before the call", signal.reason));
        return;
      }
      let got: Res | undefined;
      let trailers: Metadata | undefined;
      const call = client.makeUnaryRequest<Req, Res>(
        path,
        (v) => Buffer.from(encodeMessage(reqSpec, v as Record<string, unknown>)),
        (buf) => decodeMessage(resSpec, buf) as Res,
        req,
        new Metadata(),
        { deadline: now() + opts.timeoutMs },
        (err: ServiceError | null, res?: Res) => {
          signal?.removeEventListener("abort", onAbort);
          // grpc-js appends an empty "Resolution note: " to connection errors; drop it. Some of its
          // errors (a compressed message it cannot decode) come without details: never throw here.
          if (err !== null) {
            const details = String(err.details ?? err.message ?? "").replace(/\s*Resolution note:\s*$/, "");
            reject(new IpamdError(path, opts.address, err.code ?? GrpcStatus.UNKNOWN, details, err));
          }
          else if (res === undefined) reject(new IpamdError(path, opts.address, GrpcStatus.INTERNAL, "empty response"));
          else if (trailers !== undefined) resolve({ res, trailers });
          else got = res;
        },
      );
      // grpc-js emits "status" (with the trailers) right after the callback; either order works.
      call.on("status", (st: StatusObject) => {
        trailers = st.metadata;
        if (got !== undefined) resolve({ res: got, trailers });
      });
      const onAbort = (): void => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  async function addNetwork(req: AddNetworkRequest, signal?: AbortSignal): Promise<AddNetworkOutcome> {
    const { res, trailers } = await unary<AddNetworkRequest, AddNetworkReply>(
      ADD_NETWORK_PATH,
      AddNetworkRequestSpec,
      AddNetworkReplySpec,
      req,
      signal,
    );
    const reason = trailers.get(FAILURE_REASON_KEY)[0];
    if (res.Success || reason === undefined) return res;
    return { ...res, note: { reason: String(reason), details: String(trailers.get(FAILURE_DETAILS_KEY)[0] ?? "") } };
  }

  return {
    address: opts.address,
    addNetwork,
    delNetwork: async (req: DelNetworkRequest, signal?: AbortSignal) =>
      (await unary<DelNetworkRequest, DelNetworkReply>(DEL_NETWORK_PATH, DelNetworkRequestSpec, DelNetworkReplySpec, req, signal)).res,
    async isServing(service: string, signal?: AbortSignal) {
      const { res } = await unary<{ service: string }, { status: number }>(
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
