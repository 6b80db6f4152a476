// The byte stream under the HTTP/2 client: Bun's native socket in the compiled plugin (measured:
// node:net alone costs about 15 ms of CPU per exec there, Bun.connect almost nothing, README
// Performance), node:net under Node (tests, the harness). Unix socket or TCP, as the address says.
import { parseEndpoint } from "../../common/boundary/address.js";
import type { H2Session, Transport } from "./h2-session.js";

export interface Dialed {
  transport: Transport;
  /** Wires the socket's events to the session once it exists. */
  attach(session: H2Session): void;
}

interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
}
interface BunConnect {
  connect(opts: { unix?: string; hostname?: string; port?: number; socket: Record<string, (...args: never[]) => void> }): Promise<BunSocket>;
}

type Target = { unix: string } | { hostname: string; port: number };

/**
 * The address through the one endpoint parser (common/boundary, which netconf's ipamdAddress
 * already passed); an address it refuses never reaches a socket.
 */
function target(address: string): Target {
  const e = parseEndpoint(address, { what: "ipamd address" });
  if (!e.ok) throw new Error(e.problem);
  return e.value.kind === "unix" ? { unix: e.value.path } : { hostname: e.value.host, port: e.value.port };
}

/** Buffers what arrives before the session is attached (Bun may deliver data right after open). */
function relay(): { attach(s: H2Session): void; data(b: Uint8Array): void; close(why: string): void } {
  let session: H2Session | undefined;
  const early: Uint8Array[] = [];
  let closedWhy: string | undefined;
  return {
    attach(s) {
      session = s;
      for (const b of early.splice(0)) s.receive(b);
      if (closedWhy !== undefined) s.closed(closedWhy);
    },
    data: (b) => (session === undefined ? void early.push(b) : session.receive(b)),
    close: (why) => (session === undefined ? void (closedWhy = why) : session.closed(why)),
  };
}

async function dialBun(bun: BunConnect, t: Target): Promise<Dialed> {
  const r = relay();
  const socket = await bun.connect({
    ...t,
    socket: {
      data: (_s: never, d: Uint8Array) => r.data(new Uint8Array(d)),
      close: () => r.close("Connection dropped"),
      error: (_s: never, e: Error) => r.close(`connection error: ${e.message}`),
      end: () => r.close("Connection dropped"),
    },
  });
  return { transport: { write: (b) => void socket.write(b), close: () => socket.end() }, attach: r.attach };
}

async function dialNode(t: Target): Promise<Dialed> {
  const { connect } = await import("node:net");
  const socket = "unix" in t ? connect(t.unix) : connect(t.port, t.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  const r = relay();
  socket.on("data", (d: Buffer) => r.data(d));
  socket.on("error", (e) => r.close(`connection error: ${e.message}`));
  socket.on("close", () => r.close("Connection dropped"));
  return { transport: { write: (b) => void socket.write(b), close: () => socket.destroy() }, attach: r.attach };
}

/** Connects to `unix:///path` or `host:port`; rejects when nothing accepts the connection. */
export async function dial(address: string): Promise<Dialed> {
  const bun = (globalThis as { Bun?: BunConnect }).Bun;
  const t = target(address);
  return bun === undefined ? dialNode(t) : dialBun(bun, t);
}
