// The few API reads `cluster up` needs (is every Node Ready?), over HTTPS with the kubeconfig's CA
// and token. The cluster's own components use the cluster seam; this only watches them come up.

import { request } from "node:https";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { z } from "zod";
import { HarnessError, errorMessage } from "../../common/errors.js";

export interface KubeAccess {
  readonly server: string;
  readonly ca: string;
  readonly token: string;
}

const kubeconfigSchema = z.object({
  clusters: z.array(z.object({ cluster: z.object({ server: z.string(), "certificate-authority-data": z.string() }) })).min(1),
  users: z.array(z.object({ user: z.object({ token: z.string() }) })).min(1),
});

export async function readKubeconfig(file: string): Promise<KubeAccess> {
  const r = kubeconfigSchema.safeParse(parse(await readFile(file, "utf8")));
  if (!r.success) throw new HarnessError("invalid-config", `${file}: not a kubeconfig with a server, a CA and a token`);
  const c = r.data.clusters[0]?.cluster;
  const u = r.data.users[0]?.user;
  return { server: c?.server ?? "", ca: Buffer.from(c?.["certificate-authority-data"] ?? "", "base64").toString("utf8"), token: u?.token ?? "" };
}

export function getJson(k: KubeAccess, path: string, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, k.server), { ca: k.ca, headers: { authorization: `Bearer ${k.token}`, accept: "application/json" }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 0) >= 300) return reject(new HarnessError("unavailable", `GET ${path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text));
        } catch (e) {
          reject(new HarnessError("internal", `GET ${path}: not JSON: ${errorMessage(e)}`));
        }
      });
    });
    req.on("timeout", () => req.destroy(new HarnessError("deadline", `GET ${path}: no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => reject(e instanceof HarnessError ? e : new HarnessError("unavailable", `GET ${path}: ${e.message}`)));
    req.end();
  });
}

const nodeSchema = z.object({
  metadata: z.object({ name: z.string() }),
  status: z.object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() }).optional(),
});

/** Whether the named Node exists and its Ready condition is True. */
export async function nodeReady(k: KubeAccess, name: string): Promise<boolean> {
  let body: unknown;
  try {
    body = await getJson(k, `/api/v1/nodes/${encodeURIComponent(name)}`);
  } catch {
    return false;
  }
  const n = nodeSchema.safeParse(body);
  return n.success && (n.data.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}
