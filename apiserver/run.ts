// Starts the embedded API server: the store, the serving certificate, the HTTPS listener, the
// kubeconfig (written, 0600, before the ready line), and the scheduler unless --no-scheduler.

import { randomBytes } from "node:crypto";
import pino from "pino";
import type { Logger } from "pino";
import { createObjectStore } from "../cluster/store/index.js";
import { systemClock } from "../common/clock.js";
import { errorMessage } from "../common/errors.js";
import { startScheduler, storePort } from "../scheduler/index.js";
import { kubeconfigYaml, writeKubeconfig } from "./kubeconfig.js";
import type { ApiServerConfig } from "./options.js";
import { startApiServer } from "./server.js";
import { makeServingCert } from "./tls.js";

export interface RunningApiServer {
  url: string;
  stop(signal?: string): Promise<void>;
}

export function createLogger(level: string): Logger {
  return pino(
    { level, base: { name: "api-server" }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** Lifecycle lines ("ready", "stopped") that callers wait for: written whatever --log-level says. */
function announce(log: Logger, obj: object, msg: string): void {
  (log.levelVal > 30 ? log.child({}, { level: "info" }) : log).info(obj, msg);
}

export async function runApiServer(config: ApiServerConfig, log: Logger): Promise<RunningApiServer> {
  const clock = systemClock;
  const store = createObjectStore({ clock, onWatchError: (e) => log.warn({ err: errorMessage(e) }, "watcher failed") });
  const tls = makeServingCert(config.host === "0.0.0.0" || config.host === "::" ? [] : [config.host]);
  const token = randomBytes(32).toString("base64url");
  const server = await startApiServer({ store, host: config.host, port: config.port, token, tls, clock, onError: (e) => log.error({ err: e instanceof Error ? e.stack : String(e) }, "request failed") });
  const scheduler = config.scheduler ? startScheduler(storePort(store, clock), { clock, onError: (e) => log.warn({ err: errorMessage(e) }, "scheduler") }) : undefined;
  try {
    writeKubeconfig(config.kubeconfig, kubeconfigYaml(server.url, tls.caPem, token));
  } catch (e) {
    scheduler?.stop();
    await server.close();
    throw e;
  }
  // Ready only once the kubeconfig is there: a client that waits for this line can use it at once.
  announce(log, { address: server.url, kubeconfig: config.kubeconfig, scheduler: config.scheduler }, "ready");
  return {
    url: server.url,
    stop: async (signal) => {
      scheduler?.stop();
      await server.close();
      announce(log, { signal }, "stopped");
    },
  };
}
