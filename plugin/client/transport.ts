// The byte stream under the HTTP/2 client: Bun's native socket in the compiled plugin (measured:
// node:net alone costs about 15 ms of CPU per exec there, Bun.connect almost nothing, README
// Performance), node:net under Node (tests, the harness). Unix socket or TCP, as the address says.
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

function target(address: string): Target {
  if (address.startsWith("unix://")) return { unix: address.slice("unix://".length) };
  const i = address.lastIndexOf(":");
  const host = address.slice(0, i);
  return { hostname: host.startsWith("[") ? host.slice(1, -1) : host, port: Number(address.slice(i + 1)) };
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
export function dial(address: string): Promise<Dialed> {
  const bun = (globalThis as { Bun?: BunConnect }).Bun;
  return bun === undefined ? dialNode(target(address)) : dialBun(bun, target(address));
}
