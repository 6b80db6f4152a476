// As root, mock-ipamd makes each attached ENI a host link carrying the ENI's MAC; the trunk's
// ifindex is the branch reply's ParentIfIndex; SIGTERM removes the links.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { CLIENT_VERSION } from "../../proto/rpc.js";
import type { StartedDaemon } from "../helpers/daemon.js";
import { DAEMON_JS, cniBackendClient, startDaemon } from "../helpers/daemon.js";

const PREFIX = `h5t${process.pid % 1000}-`;
const links = (): { ifname: string; ifindex: number; address: string }[] =>
  (JSON.parse(execFileSync("ip", ["-j", "link", "show"], { encoding: "utf8" })) as { ifname: string; ifindex: number; address: string }[])
    .filter((l) => l.ifname.startsWith(PREFIX));

describe.skipIf(process.getuid?.() !== 0 || !existsSync(DAEMON_JS))("mock-ipamd host links (needs root: creates links; needs npm run build)", () => {
  let d: StartedDaemon | undefined;
  afterAll(async () => {
    await d?.stop("SIGKILL");
    for (const l of links()) execFileSync("ip", ["link", "del", l.ifname]);
  });

  it("creates the trunk link with the trunk ENI's MAC, answers its ifindex as ParentIfIndex, and removes links on SIGTERM", async () => {
    d = await startDaemon({ hostLinks: "on", args: ["--host-link-prefix", PREFIX, "--sgp-namespace", "sgp", "--provisioning-delay", "100ms"] });
    const node = await d.control.GetNode({});
    const trunkEni = (await d.control.ListENIs({})).enis.find((e) => e.trunk);
    const trunkLink = links().find((l) => l.ifname === trunkEni?.host_link);
    expect(trunkLink).toBeDefined();
    expect(trunkLink?.address).toBe(trunkEni?.mac);
    expect(node.trunk_ifindex).toBe(trunkLink?.ifindex);

    await d.control.CreatePod({ namespace: "sgp", name: "web", schedule: true });
    const cni = cniBackendClient(d.address);
    const req = { K8S_POD_NAME: "web", K8S_POD_NAMESPACE: "sgp", ContainerID: "s1", IfName: "eth0", NetworkName: "aws-cni", ClientVersion: CLIENT_VERSION };
    let reply = await cni.AddNetwork(req);
    for (let i = 0; i < 100 && !reply.Success; i++) {
      await new Promise((r) => setTimeout(r, 50));
      reply = await cni.AddNetwork(req);
    }
    cni.close();
    expect(reply.Success).toBe(true);
    expect(reply.ParentIfIndex).toBe(trunkLink?.ifindex);

    expect(await d.stop("SIGTERM")).toBe(0);
    d = undefined;
    expect(links()).toEqual([]);
  });
});
