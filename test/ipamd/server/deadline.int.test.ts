// The client's deadline reaches the datastore: the gRPC handler's AbortSignal is threaded through
// the backend into IpDatastore.assign/release (a datastore that waits until it is told to stop).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../common/clock.js";
import type { IpAssignment, IpDatastore } from "../../../ipamd/backend/index.js";
import { createBackend } from "../../../ipamd/backend/index.js";
import type { CniBackendClient, RunningGrpcServer } from "../../../ipamd/server/index.js";
import { cniBackendClient, startGrpcServer } from "../../../ipamd/server/index.js";
import { CLIENT_VERSION } from "../../../proto/rpc.js";
import { nodePodsOf, testCluster } from "../../helpers/cluster.js";
import { fakeNode, recordingLog } from "../backend/fakes.js";

/** Never answers; records the signal of each call and resolves `aborted` with its reason. */
class StuckDatastore implements IpDatastore {
  readonly aborted: Promise<unknown>[] = [];
  #wait(signal?: AbortSignal): Promise<never> {
    this.aborted.push(new Promise((resolve) => signal?.addEventListener("abort", () => resolve(signal.reason), { once: true })));
    return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));
  }
  assign(_k: unknown, _m: unknown, signal?: AbortSignal): Promise<IpAssignment> {
    return this.#wait(signal);
  }
  release(_k: unknown, signal?: AbortSignal): Promise<IpAssignment | undefined> {
    return this.#wait(signal);
  }
}

const req = (id: string) => ({
  K8S_POD_NAME: "p", K8S_POD_NAMESPACE: "default", ContainerID: id, IfName: "eth0", NetworkName: "aws-cni",
  Netns: "/proc/1/ns/net", ClientVersion: CLIENT_VERSION, Reason: "PodDeleted",
});

describe("ipamd gRPC server: the client's deadline reaches the datastore", () => {
  let dir: string;
  let server: RunningGrpcServer;
  let cni: CniBackendClient;
  const datastore = new StuckDatastore();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "h9-deadline-"));
    const backend = createBackend({ datastore, pods: await nodePodsOf(testCluster(systemClock), "node-1", { adopt: true }), node: fakeNode(), clock: systemClock, log: recordingLog() });
    server = await startGrpcServer({ listen: `unix://${dir}/ipamd.sock`, backend, log: recordingLog() });
    cni = cniBackendClient(server.address);
  });
  afterAll(async () => {
    cni?.close();
    await server?.close(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const method of ["AddNetwork", "DelNetwork"] as const) {
    it(`${method}: the datastore call is aborted when the client's deadline passes`, async () => {
      const err = (await cni[method](req(`c-${method}`), { timeoutMs: 300 }).catch((e: unknown) => e)) as grpc.ServiceError;
      expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      // The datastore's signal fired with the server's reason (the fake records each abort).
      const reason = await datastore.aborted.at(-1);
      expect(String(reason)).toContain(`${method}: cancelled by the client or its deadline passed`);
    });
  }
});
