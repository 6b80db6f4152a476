// The daemon's gRPC server: rpc.CNIBackend, grpc.health.v1.Health (grpc.health.v1.aws-node
// SERVING, as aws-node registers it) and harness.v1.Control on one listener.

import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { CLIENT_VERSION, HEALTH_SERVICE } from "../../proto/rpc.js";
import type { Backend } from "../backend/index.js";
import { cniBackendHandlers } from "./cni-service.js";
import type { ControlDeps } from "./control-service.js";
import { controlService } from "./control-service.js";
import type { HandlerLog } from "./handlers.js";
import { bindAddress, finishUnixSocket, parseListen, prepareUnixSocket } from "./listen.js";
import { tolerantService } from "./malformed.js";
import { loadProtos } from "./protos.js";

export interface GrpcServerOptions {
  listen: string;
  backend: Backend;
  /** Omit to serve without the control API. */
  control?: Omit<ControlDeps, "log">;
  log: HandlerLog;
  /** The version clients must send (default CLIENT_VERSION). */
  version?: string;
}

export interface RunningGrpcServer {
  /** unix:///path or host:actualPort. */
  address: string;
  health: HealthImplementation;
  /** Stops accepting, lets calls in flight finish for up to graceMs, then forces. */
  close(graceMs?: number): Promise<void>;
}

export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const target = parseListen(opts.listen);
  const protos = loadProtos();
  const server = new grpc.Server();
  server.addService(tolerantService(protos.cniBackend.service), cniBackendHandlers(opts.backend, opts.version ?? CLIENT_VERSION, opts.log));
  // A down ipamd (fault ipamd_down) is not healthy either, as aws-node's probe would see it.
  const serving = (down: boolean) => (down ? "NOT_SERVING" : "SERVING");
  const health = new HealthImplementation({ "": "SERVING", [HEALTH_SERVICE]: serving(opts.backend.isDown()) });
  const control = opts.control === undefined ? undefined : controlService({
    ...opts.control, log: opts.log, onDownChange: (down) => health.setStatus(HEALTH_SERVICE, serving(down)),
  });
  if (control !== undefined) server.addService(tolerantService(protos.control.service), control.handlers);
  health.addToServer(server);

  if (target.kind === "unix") await prepareUnixSocket(target.path);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(bindAddress(target), grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(new HarnessError("unavailable", `cannot listen on ${opts.listen}: ${errorMessage(err)}`)) : resolve(p),
    ),
  );
  if (target.kind === "unix") finishUnixSocket(target.path);
  const address = target.kind === "unix" ? `unix://${target.path}` : `${target.host}:${port}`;

  return {
    address,
    health,
    close(graceMs = 5_000) {
      health.setStatus(HEALTH_SERVICE, "NOT_SERVING");
      control?.endStreams();
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
    },
  };
}
