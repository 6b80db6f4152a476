// Where the API server is and how to authenticate: @kubernetes/client-node's KubeConfig, from
// --kubeconfig FILE or, inside a pod, the in-cluster service account (token, CA, namespace).

import { existsSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { HarnessError, errorMessage } from "../../../common/errors.js";

/** The service account files a pod gets (client-go rest.InClusterConfig). */
export const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** Where it came from, for logs and errors. */
  source: string;
}

/** Throws invalid-config naming the flag or what is missing; nothing is contacted here. */
export function loadKubeConfig(opts: { kubeconfig?: string; env?: NodeJS.ProcessEnv } = {}): LoadedKubeConfig {
  const kc = new KubeConfig();
  let source: string;
  if (opts.kubeconfig !== undefined && opts.kubeconfig !== "") {
    source = opts.kubeconfig;
    if (!existsSync(opts.kubeconfig)) throw new HarnessError("invalid-config", `--kubeconfig ${opts.kubeconfig}: no such file`);
    try {
      kc.loadFromFile(opts.kubeconfig);
    } catch (e) {
      throw new HarnessError("invalid-config", `--kubeconfig ${opts.kubeconfig}: ${errorMessage(e)}`, { cause: e });
    }
  } else {
    const env = opts.env ?? process.env;
    if (env.KUBERNETES_SERVICE_HOST === undefined || env.KUBERNETES_SERVICE_HOST === "" || !existsSync(SERVICE_ACCOUNT_TOKEN)) {
      throw new HarnessError("invalid-config", "no --kubeconfig given and not running in a pod (KUBERNETES_SERVICE_HOST unset or no service account token)", {
        details: `pass --kubeconfig FILE, or run in a pod with a service account (${SERVICE_ACCOUNT_TOKEN})`,
      });
    }
    source = "in-cluster service account";
    kc.loadFromCluster();
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null || cluster.server === "") {
    throw new HarnessError("invalid-config", `${source}: the current context names no cluster with a server`);
  }
  return { kc, server: cluster.server.replace(/\/+$/, ""), source };
}
