// The node:http2 client against a bare HTTP/2 server that answers the way a broken, hostile or dying
// daemon would, each case compared with @grpc/grpc-js on the same server (issue #10, item 3): the
// status decides the CNI code (UNAVAILABLE and DEADLINE_EXCEEDED are "try again later", 11).
import { execa } from "execa";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Http2Server, type ServerHttp2Session, type ServerHttp2Stream } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIpamdClient } from "../../../plugin/client/grpc.js";
import { createH2IpamdClient } from "../../../plugin/client/h2.js";
import { GrpcStatus, IpamdError, type IpamdClient } from "../../../plugin/client/types.js";
import { REPO } from "./test-server.js";

let dir: string;
let server: Http2Server;
let sessions = 0;
const open = new Set<ServerHttp2Session>();
let answer: (stream: ServerHttp2Stream, session: ServerHttp2Session) => void = () => {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "h2-parity-"));
  server = createServer();
  server.on("session", (session) => {
    sessions++;
    open.add(session);
    session.on("close", () => open.delete(session));
  });
  server.on("stream", (stream) => {
    stream.on("error", () => {});
    stream.on("data", () => {});
    stream.on("end", () => answer(stream, stream.session as ServerHttp2Session));
  });
  await new Promise<void>((res) => server.listen(join(dir, "s.sock"), res));
});

afterAll(async () => {
  for (const session of open) session.destroy();
  await new Promise<void>((res) => server.close(() => res()));
  rmSync(dir, { recursive: true, force: true });
});

const address = (): string => `unix://${join(dir, "s.sock")}`;
const DEL = { K8S_POD_NAME: "p", K8S_POD_NAMESPACE: "n", K8S_POD_INFRA_CONTAINER_ID: "c", Reason: "PodDeleted", IfName: "eth0", NetworkName: "n", ContainerID: "c", ClientVersion: "", K8S_POD_UID: "" };
const GRPC = { ":status": 200, "content-type": "application/grpc" };

/** A length-prefixed message. */
const frame = (body: Buffer, length = body.length): Buffer => Buffer.concat([Buffer.from([0, length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255]), body]);
/** DelNetworkReply{Success: true}. */
const SUCCESS = Buffer.from([8, 1]);

/** Headers, then `body`, then trailers grpc-status 0. */
function okWith(body: Buffer, headers: Record<string, string | number> = GRPC): (s: ServerHttp2Stream) => void {
  return (s) => {
    s.respond(headers, { waitForTrailers: true });
    s.on("wantTrailers", () => s.sendTrailers({ "grpc-status": "0" }));
    s.end(body);
  };
}

type Seen = { ok: true } | { ok: false; code: number; details: string; isIpamdError: boolean };

async function del(client: IpamdClient): Promise<Seen> {
  try {
    await client.delNetwork(DEL);
    return { ok: true };
  } catch (e) {
    const err = e as IpamdError;
    return { ok: false, code: err.grpcCode, details: err.grpcDetails, isIpamdError: e instanceof IpamdError };
  } finally {
    client.close();
  }
}

const h2 = (): IpamdClient => createH2IpamdClient({ address: address(), timeoutMs: 5000 });
const grpcJs = (): IpamdClient => createIpamdClient({ address: address(), timeoutMs: 5000 });

describe("h2 client, parity with grpc-js on a bare HTTP/2 server", () => {
  it.each([
    ["grpc-status OK with an empty body (was: a default reply, Success=false)", okWith(Buffer.alloc(0)), GrpcStatus.UNIMPLEMENTED, /No message received/],
    ["a length prefix of 100 with 2 bytes sent (was: Success=true, no IP)", okWith(frame(SUCCESS, 100)), GrpcStatus.UNIMPLEMENTED, /No message received/],
    ["HTTP 503 without grpc-status (was: UNKNOWN, CNI 999)", (s: ServerHttp2Stream) => (s.respond({ ":status": 503, "content-type": "text/plain" }), s.end("busy")), GrpcStatus.UNAVAILABLE, /503/],
    ["HTTP 404 without grpc-status", (s: ServerHttp2Stream) => (s.respond({ ":status": 404 }), s.end()), GrpcStatus.UNIMPLEMENTED, /404/],
    ["a trailers-only OK without a message", (s: ServerHttp2Stream) => s.respond({ ...GRPC, "grpc-status": "0" }, { endStream: true }), GrpcStatus.UNIMPLEMENTED, /No message received/],
    ["a reply larger than 4 MiB", okWith(frame(Buffer.alloc((4 << 20) + 1))), GrpcStatus.RESOURCE_EXHAUSTED, /larger than max \(4194305 vs 4194304\)/],
    ["the daemon dying mid-call (was: UNKNOWN \"status 2\", CNI 999)", (_s: ServerHttp2Stream, session: ServerHttp2Session) => session.destroy(), GrpcStatus.UNAVAILABLE, /Connection dropped/],
    ["RST_STREAM REFUSED_STREAM", (s: ServerHttp2Stream) => s.close(7), GrpcStatus.UNAVAILABLE, /refused/],
    ["RST_STREAM INTERNAL_ERROR", (s: ServerHttp2Stream) => s.close(2), GrpcStatus.INTERNAL, /RST_STREAM with code 2/],
  ])("%s: the same status from both clients", async (_name, serve, code, details) => {
    answer = serve;
    const ours = await del(h2());
    const theirs = await del(grpcJs());
    expect(ours).toMatchObject({ ok: false, code, details: expect.stringMatching(details), isIpamdError: true });
    expect(theirs).toMatchObject({ ok: false, code });
  });

  it("one well-formed message: both succeed", async () => {
    answer = okWith(frame(SUCCESS));
    expect(await del(h2())).toEqual({ ok: true });
    expect(await del(grpcJs())).toEqual({ ok: true });
  });

  it("two messages for a unary call: UNIMPLEMENTED 'Too many responses received' (grpc-js meant to say so; it hangs until the deadline)", async () => {
    answer = okWith(Buffer.concat([frame(SUCCESS), frame(SUCCESS)]));
    expect(await del(h2())).toMatchObject({ ok: false, code: GrpcStatus.UNIMPLEMENTED, details: "Too many responses received" });
  });

  it("a non-gRPC content type: the HTTP status decides, never a parse of the page (was: 'compressed messages not supported')", async () => {
    answer = (s) => (s.respond({ ":status": 200, "content-type": "text/html" }), s.end("<html>hello</html>"));
    expect(await del(h2())).toMatchObject({ ok: false, code: GrpcStatus.UNKNOWN, details: 'unexpected content-type "text/html" (HTTP status 200)' });
    // grpc-js has no content-type check; it reads "<htm" as a length prefix and gives up on the size.
    expect(await del(grpcJs())).toMatchObject({ ok: false, code: GrpcStatus.RESOURCE_EXHAUSTED });
    answer = (s) => (s.respond({ ":status": 502, "content-type": "text/html" }), s.end("<html>bad gateway</html>"));
    expect(await del(h2())).toMatchObject({ ok: false, code: GrpcStatus.UNAVAILABLE });
    expect(await del(grpcJs())).toMatchObject({ ok: false, code: GrpcStatus.UNAVAILABLE });
  });

  it("a compressed message this client never asked for is INTERNAL (grpc-js fails it too, without a code)", async () => {
    const f = frame(SUCCESS);
    f[0] = 1;
    answer = okWith(f);
    expect(await del(h2())).toMatchObject({ ok: false, code: GrpcStatus.INTERNAL, details: "compressed message without grpc-encoding" });
    expect(await del(grpcJs())).toMatchObject({ ok: false });
  });
});

describe("h2 client sessions", () => {
  it.each([
    ["GOAWAY", (session: ServerHttp2Session) => session.goaway()],
    ["a closed session", (session: ServerHttp2Session) => session.close()],
  ])("after %s the next call opens a new session instead of reusing the dead one (was: a plain Error)", async (_n, end) => {
    answer = (s, session) => {
      okWith(frame(SUCCESS))(s);
      s.on("close", () => end(session));
    };
    const before = sessions;
    const c = createH2IpamdClient({ address: address(), timeoutMs: 5000 });
    try {
      await c.delNetwork(DEL);
      await new Promise((r) => setImmediate(r));
      await c.delNetwork(DEL);
    } finally {
      c.close();
    }
    expect(sessions - before).toBe(2);
  });
});

describe("the built plugin when the daemon dies mid-ADD", () => {
  const BIN = join(REPO, "dist", "bin", "mock-vpc-cni");

  it("answers CNI code 11 (try again later), not 999", async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} missing: run npm run build first`);
    answer = (_s, session) => session.destroy();
    const r = await execa(BIN, [], {
      env: { CNI_COMMAND: "ADD", CNI_CONTAINERID: "dies1", CNI_NETNS: "/var/run/netns/none", CNI_IFNAME: "eth0", CNI_ARGS: "K8S_POD_NAMESPACE=default;K8S_POD_NAME=p" },
      extendEnv: false,
      input: JSON.stringify({ cniVersion: "1.0.0", name: "n", type: "mock-vpc-cni", ipamdAddress: address(), dataplane: "none", stateDir: join(dir, "state") }),
      reject: false,
    });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(String(r.stdout))).toMatchObject({ code: 11, msg: "add cmd: Error received from AddNetwork gRPC call: rpc error: code = Unavailable desc = Connection dropped" });
  });
});
