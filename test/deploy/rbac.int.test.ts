// deploy/rbac.yaml holds each process to what it uses. The embedded API server runs here with one
// token per ServiceAccount of rbac.yaml and refuses (403, as RBAC) every request its ClusterRole does
// not grant; every request is recorded. The controller and mock-ipamd --cluster kube (their own
// processes, each on its own token) then take an SGP pod and an ordinary pod through their whole
// life: node join, the webhook, provisioning, the annotation, the retry, ipamd's introspection,
// deletion, a controller restart and its resync. Nothing may be refused, and every granted verb
// must have been used (least privilege, measured rather than guessed).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_USER } from "../../apiserver/authz.js";
import type { RequestAttributes } from "../../apiserver/authz.js";
import { kubeconfigYaml, makeServingCert, startApiServer, writeKubeconfig } from "../../apiserver/index.js";
import type { ApiServer } from "../../apiserver/index.js";
import { createKubeCluster } from "../../cluster/client/kube/index.js";
import type { KubeCluster } from "../../cluster/client/kube/index.js";
import { buildPod } from "../../cluster/k8s/index.js";
import type { K8sObject } from "../../cluster/k8s/types.js";
import { createObjectStore } from "../../cluster/store/index.js";
import type { ObjectStore } from "../../cluster/store/index.js";
import { systemClock } from "../../common/clock.js";
import { startScheduler, storePort } from "../../scheduler/index.js";
import type { KubeletObservation } from "../../runtime/index.js";
import { CLIENT_VERSION } from "../../proto/rpc.js";
import { cniBackendClient } from "../helpers/daemon.js";
import { startKubeNode, launchInstance, startControllerProcess } from "../helpers/kube-node.js";
import type { KubeNode } from "../helpers/kube-node.js";
import { startMockEc2 } from "../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../helpers/mock-ec2.js";
import type { ReadyProcess } from "../helpers/process.js";
import { eventually } from "../helpers/wait.js";
import { one, loadFile } from "./parts.js";
import type { K } from "./parts.js";
import { allows, grants, usedGrants } from "./rbac.js";

const NODE = "node-rbac";
const SA = (name: string): string => `system:serviceaccount:kube-system:${name}`;
const CONTROLLER = "vpc-resource-controller";
const IPAMD = "mock-vpc-cni";

/** Each ServiceAccount's rules, through its ClusterRoleBinding. */
function rolesBySubject(docs: readonly K.Doc[]): Map<string, K.Rule[]> {
  const out = new Map<string, K.Rule[]>();
  for (const b of docs.filter((d): d is K.Binding => d.kind === "ClusterRoleBinding")) {
    const role = one<K.Role>(docs, "ClusterRole", b.roleRef.name);
    for (const s of b.subjects) if (s.kind === "ServiceAccount") out.set(SA(s.name), [...(out.get(SA(s.name)) ?? []), ...role.rules]);
  }
  return out;
}

const show = (a: RequestAttributes): string => `${a.verb} ${a.apiGroup}/${a.resource}${a.subresource === "" ? "" : `/${a.subresource}`} ${a.namespace}/${a.name}`;

describe("deploy/rbac.yaml against what the controller and mock-ipamd do", () => {
  let dir: string;
  let store: ObjectStore;
  let server: ApiServer;
  let scheduler: { stop(): void };
  let ec2: StartedMockEc2;
  let admin: KubeCluster;
  let controller: ReadyProcess;
  let node: KubeNode;
  let roles: Map<string, K.Rule[]>;
  let controllerKubeconfig: string;
  const requests: RequestAttributes[] = [];
  const refused: RequestAttributes[] = [];
  const observed: KubeletObservation[] = [];
  const running = (name: string): boolean => observed.some((o) => o.kind === "running" && o.pod.name === name);
  const controllerArgs = ["--provisioning-delay", "300ms", "--cooldown", "30s", "--delete-pass-interval", "1s", "--resync", "1s"];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rbac-"));
    const rbac = await loadFile("rbac.yaml");
    roles = rolesBySubject(rbac);
    store = createObjectStore({ clock: systemClock });
    const tls = makeServingCert(["127.0.0.1"]);
    const token = (): string => randomBytes(24).toString("base64url");
    const tokens = { admin: token(), [CONTROLLER]: token(), [IPAMD]: token() };
    server = await startApiServer({
      store, host: "127.0.0.1", port: 0, token: tokens.admin, tls,
      users: new Map([[tokens[CONTROLLER], SA(CONTROLLER)], [tokens[IPAMD], SA(IPAMD)]]),
      authorize: (a) => {
        if (a.user === ADMIN_USER) return true;
        requests.push(a);
        const ok = allows(roles.get(a.user) ?? [], a);
        if (!ok) refused.push(a);
        return ok;
      },
    });
    scheduler = startScheduler(storePort(store, systemClock), { clock: systemClock });
    const kubeconfig = (who: string, t: string): string => {
      const path = join(dir, `${who}.kubeconfig`);
      writeKubeconfig(path, kubeconfigYaml(server.url, tls.caPem, t));
      return path;
    };
    admin = createKubeCluster({ kubeconfig: kubeconfig("admin", tokens.admin) });
    controllerKubeconfig = kubeconfig(CONTROLLER, tokens[CONTROLLER]);
    // What `kubectl apply` of deploy/ leaves that the processes rely on: the webhook configuration
    // (the controller may only patch it) and the sample SecurityGroupPolicy.
    const mwc = one(await loadFile("controller.yaml"), "MutatingWebhookConfiguration") as K8sObject;
    store.create({ group: "admissionregistration.k8s.io", plural: "mutatingwebhookconfigurations" }, "", mwc);
    const sgp = one(await loadFile("sample-sgp.yaml"), "SecurityGroupPolicy") as K8sObject;
    store.create({ group: "vpcresources.k8s.aws", plural: "securitygrouppolicies" }, "default", sgp);
    ec2 = await startMockEc2();
    await launchInstance(ec2.endpoint, NODE);
    controller = await startControllerProcess(controllerKubeconfig, ec2.endpoint, controllerArgs);
    node = await startKubeNode({
      dir, nodeName: NODE, ec2Endpoint: ec2.endpoint, kubeletCluster: admin,
      ipamdKubeconfig: kubeconfig(IPAMD, tokens[IPAMD]), observe: (o) => void observed.push(o),
    });
  });

  afterAll(async () => {
    await node?.stop();
    await controller?.stop();
    scheduler?.stop();
    await server?.close();
    await ec2?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("runs an SGP pod and an ordinary pod through their lives, a controller restart included, with no request refused", async () => {
    await admin.pods.create(buildPod({ namespace: "default", name: "web", labels: { app: "web" } }));
    await admin.pods.create(buildPod({ namespace: "default", name: "plain", labels: { app: "other" } }));
    await eventually("both pods to run", () => running("web") && running("plain"), 60_000);
    // The webhook answered (the controller pointed the configuration at itself): the SGP pod asked for a branch ENI.
    const web = await admin.pods.get({ namespace: "default", name: "web" });
    expect(web?.limits["vpc.amazonaws.com/pod-eni"]).toBe("1");
    expect(web?.annotations["vpc.amazonaws.com/pod-eni"]).toMatch(/^\[\{"eniId":"eni-/);
    // ipamd's introspection reads the cluster too.
    for (const path of ["/v1/pods", "/v1/events"]) expect((await fetch(`${node.ipamd.introspectionUrl}${path}`)).status).toBe(200);
    for (const name of ["web", "plain"]) await admin.pods.delete({ namespace: "default", name });
    await eventually("both pods to be gone", async () => (await admin.pods.list({ namespace: "default" })).items.length === 0, 60_000);
    // A restart rebuilds from the pods and EC2, then resyncs.
    expect(await controller.stop()).toBe(0);
    const before = requests.length;
    controller = await startControllerProcess(controllerKubeconfig, ec2.endpoint, controllerArgs);
    await admin.pods.create(buildPod({ namespace: "default", name: "web2", labels: { app: "web" } }));
    await eventually("web2 to run after the restart", () => running("web2"), 60_000);
    expect(requests.length).toBeGreaterThan(before);
    expect(refused.map(show)).toEqual([]);
  });

  it("takes the paths only trouble takes: a CNINode without the feature, failed provisioning (aggregated events), an ADD for a pod the informer lacks", async () => {
    const ref = { namespace: "", name: NODE };
    // The CNINode lost its feature (made by someone else, an older CNI): a restarted ipamd adds it back.
    await admin.cniNodes.patch(ref, { spec: { features: [] } });
    const ipamd = await node.restartIpamd();
    expect((await admin.cniNodes.get(ref))?.features.map((f) => f.name)).toEqual(["SecurityGroupsForPods"]);
    // EC2 out of addresses: the controller's provisioning fails again and again, the same event
    // each time, which the recorder aggregates; ipamd refuses the pod's ADDs alike.
    await ec2.harness.setFaults({ subnetExhausted: true });
    await admin.pods.create(buildPod({ namespace: "default", name: "stuck", labels: { app: "web" } }));
    const countOf = async (reason: string): Promise<number> =>
      Math.max(0, ...(await admin.events.list({ namespace: "default" })).items.filter((e) => e.involvedObject.name === "stuck" && e.reason === reason).map((e) => e.count));
    await eventually("BranchAllocationFailed to repeat", async () => (await countOf("BranchAllocationFailed")) >= 2, 30_000);
    const cni = cniBackendClient(ipamd.address);
    const add = (name: string, id: string) => cni.AddNetwork({
      K8S_POD_NAME: name, K8S_POD_NAMESPACE: "default", K8S_POD_INFRA_CONTAINER_ID: id, ContainerID: id, IfName: "eth0",
      NetworkName: "aws-cni", Netns: `/var/run/netns/${id}`, ClientVersion: CLIENT_VERSION,
    });
    try {
      await eventually("ipamd's informer to see stuck on the node", async () => (await admin.pods.get({ namespace: "default", name: "stuck" }))?.nodeName === NODE, 30_000);
      for (const id of ["stuck1", "stuck2"]) expect((await add("stuck", id)).Success).toBe(false);
      await eventually("AddNetworkFailed to repeat", async () => (await countOf("AddNetworkFailed")) >= 2, 30_000);
      // A pod its informer does not hold: ipamd asks the API server once.
      expect((await add("ghost", "ghost1")).Success).toBe(false);
    } finally {
      cni.close();
      await ec2.harness.setFaults({ subnetExhausted: false });
    }
    await eventually("stuck to run once EC2 has addresses again", () => running("stuck"), 60_000);
    expect(refused.map(show)).toEqual([]);
  });

  it.each([
    { who: CONTROLLER },
    { who: IPAMD },
  ])("$who's ClusterRole grants nothing it did not use", ({ who }) => {
    const rules = roles.get(SA(who)) ?? [];
    const mine = requests.filter((a) => a.user === SA(who));
    expect(mine.length).toBeGreaterThan(0);
    const used = usedGrants(rules, mine);
    expect(grants(rules).filter((g) => !used.includes(g)), `used: ${used.join(", ")}`).toEqual([]);
  });
});
