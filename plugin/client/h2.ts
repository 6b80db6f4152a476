// The default ipamd client: gRPC's unary calls spoken directly over node:http2 (PROTOCOL-HTTP2.md:
// POST, application/grpc, 5-byte length prefix, grpc-status trailers), because loading
// @grpc/grpc-js costs every plugin exec about twice the CPU (README, Performance). Its error paths
// follow the spec and grpc-js (grpc-status.ts, docs/REFERENCE.md §10): one session per client,
// dropped on GOAWAY, close or error; replies capped at 4 MiB; exactly one message.
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { connect as netConnect } from "node:net";
import {
  ADD_NETWORK_PATH,
  DEL_NETWORK_PATH,
  type AddNetworkReply,
  type AddNetworkRequest,
  type DelNetworkReply,
  type DelNetworkRequest,
} from "../../proto/rpc.js";
import { httpToGrpc, isGrpcContentType, MAX_REPLY_BYTES, outcome, tooLarge, type Observed, type Outcome } from "./grpc-status.js";
import * as S from "./schema.js";
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

function openSession(address: string): ClientHttp2Session {
  if (address.startsWith("unix://")) {
    const path = address.slice("unix://".length);
    return connect("http://localhost", { createConnection: () => netConnect(path) });
  }
  return connect(`http://${address}`);
}

/**
 * grpc-message is percent-encoded (PROTOCOL-HTTP2.md), but a peer may send a raw "%": then the
 * text is kept as sent, since a throw in the stream's close handler would crash the plugin.
 */
export function grpcMessage(raw: string | string[] | undefined): string {
  const text = String(raw ?? "");
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** grpc-timeout: at most 8 digits (PROTOCOL-HTTP2.md), so long deadlines go in seconds. */
export function grpcTimeout(ms: number): string {
  const m = Math.max(1, Math.ceil(ms));
  return m <= 99_999_999 ? `${m}m` : `${Math.min(99_999_999, Math.ceil(m / 1000))}S`;
}

/** One HTTP/2 session per client, opened on first use; a session that got GOAWAY, closed or failed is never reused. */
class Sessions {
  #session: ClientHttp2Session | undefined;
  constructor(readonly address: string) {}

  get(): ClientHttp2Session {
    const live = this.#session;
    if (live !== undefined && !live.closed && !live.destroyed) return live;
    const s = openSession(this.address);
    const drop = (): void => {
      if (this.#session === s) this.#session = undefined;
    };
    // Never an unhandled 'error': each call sees it through its own listeners (call below).
    s.on("error", drop);
    s.on("goaway", drop);
    s.on("close", drop);
    this.#session = s;
    return s;
  }

  close(): void {
    this.#session?.close();
  }
}

const header = (h: IncomingHttpHeaders, k: string): string | undefined => {
  const v = h[k];
  return v === undefined ? undefined : String(v);
};

/** How a call ended, with the response's headers and trailers (mock-ipamd's explanation travels there). */
type Answer = Outcome & { metadata: IncomingHttpHeaders };

/** One unary call: frames the message, sends it with grpc-timeout, settles once on the first outcome. */
function call(sessions: Sessions, timeoutMs: number, path: string, message: Uint8Array, signal?: AbortSignal): Promise<Answer> {
  return new Promise<Answer>((resolve) => {
    let metadata: IncomingHttpHeaders = {};
    const fail = (code: number, details: string): Outcome => ({ ok: false, code, details });
    if (signal?.aborted) return resolve({ ...fail(GrpcStatus.CANCELLED, "aborted before the call"), metadata });
    let s: ClientHttp2Session;
    try {
      s = sessions.get();
    } catch (e) {
      return resolve({ ...fail(GrpcStatus.UNAVAILABLE, `connection error: ${e instanceof Error ? e.message : String(e)}`), metadata });
    }
    const seen: Observed = { httpStatus: undefined, contentType: undefined, grpcStatus: undefined, grpcMessage: "", grpcEncoding: undefined, body: new Uint8Array(0), rstCode: 0, dropped: false };
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (o: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      s.off("error", onSessionError).off("close", onSessionClose);
      resolve({ ...o, metadata });
    };
    // Connection failures (no socket, refused, reset) are gRPC's UNAVAILABLE.
    const onSessionError = (e: Error): void => {
      seen.dropped = true;
      done(fail(GrpcStatus.UNAVAILABLE, `connection error: ${e.message}`));
    };
    const onSessionClose = (): void => void (seen.dropped = true);
    s.on("error", onSessionError).on("close", onSessionClose);
    const req = s.request({
      [constants.HTTP2_HEADER_METHOD]: "POST",
      [constants.HTTP2_HEADER_PATH]: path,
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": grpcTimeout(timeoutMs),
    });
    const cancel = (o: Outcome): void => {
      req.close(constants.NGHTTP2_CANCEL);
      done(o);
    };
    const timer = setTimeout(() => cancel(fail(GrpcStatus.DEADLINE_EXCEEDED, "Deadline exceeded")), timeoutMs);
    const onAbort = (): void => cancel(fail(GrpcStatus.CANCELLED, "Cancelled on client"));
    signal?.addEventListener("abort", onAbort, { once: true });
    const onMetadata = (h: IncomingHttpHeaders): void => {
      metadata = { ...metadata, ...h };
      seen.grpcStatus = header(h, "grpc-status") ?? seen.grpcStatus;
      if (h["grpc-message"] !== undefined) seen.grpcMessage = grpcMessage(h["grpc-message"]);
    };
    req.on("response", (h) => {
      seen.httpStatus = Number(h[":status"]);
      seen.contentType = header(h, "content-type");
      seen.grpcEncoding = header(h, "grpc-encoding");
      onMetadata(h); // a trailers-only response carries grpc-status here
    });
    req.on("trailers", onMetadata);
    req.on("data", (c: Buffer) => {
      size += c.length;
      // Not gRPC (a proxy's error page): the body is no message; outcome() decides by HTTP status.
      if (!isGrpcContentType(seen.contentType)) {
        if (size > MAX_REPLY_BYTES) cancel(outcome({ ...seen, body: new Uint8Array(0) }));
        return;
      }
      chunks.push(c);
      if (size < 5) return;
      const declared = (chunks.length === 1 ? c : Buffer.concat(chunks)).readUInt32BE(1);
      // Never buffer more than one maximal message: refuse at the length prefix (grpc-js's cap);
      // an HTTP error page parsed as a prefix reports the HTTP status instead, as grpc-js does.
      if (declared <= MAX_REPLY_BYTES && size <= 5 + MAX_REPLY_BYTES + 5) return;
      const http = seen.httpStatus;
      cancel(http !== undefined && http !== 200 ? fail(httpToGrpc(http), `Received HTTP status code ${http}`) : tooLarge(Math.max(declared, size - 5)));
    });
    // Resets arrive as 'error' (ERR_HTTP2_STREAM_ERROR) and then 'close' with rstCode: decided there.
    req.on("error", () => {});
    req.on("close", () => {
      seen.rstCode = req.rstCode ?? 0;
      seen.body = Buffer.concat(chunks);
      // A session 'close' or 'error' emitted in the same turn marks the connection dropped first.
      setImmediate(() => done(outcome(seen)));
    });
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    req.end(frame);
  });
}

export function createH2IpamdClient(opts: IpamdClientOptions): IpamdClient {
  const sessions = new Sessions(opts.address);

  async function unary<Res>(path: string, reqSpec: MessageSpec, resSpec: MessageSpec, req: object, signal?: AbortSignal): Promise<{ res: Res; metadata: IncomingHttpHeaders }> {
    const a = await call(sessions, opts.timeoutMs, path, encodeMessage(reqSpec, req as Record<string, unknown>), signal);
    if (!a.ok) throw new IpamdError(path, opts.address, a.code, a.details);
    try {
      return { res: decodeMessage(resSpec, a.message) as Res, metadata: a.metadata };
    } catch (e) {
      throw new IpamdError(path, opts.address, GrpcStatus.INTERNAL, `cannot decode the response: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  }

  return {
    address: opts.address,
    async addNetwork(req: AddNetworkRequest, signal?: AbortSignal): Promise<AddNetworkOutcome> {
      const { res, metadata } = await unary<AddNetworkReply>(ADD_NETWORK_PATH, S.AddNetworkRequestSpec, S.AddNetworkReplySpec, req, signal);
      const reason = metadata[FAILURE_REASON_KEY];
      if (res.Success || reason === undefined) return res;
      return { ...res, note: { reason: String(reason), details: String(metadata[FAILURE_DETAILS_KEY] ?? "") } };
    },
    async delNetwork(req: DelNetworkRequest, signal?: AbortSignal): Promise<DelNetworkReply> {
      return (await unary<DelNetworkReply>(DEL_NETWORK_PATH, S.DelNetworkRequestSpec, S.DelNetworkReplySpec, req, signal)).res;
    },
    async isServing(service: string, signal?: AbortSignal): Promise<boolean> {
      const { res } = await unary<{ status: number }>(S.HEALTH_CHECK_PATH, S.HealthCheckRequestSpec, S.HealthCheckResponseSpec, { service }, signal);
      return res.status === S.SERVING;
    },
    close: () => sessions.close(),
  };
}
