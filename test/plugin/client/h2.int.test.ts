// The node:http2 ipamd client against a bare HTTP/2 server on a temp Unix socket, for answers a
// well-behaved gRPC server never gives: a raw "%" in grpc-message, no grpc-status at all.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Http2Server, type ServerHttp2Stream } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createH2IpamdClient, grpcMessage } from "../../../plugin/client/h2.js";
import { GrpcStatus, IpamdError } from "../../../plugin/client/types.js";

let dir: string;
let server: Http2Server;
let answer: (stream: ServerHttp2Stream) => void = () => {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "h2-client-"));
  server = createServer();
  server.on("stream", (stream) => {
    stream.on("data", () => {});
    stream.on("end", () => answer(stream));
  });
  await new Promise<void>((res) => server.listen(join(dir, "s.sock"), res));
});

afterAll(async () => {
  await new Promise<void>((res) => server.close(() => res()));
  rmSync(dir, { recursive: true, force: true });
});

async function delError(): Promise<IpamdError> {
  const c = createH2IpamdClient({ address: `unix://${join(dir, "s.sock")}`, timeoutMs: 5000 });
  try {
    await c.delNetwork({ K8S_POD_NAME: "p", K8S_POD_NAMESPACE: "n", K8S_POD_INFRA_CONTAINER_ID: "c", Reason: "PodDeleted", IfName: "eth0", NetworkName: "n", ContainerID: "c", ClientVersion: "v", K8S_POD_UID: "" });
  } catch (e) {
    return e as IpamdError;
  } finally {
    c.close();
  }
  throw new Error("the call did not fail");
}

describe("h2 ipamd client, odd servers", () => {
  it("decodes a percent-encoded grpc-message and keeps a raw one as sent", () => {
    expect(grpcMessage("datastore%3A%20unknown%20pod")).toBe("datastore: unknown pod");
    expect(grpcMessage("100% full")).toBe("100% full");
    expect(grpcMessage(undefined)).toBe("");
  });

  it("a trailers-only error with a raw % in grpc-message is an error naming it, not a crash", async () => {
    answer = (s) => s.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "2", "grpc-message": "disk 100% full" }, { endStream: true });
    const e = await delError();
    expect(e).toBeInstanceOf(IpamdError);
    expect(e.grpcCode).toBe(GrpcStatus.UNKNOWN);
    expect(e.grpcDetails).toBe("disk 100% full");
  });

  it("a server that sends no grpc-status is an UNKNOWN error, not a success", async () => {
    answer = (s) => {
      s.respond({ ":status": 200, "content-type": "application/grpc" });
      s.end();
    };
    const e = await delError();
    expect(e.grpcCode).toBe(GrpcStatus.UNKNOWN);
  });
});
