// Starts the built `vpc-cni-harness api-server` as its own process on a free loopback port, waits
// for its ready line, and gives tests an HTTPS client (the kubeconfig's CA and token) and kubectl
// bound to its kubeconfig. Needs `npm run build` first (test/setup/dist-fresh.ts checks it).

import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse, parseAllDocuments } from "yaml";
import { REPO_ROOT } from "./daemon.js";
import type { Missing } from "./prereq.js";
import { startReadyProcess } from "./process.js";
import type { ReadyProcess } from "./process.js";

export const CLI_JS = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");

/** The kubectl the tests use: the machine's /usr/bin/kubectl, else one on PATH (Debian's kubernetes-client). */
export function kubectlPath(): string | undefined {
  if (existsSync("/usr/bin/kubectl")) return "/usr/bin/kubectl";
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir !== "" && existsSync(join(dir, "kubectl"))) return join(dir, "kubectl");
  return undefined;
}

export const needKubectl = (): Missing => (kubectlPath() === undefined ? "kubectl (/usr/bin/kubectl or Debian's kubernetes-client; scripts/ensure-deps.sh installs it as root)" : undefined);

/**
 * deploy/*.yaml files that hold Kubernetes objects (kind's own cluster config, apiVersion
 * kind.x-k8s.io, is for the kind CLI, not for an API server): what `kubectl apply --dry-run=server`
 * must accept.
 */
export function deployManifests(): string[] {
  const dir = join(REPO_ROOT, "deploy");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .map((f) => join(dir, f))
    .filter((f) => parseAllDocuments(readFileSync(f, "utf8")).some((d) => {
      const v = (d.toJSON() as { apiVersion?: unknown } | null)?.apiVersion;
      return typeof v === "string" && !v.startsWith("kind.x-k8s.io/");
    }));
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> | undefined;
}

export interface StartedApiServer {
  url: string;
  kubeconfig: string;
  token: string;
  caPem: string;
  process: ChildProcess;
  logs: Record<string, unknown>[];
  /** One HTTPS request with the token (auth: false leaves it out). */
  http(method: string, path: string, opts?: { body?: string | Buffer; contentType?: string; accept?: string; auth?: boolean }): Promise<HttpReply>;
  /** kubectl with this server's kubeconfig; never throws on a non-zero exit. */
  kubectl(args: string[], input?: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startApiServerProcess(opts: { args?: string[]; readyTimeoutMs?: number } = {}): Promise<StartedApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "api-server-"));
  const kubeconfig = join(dir, "kubeconfig");
  let p: ReadyProcess;
  try {
    p = await startReadyProcess(CLI_JS, ["api-server", "--listen", "127.0.0.1:0", "--kubeconfig", kubeconfig, ...(opts.args ?? [])], {
      name: "api-server", readyTimeoutMs: opts.readyTimeoutMs ?? 20_000,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const line = p.ready;
  const cfg = parse(readFileSync(kubeconfig, "utf8")) as { clusters: { cluster: { "certificate-authority-data": string } }[]; users: { user: { token: string } }[] };
  const caPem = Buffer.from(cfg.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64").toString("utf8");
  const token = cfg.users[0]?.user.token ?? "";
  const url = String(line.address);
  const http: StartedApiServer["http"] = (method, path, o = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Accept: o.accept ?? "application/json" };
      if (o.auth !== false) headers.Authorization = `Bearer ${token}`;
      if (o.contentType !== undefined) headers["Content-Type"] = o.contentType;
      const req = request(new URL(path, url), { method, headers, ca: caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on("error", reject);
      req.end(o.body);
    });
  const kubectl: StartedApiServer["kubectl"] = async (args, input) => {
    const bin = kubectlPath();
    if (bin === undefined) throw new Error("kubectl is missing");
    const r = await execa(bin, args, { env: { KUBECONFIG: kubeconfig, HOME: dir }, ...(input === undefined ? {} : { input }), reject: false, timeout: 60_000 });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  return {
    url, kubeconfig, token, caPem, process: p.process, logs: p.logs, http, kubectl,
    stop: async (signal = "SIGTERM") => {
      const code = await p.stop(signal);
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
