// One unary gRPC call with a deadline and an optional AbortSignal, failures as HarnessError
// that keep containerd's status text (e.g. "failed to setup network for sandbox ...").
import { status as GrpcStatus } from "@grpc/grpc-js";
import type { Client, Metadata, ServiceError } from "@grpc/grpc-js";
import { HarnessError } from "../common/errors.js";
import type { HarnessErrorKind } from "../common/errors.js";

export interface CallOptions {
  /** Deadline of this call in ms (default: the client's). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

type Unary = (
  req: unknown,
  md: Metadata,
  opts: { deadline: Date },
  cb: (err: ServiceError | null, res: unknown) => void,
) => { cancel(): void };

/** The gRPC status code of a failed CRI call, or undefined when it was not a gRPC failure. */
export function grpcCodeOf(e: unknown): number | undefined {
  const cause = e instanceof Error ? e.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** The server's status text of a failed CRI call (containerd's own error message), or undefined. */
export function grpcDetailsOf(e: unknown): string | undefined {
  const cause = e instanceof Error ? e.cause : undefined;
  const details = (cause as { details?: unknown } | undefined)?.details;
  return typeof details === "string" ? details : undefined;
}

function kindOf(code: number): HarnessErrorKind {
  switch (code) {
    case GrpcStatus.NOT_FOUND:
      return "not-found";
    case GrpcStatus.ALREADY_EXISTS:
      return "already-exists";
    case GrpcStatus.INVALID_ARGUMENT:
      return "invalid-argument";
    case GrpcStatus.DEADLINE_EXCEEDED:
      return "deadline";
    case GrpcStatus.UNAVAILABLE:
      return "unavailable";
    default:
      return "internal";
  }
}

export function unaryCall<Res>(
  client: Client,
  method: string,
  req: unknown,
  md: Metadata,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Res> {
  const fn = (client as unknown as Record<string, Unary>)[method];
  if (typeof fn !== "function") throw new HarnessError("internal", `CRI client has no method ${method}`);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<Res>((resolve, reject) => {
    const onAbort = (): void => call.cancel();
    const call = fn.call(client, req, md, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
      signal?.removeEventListener("abort", onAbort);
      if (err === null) {
        resolve(res as Res);
        return;
      }
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const name = GrpcStatus[err.code] ?? String(err.code);
      reject(
        new HarnessError(kindOf(err.code), `CRI ${method}: ${err.details}`, {
          details: `gRPC status ${name} after at most ${timeoutMs} ms`,
          cause: err,
        }),
      );
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
