// The default ipamd client: gRPC's unary calls (PROTOCOL-HTTP2.md: POST, application/grpc, 5-byte
// length prefix, grpc-status trailers) over our own small HTTP/2 client (h2-session.ts, HPACK in
// hpack.ts) on Bun's native socket, because loading @grpc/grpc-js, or node:http2 and node:net,
// costs every plugin exec tens of ms of CPU (README, Performance). Its error paths follow the spec
// and grpc-js (grpc-status.ts, docs/REFERENCE.md §13): one session per client, dropped on GOAWAY,
// close or error; replies capped at 4 MiB; exactly one message.
import {
  ADD_NETWORK_PATH,
  DEL_NETWORK_PATH,
  type AddNetworkReply,
  type AddNetworkRequest,
  type DelNetworkReply,
  type DelNetworkRequest,
} from "../../proto/rpc.js";
import { httpToGrpc, isGrpcContentType, MAX_REPLY_BYTES, outcome, tooLarge, type Observed, type Outcome } from "./grpc-status.js";
import { ErrorCode } from "./h2-frames.js";
import { H2Session } from "./h2-session.js";
import type { Header } from "./hpack.js";
import { dial } from "./transport.js";
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

/** One session per client, opened on first use; a session that got GOAWAY, closed or failed is never reused. */
class Sessions {
  #session: Promise<H2Session> | undefined;
  #current: H2Session | undefined;
  constructor(readonly address: string) {}

  get(): Promise<H2Session> {
    if (this.#current !== undefined && !this.#current.usable) this.#forget();
    this.#session ??= dial(this.address).then(
      (d) => {
        const s = new H2Session(d.transport);
        d.attach(s);
        this.#current = s;
        return s;
      },
      (e: unknown) => {
        this.#forget();
        throw e;
      },
    );
    return this.#session;
  }

  #forget(): void {
    this.#session = undefined;
    this.#current = undefined;
  }

  close(): void {
    void this.#session?.then((s) => s.close(), () => {});
    this.#forget();
  }
}

const header = (headers: readonly Header[], k: string): string | undefined => headers.find(([n]) => n === k)?.[1];

/** How a call ended, with the response's headers and trailers (mock-ipamd's explanation travels there). */
type Answer = Outcome & { metadata: Record<string, string>; refused?: boolean };

/**
 * One unary call. A stream the server refused (RST_STREAM REFUSED_STREAM, or past its GOAWAY's last
 * stream) was never processed, so it is sent once more on a new session, as gRPC's transparent
 * retry does; the deadline covers both attempts.
 */
async function call(sessions: Sessions, address: string, timeoutMs: number, path: string, message: Uint8Array, signal?: AbortSignal): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  const first = await attempt(sessions, address, timeoutMs, path, message, signal);
  if (first.ok || first.code !== GrpcStatus.UNAVAILABLE || !first.refused) return first;
  return attempt(sessions, address, Math.max(1, deadline - Date.now()), path, message, signal);
}

/** One attempt: frames the message, sends it with grpc-timeout, settles once on the first outcome. */
async function attempt(sessions: Sessions, address: string, timeoutMs: number, path: string, message: Uint8Array, signal?: AbortSignal): Promise<Answer> {
  const metadata: Record<string, string> = {};
  const fail = (code: number, details: string): Answer => ({ ok: false, code, details, metadata });
  if (signal?.aborted) return fail(GrpcStatus.CANCELLED, "aborted before the call");
  let s: H2Session;
  try {
    s = await sessions.get();
  } catch (e) {
    // Connection failures (no socket, refused) are gRPC's UNAVAILABLE.
    return fail(GrpcStatus.UNAVAILABLE, `connection error: ${e instanceof Error ? e.message : String(e)}`);
  }
  return new Promise<Answer>((resolve) => {
    const seen: Observed = { httpStatus: undefined, contentType: undefined, grpcStatus: undefined, grpcMessage: "", grpcEncoding: undefined, body: new Uint8Array(0), rstCode: 0, dropped: false };
    const chunks: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    /** Settles once; `refused`: the server never processed the stream (call() may retry it). */
    const done = (o: Outcome, refused = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(refused ? { ...o, metadata, refused } : { ...o, metadata });
    };
    const finish = (): void => {
      seen.body = Buffer.concat(chunks);
      done(outcome(seen));
    };
    const cancel = (o: Outcome): void => {
      s.cancel(id);
      done(o);
    };
    const onMetadata = (headers: readonly Header[]): void => {
      for (const [k, v] of headers) metadata[k] = k in metadata ? `${metadata[k]}, ${v}` : v;
      seen.grpcStatus = header(headers, "grpc-status") ?? seen.grpcStatus;
      const msg = header(headers, "grpc-message");
      if (msg !== undefined) seen.grpcMessage = grpcMessage(msg);
    };
    const id = s.request(requestHeaders(address, path, timeoutMs), framed(message), {
      headers(headers, end) {
        if (seen.httpStatus === undefined) {
          seen.httpStatus = Number(header(headers, ":status"));
          seen.contentType = header(headers, "content-type");
          seen.grpcEncoding = header(headers, "grpc-encoding");
        }
        onMetadata(headers); // a trailers-only response carries grpc-status here
        if (end) finish();
      },
      data(chunk, end) {
        size += chunk.length;
        // Not gRPC (a proxy's error page): the body is no message; outcome() decides by HTTP status.
        if (isGrpcContentType(seen.contentType)) {
          chunks.push(chunk);
          const head = size >= 5 ? (chunks.length === 1 ? chunk : Buffer.concat(chunks)) : undefined;
          const declared = head === undefined ? 0 : new DataView(head.buffer, head.byteOffset).getUint32(1);
          // Never buffer more than one maximal message: refuse at the length prefix (grpc-js's cap);
          // an HTTP error page parsed as a prefix reports the HTTP status instead, as grpc-js does.
          if (declared > MAX_REPLY_BYTES || size > 5 + MAX_REPLY_BYTES + 5) {
            const http = seen.httpStatus;
            return cancel(http !== undefined && http !== 200 ? fail(httpToGrpc(http), `Received HTTP status code ${http}`) : tooLarge(Math.max(declared, size - 5)));
          }
        } else if (size > MAX_REPLY_BYTES) {
          return cancel(outcome({ ...seen, body: new Uint8Array(0) }));
        }
        if (end) finish();
      },
      reset(code) {
        seen.rstCode = code;
        if (code === ErrorCode.REFUSED_STREAM) return done(outcome(seen), true);
        finish();
      },
      dropped() {
        seen.dropped = true;
        finish();
      },
      failed(why) {
        done(fail(GrpcStatus.INTERNAL, why));
      },
    });
    const timer = setTimeout(() => cancel(fail(GrpcStatus.DEADLINE_EXCEEDED, "Deadline exceeded")), timeoutMs);
    const onAbort = (): void => cancel(fail(GrpcStatus.CANCELLED, "Cancelled on client"));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** PROTOCOL-HTTP2.md's request headers; :authority names the target (grpc-go sends "localhost" for unix). */
function requestHeaders(address: string, path: string, timeoutMs: number): Header[] {
  return [
    [":method", "POST"],
    [":scheme", "http"],
    [":path", path],
    [":authority", address.startsWith("unix://") ? "localhost" : address],
    ["content-type", "application/grpc"],
    ["te", "trailers"],
    ["grpc-timeout", grpcTimeout(timeoutMs)],
  ];
}

/** The 5-byte prefix (uncompressed) and the message. */
function framed(message: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + message.length);
  new DataView(f.buffer).setUint32(1, message.length);
  f.set(message, 5);
  return f;
}

export function createH2IpamdClient(opts: IpamdClientOptions): IpamdClient {
  const sessions = new Sessions(opts.address);

  async function unary<Res>(path: string, reqSpec: MessageSpec, resSpec: MessageSpec, req: object, signal?: AbortSignal): Promise<{ res: Res; metadata: Record<string, string> }> {
    const a = await call(sessions, opts.address, opts.timeoutMs, path, encodeMessage(reqSpec, req as Record<string, unknown>), signal);
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
