// An alternative ipamd client speaking gRPC's unary HTTP/2 framing directly over node:http2
// (PROTOCOL-HTTP2.md: POST, application/grpc, 5-byte length prefix, grpc-status trailers), for
// start-up: measured here it costs about half the CPU of loading @grpc/grpc-js. Selected with
// netconf `"ipamdTransport": "http2"`; the verbs see the same IpamdClient either way.
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

interface Answer {
  body: Buffer;
  trailers: IncomingHttpHeaders;
}

function openSession(address: string): ClientHttp2Session {
  if (address.startsWith("unix://")) {
    const path = address.slice("unix://".length);
    return connect("http://localhost", { createConnection: () => netConnect(path) });
  }
  return connect(`http://${address}`);
}

/** The first length-prefixed message of a gRPC response body (unary: exactly one). */
function unframe(body: Buffer): Buffer {
  if (body.length < 5) return Buffer.alloc(0);
  if (body[0] !== 0) throw new Error("compressed gRPC messages are not supported");
  return body.subarray(5, 5 + body.readUInt32BE(1));
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

/** One HTTP/2 session per client, opened on first use and again after a connection error. */
class Sessions {
  #session: ClientHttp2Session | undefined;
  constructor(readonly address: string) {}

  get(): ClientHttp2Session {
    if (this.#session === undefined) {
      const s = openSession(this.address);
      // Never an unhandled 'error': each call reports it through its own listener (call below).
      s.on("error", () => {
        if (this.#session === s) this.#session = undefined;
      });
      this.#session = s;
    }
    return this.#session;
  }

  close(): void {
    this.#session?.close();
  }
}

type Fail = (code: number, text: string, cause?: unknown) => IpamdError;

/** One unary call: frames the message, sends it with grpc-timeout, settles once on the first outcome. */
function call(sessions: Sessions, timeoutMs: number, path: string, message: Uint8Array, fail: Fail, signal?: AbortSignal): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    if (signal?.aborted) return reject(fail(GrpcStatus.CANCELLED, "aborted before the call", signal.reason));
    const s = sessions.get();
    let settled = false;
    const done = (e: IpamdError | undefined, a?: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (e !== undefined) reject(e);
      else resolve(a as Answer);
    };
    // Connection failures (no socket, refused) are gRPC's UNAVAILABLE.
    const onSessionError = (e: Error): void => done(fail(GrpcStatus.UNAVAILABLE, `connection error: ${e.message}`, e));
    s.once("error", onSessionError);
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    const req = s.request({
      [constants.HTTP2_HEADER_METHOD]: "POST",
      [constants.HTTP2_HEADER_PATH]: path,
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": `${Math.max(1, Math.ceil(timeoutMs))}m`,
    });
    const timer = setTimeout(() => {
      req.close(constants.NGHTTP2_CANCEL);
      done(fail(GrpcStatus.DEADLINE_EXCEEDED, "Deadline exceeded"));
    }, timeoutMs);
    const onAbort = (): void => {
      req.close(constants.NGHTTP2_CANCEL);
      done(fail(GrpcStatus.CANCELLED, "Cancelled on client"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const chunks: Buffer[] = [];
    let headers: IncomingHttpHeaders = {};
    req.on("response", (h) => (headers = h));
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("trailers", (t) => (headers = { ...headers, ...t }));
    req.on("error", (e) => done(fail(GrpcStatus.UNAVAILABLE, e.message, e)));
    req.on("close", () => {
      s.off("error", onSessionError);
      // A trailers-only response carries grpc-status in the headers.
      const status = Number(headers["grpc-status"] ?? GrpcStatus.UNKNOWN);
      const text = grpcMessage(headers["grpc-message"]);
      if (status !== 0) return done(fail(status, text === "" ? `status ${status}` : text));
      done(undefined, { body: Buffer.concat(chunks), trailers: headers });
    });
    req.end(frame);
  });
}

export function createH2IpamdClient(opts: IpamdClientOptions): IpamdClient {
  const sessions = new Sessions(opts.address);

  async function unary<Res>(path: string, reqSpec: MessageSpec, resSpec: MessageSpec, req: object, signal?: AbortSignal): Promise<{ res: Res; trailers: IncomingHttpHeaders }> {
    const fail: Fail = (code, text, cause) => new IpamdError(path, opts.address, code, text, cause);
    const a = await call(sessions, opts.timeoutMs, path, encodeMessage(reqSpec, req as Record<string, unknown>), fail, signal);
    try {
      return { res: decodeMessage(resSpec, unframe(a.body)) as Res, trailers: a.trailers };
    } catch (e) {
      throw fail(GrpcStatus.INTERNAL, `cannot decode the response: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  }

  return {
    address: opts.address,
    async addNetwork(req: AddNetworkRequest, signal?: AbortSignal): Promise<AddNetworkOutcome> {
      const { res, trailers } = await unary<AddNetworkReply>(ADD_NETWORK_PATH, S.AddNetworkRequestSpec, S.AddNetworkReplySpec, req, signal);
      const reason = trailers[FAILURE_REASON_KEY];
      if (res.Success || reason === undefined) return res;
      return { ...res, note: { reason: String(reason), details: String(trailers[FAILURE_DETAILS_KEY] ?? "") } };
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
