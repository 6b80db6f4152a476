// The daemon's gRPC servers: rpc.CNIBackend and grpc.health.v1.Health (grpc.health.v1.aws-node
// SERVING, as aws-node registers it) on the plugin's listener; harness.v1.Control on its own
// listener (mode 0600 for a Unix socket), so whoever may call the CNI socket cannot change the
// world (README, Security).

import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { formatEndpoint } from "../../common/boundary/index.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { CLIENT_VERSION, HEALTH_SERVICE } from "../../proto/rpc.js";
import type { Backend } from "../backend/index.js";
import { cniBackendHandlers } from "./cni-service.js";
import type { ControlDeps } from "./control-service.js";
import { controlService } from "./control-service.js";
import type { HandlerLog } from "./handlers.js";
import { finishUnixSocket, parseListen, prepareUnixSocket } from "./listen.js";
import { tolerantService } from "./malformed.js";
import { loadProtos } from "./protos.js";

export interface GrpcServerOptions {
  listen: string;
  backend: Backend;
  /** Omit to serve without the control API; with it, `controlListen` is where it listens. */
  control?: Omit<ControlDeps, "log">;
  controlListen?: string;
  log: HandlerLog;
  /** The version clients must send (default CLIENT_VERSION). */
  version?: string;
}

export interface RunningGrpcServer {
  /** unix:///path or host:actualPort. */
  address: string;
  /** The control API's listener, when it is served. */
  controlAddress: string | undefined;
  health: HealthImplementation;
  /** Stops accepting, lets calls in flight finish for up to graceMs, then forces. */
  close(graceMs?: number): Promise<void>;
}

export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const protos = loadProtos();
  const server = new grpc.Server();
  server.addService(tolerantService(protos.cniBackend.service), cniBackendHandlers(opts.backend, opts.version ?? CLIENT_VERSION, opts.log));
  // A down ipamd (fault ipamd_down) is not healthy either, as aws-node's probe would see it.
  const serving = (down: boolean) => (down ? "NOT_SERVING" : "SERVING");
  const health = new HealthImplementation({ "": "SERVING", [HEALTH_SERVICE]: serving(opts.backend.isDown()) });
  health.addToServer(server);
  const address = await bindServer(server, opts.listen, "--listen", 0o660);
  const control = opts.control === undefined ? undefined : controlService({
    ...opts.control, log: opts.log, onDownChange: (down) => health.setStatus(HEALTH_SERVICE, serving(down)),
  });
  let controlServer: grpc.Server | undefined;
  let controlAddress: string | undefined;
  if (control !== undefined) {
    if (opts.controlListen === undefined) throw new HarnessError("invalid-config", "the control API needs its own listener (controlListen)");
    controlServer = new grpc.Server();
    controlServer.addService(tolerantService(protos.control.service), control.handlers);
    try {
      controlAddress = await bindServer(controlServer, opts.controlListen, "--control", 0o600);
    } catch (e) {
      server.forceShutdown();
      throw e;
    }
  }

  return {
    address,
    controlAddress,
    health,
    async close(graceMs = 5_000) {
      health.setStatus(HEALTH_SERVICE, "NOT_SERVING");
      control?.endStreams();
      await Promise.all([shutdown(server, graceMs), ...(controlServer === undefined ? [] : [shutdown(controlServer, graceMs)])]);
    },
  };
}

/** Binds a listener: a Unix socket of `mode` in a created directory (stale socket removed), or TCP. */
async function bindServer(server: grpc.Server, listen: string, flag: string, mode: number): Promise<string> {
  const target = parseListen(listen, flag);
  if (target.kind === "unix") await prepareUnixSocket(target.path, flag);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(formatEndpoint(target), grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(new HarnessError("unavailable", `cannot listen on ${listen}: ${errorMessage(err)}`)) : resolve(p),
    ),
  );
  if (target.kind === "unix") finishUnixSocket(target.path, mode);
  return formatEndpoint(target.kind === "unix" ? target : { ...target, port });
}

/** Stops accepting, lets calls in flight finish for up to graceMs, then forces. */
function shutdown(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
