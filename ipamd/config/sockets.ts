// Where mock-ipamd listens, checked once (README, Security): rpc.CNIBackend on --listen (the plugin's
// socket, 0660), our control API on its own socket --control (0600), introspection and metrics.
// A listener other hosts can reach needs an explicit flag: nothing on these sockets authenticates.
import { formatEndpoint, isLoopback, parseEndpoint, type Endpoint } from "../../common/boundary/index.js";
import { HarnessError } from "../../common/errors.js";

export interface SocketFlags {
  listen: string;
  control: string | undefined;
  introspection: string;
  metrics: string;
  allowRemoteListen: boolean;
  allowRemoteControl: boolean;
}

export interface Sockets {
  listen: string;
  control: string;
  introspection: string;
  metrics: string;
}

function endpoint(value: string, what: string, unix: boolean): Endpoint {
  const p = parseEndpoint(value, { what, unix, anyPort: true });
  if (!p.ok) throw new HarnessError("invalid-config", p.problem);
  return p.value;
}

function requireLocal(e: Endpoint, what: string, allowFlag: string, served: string): void {
  if (isLoopback(e)) return;
  throw new HarnessError("invalid-config", `${what}: ${formatEndpoint(e)} can be reached from other hosts; pass ${allowFlag} to serve ${served} there`, {
    details: "nothing on this listener authenticates its callers (README, Security); prefer a Unix socket or 127.0.0.1",
  });
}

/** The control socket next to the CNI socket (or in the state dir when --listen is TCP). */
function defaultControl(listen: Endpoint, stateDir: string): string {
  const dir = listen.kind === "unix" ? listen.path.slice(0, listen.path.lastIndexOf("/")) : stateDir;
  return `unix://${dir}/control.sock`;
}

export function resolveSockets(f: SocketFlags, stateDir: string): Sockets {
  const listen = endpoint(f.listen, "--listen / ipamd.listen", true);
  if (!f.allowRemoteListen) requireLocal(listen, "--listen", "--allow-remote-listen", "rpc.CNIBackend");
  const control = endpoint(f.control ?? defaultControl(listen, stateDir), "--control", true);
  if (!f.allowRemoteControl) requireLocal(control, "--control", "--allow-remote-control", "the control API (it can change every pod, fault and lease)");
  if (formatEndpoint(control) === formatEndpoint(listen)) {
    throw new HarnessError("invalid-config", `--control: ${formatEndpoint(control)} is also --listen; the control API needs its own socket`);
  }
  // Introspection and metrics may also be "off": a bad value says so.
  const http = (value: string, what: string): string => {
    if (value === "off") return value;
    const p = parseEndpoint(value, { what, unix: false, anyPort: true });
    if (!p.ok) throw new HarnessError("invalid-config", p.problem.endsWith("is not host:port") ? `${p.problem} or "off"` : p.problem);
    return formatEndpoint(p.value);
  };
  return {
    listen: formatEndpoint(listen),
    control: formatEndpoint(control),
    introspection: http(f.introspection, "--introspection / ipamd.introspection"),
    metrics: http(f.metrics, "--metrics / ipamd.metrics"),
  };
}
