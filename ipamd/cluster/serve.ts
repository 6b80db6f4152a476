// mock-ipamd --serve-api (memory mode): the daemon's own cluster (the embedded object store the fake
// controller, the control API and ipamd's informers share) served as a Kubernetes API by the
// embedded API server (apiserver/), so that kubectl can watch a run while it happens. It writes a
// kubeconfig (0600: server, CA, a random token) before the daemon's ready line. It binds no pod:
// the pods of a memory-mode run are scheduled by whoever creates them (the control API).

import { randomBytes } from "node:crypto";
import type { ObjectStore } from "../../cluster/store/index.js";
import type { Clock } from "../../common/clock.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import type { ServeApi } from "../config/index.js";
import type { Logger } from "../log.js";

export interface ServedApi {
  /** https://host:port */
  url: string;
  kubeconfig: string;
  close(): Promise<void>;
}

export async function serveApi(store: ObjectStore, o: ServeApi, clock: Clock, log: Logger): Promise<ServedApi> {
  // Loaded only when asked for: node-forge and the server stay out of an ordinary start.
  const { kubeconfigYaml, makeServingCert, startApiServer, writeKubeconfig } = await import("../../apiserver/index.js");
  // A wildcard address has no one name to certify: the certificate then names loopback only.
  const tls = makeServingCert(o.host === "0.0.0.0" || o.host === "::" ? [] : [o.host]);
  const token = randomBytes(32).toString("base64url");
  let server;
  try {
    server = await startApiServer({ store, host: o.host, port: o.port, token, tls, clock, onError: (e) => log.error({ err: errorMessage(e) }, "API request failed") });
  } catch (e) {
    throw new HarnessError("unavailable", `--serve-api ${o.host}:${o.port}: ${errorMessage(e)}`);
  }
  try {
    writeKubeconfig(o.kubeconfig, kubeconfigYaml(server.url, tls.caPem, token));
  } catch (e) {
    await server.close();
    throw new HarnessError("invalid-config", `--serve-api-kubeconfig ${o.kubeconfig}: cannot write: ${errorMessage(e)}`);
  }
  log.info({ api: server.url, kubeconfig: o.kubeconfig }, "serving the cluster as a Kubernetes API");
  return { url: server.url, kubeconfig: o.kubeconfig, close: () => server.close() };
}
