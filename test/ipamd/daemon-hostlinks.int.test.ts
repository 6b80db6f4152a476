// As root, mock-ipamd makes each attached ENI a host link carrying the ENI's MAC; the trunk's
// ifindex is the branch reply's ParentIfIndex; SIGTERM removes the links; after kill -9 a restarted
// daemon adopts the trunk link (same ifindex, branch links on it kept) and removes only stale ones.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { CLIENT_VERSION } from "../../proto/rpc.js";
import type { StartedDaemon } from "../helpers/daemon.js";
import { cniBackendClient, startDaemon } from "../helpers/daemon.js";
import { describeIf, needRoot } from "../helpers/prereq.js";

const PREFIX = `h5t${process.pid % 1000}-`;
const links = (): { ifname: string; ifindex: number; address: string }[] =>
  (JSON.parse(execFileSync("ip", ["-j", "link", "show"], { encoding: "utf8" })) as { ifname: string; ifindex: number; address: string }[])
    .filter((l) => l.ifname.startsWith(PREFIX));

/** Deleting a veth end or a parent takes its peer/children along: list again after each delete. */
function removeLinks(): void {
  for (let l = links()[0]; l !== undefined; l = links()[0]) execFileSync("ip", ["link", "del", l.ifname]);
}

describeIf(needRoot(), "mock-ipamd host links (needs root: creates links; needs npm run build)", () => {
  let d: StartedDaemon | undefined;
  afterAll(async () => {
    await d?.stop("SIGKILL");
    removeLinks();
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

  it("after kill -9, a restarted daemon adopts the trunk link: same ifindex, a branch pod's link on it survives, stale links go", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "h9-hostlinks-"));
    const args = ["--host-link-prefix", PREFIX, "--sgp-namespace", "sgp"];
    try {
      d = await startDaemon({ hostLinks: "on", stateDir, args });
      const before = (await d.control.GetNode({})).trunk_ifindex;
      const trunk = links().find((l) => l.ifindex === before);
      expect(trunk?.ifname).toBe(`${PREFIX}trunk1`);
      // What the plugin puts on the trunk for a branch pod here (macvlan fallback; vlan.eth.N on
      // real nodes): a child link, deleted with its parent if the trunk link is removed.
      execFileSync("ip", ["link", "add", `${PREFIX}vl2`, "link", trunk?.ifname ?? "", "type", "macvlan", "mode", "bridge"]);
      // A link of our prefix no ENI explains: an earlier run's leftover.
      execFileSync("ip", ["link", "add", `${PREFIX}eni9`, "type", "veth", "peer", "name", `${PREFIX}eni9p`]);
      await d.stop("SIGKILL", { keepState: true });
      d = undefined;

      d = await startDaemon({ hostLinks: "on", stateDir, args });
      expect((await d.control.GetNode({})).trunk_ifindex).toBe(before);
      const names = links().map((l) => l.ifname);
      expect(names).toContain(`${PREFIX}trunk1`);
      expect(names).toContain(`${PREFIX}vl2`);
      expect(names).not.toContain(`${PREFIX}eni9`);
      expect(d.logs.some((l) => l.msg === "removed host links left by an earlier run")).toBe(true);
    } finally {
      await d?.stop("SIGKILL");
      d = undefined;
      removeLinks();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
