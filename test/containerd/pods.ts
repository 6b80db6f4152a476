// Helpers the CRI tests and the benchmark share: a sandbox's netns and addresses, a busybox
// container in a pod, and a TCP round trip through a host port.
import { execFile } from "node:child_process";
import { connect } from "node:net";
import { promisify } from "node:util";
import { containerConfig } from "../../cri/index.js";
import type { CriClient, PodSandboxConfig } from "../../cri/index.js";

const run = promisify(execFile);

interface VerboseInfo {
  pid?: number;
  runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } };
}

/** The sandbox's network namespace path, from containerd's verbose PodSandboxStatus. */
export async function sandboxNetns(cri: CriClient, id: string): Promise<string> {
  const { info } = await cri.podSandboxStatus(id, { verbose: true });
  const parsed = JSON.parse(info["info"] ?? "{}") as VerboseInfo;
  const path = parsed.runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network")?.path;
  if (!path) throw new Error(`sandbox ${id}: no network namespace in PodSandboxStatus info`);
  return path;
}

/** `ip -o` lines of what is configured inside a netns (addr, route, link). */
export async function inNetns(netns: string, args: string[]): Promise<string> {
  return (await run("nsenter", [`--net=${netns}`, "ip", ...args], { timeout: 10_000 })).stdout;
}

/** Creates and starts a busybox container in the sandbox; returns its id. */
export async function startContainer(
  cri: CriClient,
  sandboxId: string,
  sandbox: PodSandboxConfig,
  image: string,
  name: string,
  command: string[],
): Promise<string> {
  const id = await cri.createContainer(sandboxId, containerConfig(name, image, command), sandbox);
  await cri.startContainer(id);
  return id;
}

/**
 * Where the tests reach a host port: portmap with `snat: true` handles connections from the node
 * itself to 127.0.0.1 (route_localnet + masquerade). Traffic to this container's own 192.0.2.x
 * address is not answered here (checked: the DNAT happens, the reply never comes back), so
 * loopback is the honest path on this machine.
 */
export const HOST_PORT_ADDRESS = "127.0.0.1";

/** Connects to host:port, sends line, resolves with everything the peer sends back before closing. */
export function tcpExchange(host: string, port: number, line: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let got = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms (got ${JSON.stringify(got)})`));
    }, timeoutMs);
    sock.on("connect", () => sock.end(line));
    sock.on("data", (d) => void (got += d.toString()));
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
}

/**
 * A container command: a TCP server on port that answers each connection with what it read and
 * the container's own eth0 addresses, so a caller sees which pod answered and what it sees.
 */
export function echoServerCommand(port: number): string[] {
  const script = '#!/bin/sh\nread line\necho "got $line"\nip -4 -o addr show dev eth0\n';
  return ["/bin/sh", "-c", `printf '%s' '${script}' > /tmp/reply.sh && chmod +x /tmp/reply.sh && exec nc -ll -p ${port} -e /tmp/reply.sh`];
}
