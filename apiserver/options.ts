// The api-server command's flags, checked before anything starts (a usage error exits 2).

import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isLoopback as isLoopbackEndpoint, API_RISK, orThrow, parseListenAddress } from "../common/boundary/index.js";
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

/** HOST:PORT or [V6]:PORT (common/boundary's rule for where an API is served); port 0 picks a free port. */
export function parseListen(s: string, allowRemote = true): { host: string; port: number } {
  return orThrow(parseListenAddress(s, { what: "--listen", allowRemote, remoteFlag: "--allow-remote", remoteRisk: API_RISK }), usage);
}

/** 127.0.0.0/8, ::1 or localhost: common/boundary's rule, which mock-ipamd's listeners follow too. */
export function isLoopback(host: string): boolean {
  return isLoopbackEndpoint({ kind: "tcp", host, port: 0 });
}

export function resolveApiServerFlags(f: RawApiServerFlags): ApiServerConfig {
  const { host, port } = parseListen(f.listen, f.allowRemote === true);
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
