// The api-server command's flags, checked before anything starts (a usage error exits 2).

import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isIP } from "node:net";
import { isLoopback as isLoopbackEndpoint } from "../common/boundary/index.js";
import { HarnessError } from "../common/errors.js";

export interface RawApiServerFlags {
  listen: string;
  kubeconfig?: string;
  scheduler: boolean;
  allowRemote?: boolean;
  logLevel: string;
}

export interface ApiServerConfig {
  host: string;
  port: number;
  kubeconfig: string;
  scheduler: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
}

const usage = (m: string): HarnessError => new HarnessError("invalid-argument", m);

/** host:port or [v6]:port. */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:[\]]+):(\d+)$/.exec(s);
  if (m === null) throw usage(`--listen ${JSON.stringify(s)}: expected HOST:PORT (e.g. 127.0.0.1:6443, [::1]:6443; port 0 picks a free port)`);
  const port = Number(m[2]);
  if (port > 65535) throw usage(`--listen ${JSON.stringify(s)}: port ${port} is out of range (0-65535)`);
  return { host: m[1] ?? "", port };
}

/** 127.0.0.0/8, ::1 or localhost: common/boundary's rule, which mock-ipamd's listeners follow too. */
export function isLoopback(host: string): boolean {
  return isLoopbackEndpoint({ kind: "tcp", host, port: 0 });
}

export function resolveApiServerFlags(f: RawApiServerFlags): ApiServerConfig {
  const { host, port } = parseListen(f.listen);
  if (!isLoopback(host) && f.allowRemote !== true) {
    throw usage(`--listen ${f.listen}: not a loopback address; the API server holds the whole cluster behind one token, so listening beyond this machine needs --allow-remote`);
  }
  if (host !== "localhost" && isIP(host) === 0) throw usage(`--listen ${f.listen}: ${host} is not an IP address (or localhost)`);
  if (f.kubeconfig === undefined || f.kubeconfig === "") throw usage("--kubeconfig FILE is required: the API server writes its address, CA and token there");
  const kubeconfig = resolve(f.kubeconfig);
  const dir = dirname(kubeconfig);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usage(`--kubeconfig ${f.kubeconfig}: directory ${dir} does not exist`);
  if (existsSync(kubeconfig) && statSync(kubeconfig).isDirectory()) throw usage(`--kubeconfig ${f.kubeconfig}: is a directory`);
  const levels = ["debug", "info", "warn", "error"] as const;
  const logLevel = levels.find((l) => l === f.logLevel);
  if (logLevel === undefined) throw usage(`--log-level ${f.logLevel}: expected one of ${levels.join(", ")}`);
  return { host, port, kubeconfig, scheduler: f.scheduler, logLevel };
}
