// Where the gRPC server listens: a Unix socket (ipamd v1.23+: mode 0660, parent directory created,
// a stale socket from a crashed run removed) or TCP host:port (ipamd up to v1.22: 127.0.0.1:50051).

import { chmodSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { parseEndpoint, type Endpoint } from "../../common/boundary/index.js";
import { HarnessError } from "../../common/errors.js";

export type ListenTarget = Endpoint;

/** The shared address parser (common/boundary), as a HarnessError naming the address and its flag. */
export function parseListen(address: string, flag = "--listen"): ListenTarget {
  const p = parseEndpoint(address, { what: flag, anyPort: true });
  if (!p.ok) throw new HarnessError("invalid-config", p.problem);
  return p.value;
}

/**
 * Creates the socket's parent directory and removes a stale socket (a crashed run's); refuses to
 * delete anything else, or a socket another process still answers on.
 */
export async function prepareUnixSocket(path: string, flag = "--listen"): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw new HarnessError("invalid-config", `${flag}: ${path} exists and is not a socket; not removing it`);
  if (await answers(path)) {
    throw new HarnessError("unavailable", `${flag}: another process is listening on ${path}`, {
      details: `stop the other mock-ipamd, or give this one its own ${flag} and --state-dir`,
    });
  }
  unlinkSync(path);
}

/** True when something accepts connections on the socket (bounded: 1 s). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const done = (live: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(live);
    };
    const timer = setTimeout(() => done(false), 1_000);
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

/** The CNI socket's mode is the real one, 0660 (owner and group; the CNI binary runs as root); the control socket's 0600. */
export function finishUnixSocket(path: string, mode = 0o660): void {
  chmodSync(path, mode);
}
