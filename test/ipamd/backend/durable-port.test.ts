// The backend on the real DurableDatastore (memory checkpoint): the RPC's AbortSignal reaches the
// datastore, so a client that gave up (deadline, cancel) is not kept waiting on a checkpoint write.

import { beforeEach, describe, expect, it, vi } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { HarnessError } from "../../../common/errors.js";
import type { Backend } from "../../../ipamd/backend/index.js";
import { createBackend, durableIpDatastore } from "../../../ipamd/backend/index.js";
import { MemoryCheckpoint } from "../../../ipamd/checkpoint/index.js";
import { Datastore, DurableDatastore } from "../../../ipamd/datastore/index.js";
import type { AddNetworkRequest, DelNetworkRequest } from "../../../proto/rpc.js";
import { CLIENT_VERSION } from "../../../proto/rpc.js";
import { recorderFor } from "../../../cluster/client/index.js";
import { nodePodsOf, testCluster } from "../../helpers/cluster.js";
import type { TestCluster } from "../../helpers/cluster.js";
import { eni, key } from "../datastore/fixtures.js";
import { fakeNode, recordingLog } from "./fakes.js";

const add = (id: string): AddNetworkRequest => ({
  K8S_POD_NAME: "web", K8S_POD_NAMESPACE: "default", K8S_POD_INFRA_CONTAINER_ID: id, Netns: "", IfName: "eth0",
  NetworkName: "aws-cni", ContainerID: id, ClientVersion: CLIENT_VERSION, RequiresMultiNICAttachment: false,
});
const del = (id: string): DelNetworkRequest => ({
  K8S_POD_NAME: "web", K8S_POD_NAMESPACE: "default", K8S_POD_INFRA_CONTAINER_ID: id, Reason: "PodDeleted", IfName: "eth0",
  NetworkName: "aws-cni", ContainerID: id, ClientVersion: CLIENT_VERSION, K8S_POD_UID: "",
});

/** Settles within a short real-time window, or says it is still waiting. */
const settled = <T>(p: Promise<T>): Promise<unknown> =>
  Promise.race([p.then((v) => ({ value: v }), (e: unknown) => ({ error: e })), new Promise((r) => setTimeout(() => r("still waiting"), 200))]);

describe("backend with the durable datastore: the RPC's AbortSignal", () => {
  let checkpoint: MemoryCheckpoint;
  let datastore: Datastore;
  let backend: Backend;
  let store: TestCluster;
  const deadline = new HarnessError("deadline", "AddNetwork: cancelled by the client or its deadline passed");

  beforeEach(async () => {
    const clock = new FakeClock(0);
    checkpoint = new MemoryCheckpoint();
    datastore = new Datastore({ clock, cooldownMs: 0 });
    datastore.addEni(eni(0, 3));
    store = testCluster(clock);
    backend = createBackend({
      datastore: durableIpDatastore(new DurableDatastore(datastore, checkpoint)), pods: await nodePodsOf(store, "node-1", { adopt: true }),
      events: recorderFor(store.cluster, { clock, source: "aws-node" }), node: fakeNode(), clock, log: recordingLog(),
    });
  });

  it("an ADD whose caller gives up during the checkpoint write rejects at once with the abort reason; the lease stays and is durable", async () => {
    checkpoint.hold();
    const ac = new AbortController();
    const pending = backend.addNetwork(add("c1"), ac.signal);
    // Give up once the lease's checkpoint write has begun (the pod is looked up first).
    await vi.waitFor(() => expect(datastore.lookup(key("c1"))).toBeDefined());
    ac.abort(deadline);
    expect(await settled(pending)).toEqual({ error: deadline });
    // Not an ipamd failure: no AddNetworkFailed event for a reply nobody receives.
    expect(store.listEvents({ name: "web" }).some((e) => e.reason === "AddNetworkFailed")).toBe(false);
    expect(checkpoint.release()).toBe(1);
    await Promise.resolve();
    const again = await backend.addNetwork(add("c1"));
    expect(again.IPAllocationMetadata[0]?.IPv4Addr).toBe(datastore.lookup(key("c1"))?.ip);
    expect(checkpoint.data?.allocations.map((a) => a.containerID)).toEqual(["c1"]);
  });

  it("an ADD aborted before it runs assigns nothing", async () => {
    const ac = new AbortController();
    ac.abort(deadline);
    await expect(backend.addNetwork(add("c2"), ac.signal)).rejects.toBe(deadline);
    expect(datastore.lookup(key("c2"))).toBeUndefined();
    expect(checkpoint.saves).toBe(0);
  });

  it("a DEL whose caller gives up during the checkpoint write rejects at once", async () => {
    await backend.addNetwork(add("c3"));
    checkpoint.hold();
    const ac = new AbortController();
    const pending = backend.delNetwork(del("c3"), ac.signal);
    ac.abort(deadline);
    expect(await settled(pending)).toEqual({ error: deadline });
    checkpoint.release();
  });
});
