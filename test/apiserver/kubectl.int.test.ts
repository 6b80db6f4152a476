// kubectl as the third-party client of `vpc-cni-harness api-server`, run as its own process.
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { StartedApiServer } from "../helpers/apiserver.js";
import { deployManifests, kubectlPath, needKubectl, startApiServerProcess } from "../helpers/apiserver.js";
import { describeIf } from "../helpers/prereq.js";
import { eventually } from "../helpers/wait.js";

const POD = (name: string, labels = "app: web", limits = "") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${labels}}
spec:
  containers:
  - name: app
    image: registry.k8s.io/pause:3.10
${limits === "" ? "" : `    resources: {limits: {${limits}}}\n`}`;

const NODE = (name: string, podEni: number) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {node.kubernetes.io/instance-type: m5.large}
status:
  capacity: {pods: "29", vpc.amazonaws.com/pod-eni: "${podEni}"}
  allocatable: {pods: "29", vpc.amazonaws.com/pod-eni: "${podEni}"}
  conditions: [{type: Ready, status: "True"}]
`;

const event = (pod: { name: string; uid: string }, i: number, type: string, reason: string, message: string, component: string) => JSON.stringify({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: `${pod.name}.e${i}`, namespace: "default" },
  involvedObject: { apiVersion: "v1", kind: "Pod", namespace: "default", name: pod.name, uid: pod.uid },
  type, reason, message, source: { component },
  // After the Scheduled event, in order (describe sorts by lastTimestamp; milliseconds are kept).
  firstTimestamp: new Date(Date.now() + i * 10).toISOString(),
  lastTimestamp: new Date(Date.now() + i * 10).toISOString(),
  count: 1,
});

/** Every kind the deploy manifests use, written here until deploy/ has them (applyDeployDir covers those). */
const DEPLOY_KINDS = `apiVersion: v1
kind: ServiceAccount
metadata: {name: vpc-resource-controller, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "vpc-resource-controller"}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch, patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "vpc-resource-controller"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vpc-resource-controller}
subjects: [{kind: ServiceAccount, name: vpc-resource-controller, namespace: kube-system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: leader-election, namespace: kube-system}
rules: [{apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: leader-election, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: leader-election}
subjects: [{kind: ServiceAccount, name: vpc-resource-controller, namespace: kube-system}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vpc-resource-controller, namespace: kube-system}
spec:
  replicas: 1
  selector: {matchLabels: {app: vpc-resource-controller}}
  template:
    metadata: {labels: {app: vpc-resource-controller}}
    spec:
      serviceAccountName: vpc-resource-controller
      containers: [{name: controller, image: "vpc-cni-harness:dev", args: ["--provisioning-delay", "2s"]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: mock-ipamd, namespace: kube-system}
spec:
  selector: {matchLabels: {app: mock-ipamd}}
  template:
    metadata: {labels: {app: mock-ipamd}}
    spec:
      hostNetwork: true
      containers:
      - name: ipamd
        image: "vpc-cni-harness:dev"
        env: [{name: MY_NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: vpc-resource-mutating-webhook}
webhooks:
- name: mpod.vpc.k8s.aws
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Ignore
  clientConfig: {service: {name: webhook-service, namespace: kube-system, path: /mutate-v1-pod}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
`;

describeIf(needKubectl(), "kubectl against vpc-cni-harness api-server", () => {
  let s: StartedApiServer;
  beforeAll(async () => {
    s = await startApiServerProcess();
  });
  afterAll(async () => {
    expect(await s.stop()).toBe(0);
  });

  it("creates a pod and lists it with get pods -o json", async () => {
    const created = await s.kubectl(["create", "-f", "-"], POD("plain", "app: other"));
    expect(created).toMatchObject({ exitCode: 0, stdout: "pod/plain created" });
    const got = await s.kubectl(["get", "pods", "-o", "json"]);
    const list = JSON.parse(got.stdout) as { kind: string; items: { metadata: { name: string; uid: string }; status: { phase: string } }[] };
    expect(list.kind).toBe("List");
    const pod = list.items.find((p) => p.metadata.name === "plain");
    expect(pod?.status.phase).toBe("Pending");
    expect(pod?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("schedules a pod, and describe pod shows its events in order with the real texts", async () => {
    await s.kubectl(["apply", "-f", "-"], NODE("node-a", 9));
    expect((await s.kubectl(["create", "-f", "-"], POD("sgp-pod", "app: web", "vpc.amazonaws.com/pod-eni: '1'"))).exitCode).toBe(0);
    await eventually("the scheduler binds sgp-pod", async () => (await s.kubectl(["get", "pod", "sgp-pod", "-o", "jsonpath={.spec.nodeName}"])).stdout === "node-a");
    const uid = (await s.kubectl(["get", "pod", "sgp-pod", "-o", "jsonpath={.metadata.uid}"])).stdout;
    const pod = { name: "sgp-pod", uid };
    const sandbox = "0".repeat(64);
    const events = [
      event(pod, 1, "Normal", "SecurityGroupRequested", "Pod will get the following Security Groups [sg-0123456789abcdef0]", "vpc-resource-controller"),
      event(pod, 2, "Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container`, "kubelet"),
      event(pod, 3, "Normal", "ResourceAllocated", `Allocated [{"eniId":"eni-0123","ifAddress":"06:74:5b:7b:54:3a","privateIp":"10.0.0.5","vlanId":1,"subnetCidr":"10.0.0.0/24"}] to the pod`, "vpc-resource-controller"),
      event(pod, 4, "Normal", "Started", "Started container app", "kubelet"),
    ];
    for (const e of events) expect((await s.kubectl(["create", "-f", "-"], e)).exitCode).toBe(0);
    const described = await s.kubectl(["describe", "pod", "sgp-pod"]);
    expect(described.exitCode).toBe(0);
    const lines = described.stdout.split("\n");
    const at = (reason: string): number => lines.findIndex((l) => new RegExp(`\\b${reason}\\b`).test(l));
    const order = ["Scheduled", "SecurityGroupRequested", "FailedCreatePodSandBox", "ResourceAllocated", "Started"].map(at);
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(described.stdout).toContain("Successfully assigned default/sgp-pod to node-a");
    expect(described.stdout).toMatch(/default-scheduler\s+Successfully assigned/);
    expect(described.stdout).toContain("failed to setup network for sandbox");
    expect(described.stdout).toMatch(/Node:\s+node-a/);
  });

  it("get events with a field selector lists only that object's events", async () => {
    const r = await s.kubectl(["get", "events", "--field-selector", "involvedObject.name=sgp-pod,type=Warning"]);
    expect(r.exitCode).toBe(0);
    const rows = r.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(rows.slice(1).map((l) => l.split(/\s+/)[2])).toEqual(["FailedCreatePodSandBox"]);
    expect(rows[1]).toContain("pod/sgp-pod");
    const bad = await s.kubectl(["get", "events", "--field-selector", "spec.nope=x"]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("field label not supported: spec.nope");
  });

  it("get pods shows the real columns, and label selectors filter", async () => {
    const r = await s.kubectl(["get", "pods", "-o", "wide"]);
    expect(r.stdout.split("\n")[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(r.stdout).toMatch(/sgp-pod\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+node-a/);
    const sel = await s.kubectl(["get", "pods", "-l", "app in (web,db)", "-o", "name"]);
    expect(sel.stdout.trim()).toBe("pod/sgp-pod");
    const neg = await s.kubectl(["get", "pods", "-l", "app!=web", "-o", "name"]);
    expect(neg.stdout.trim()).toBe("pod/plain");
    const nodes = await s.kubectl(["get", "nodes"]);
    expect(nodes.stdout).toMatch(/node-a\s+Ready\s+<none>/);
  });

  it("get sgp and get cnd show the CRDs' printer columns", async () => {
    const sgp = `apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  securityGroups: {groupIds: [sg-0123456789abcdef0]}
`;
    expect((await s.kubectl(["apply", "-f", "-"], sgp)).stdout).toBe("securitygrouppolicy.vpcresources.k8s.aws/web created");
    const cnd = "apiVersion: vpcresources.k8s.aws/v1alpha1\nkind: CNINode\nmetadata: {name: node-a}\nspec: {features: [{name: SecurityGroupsForPods}]}\n";
    expect((await s.kubectl(["apply", "-f", "-"], cnd)).exitCode).toBe(0);
    const g = await s.kubectl(["get", "sgp"]);
    expect(g.stdout).toMatch(/^NAME\s+SECURITY-GROUP-IDS\s+AGE\nweb\s+\["sg-0123456789abcdef0"\]\s+\S+/);
    const c = await s.kubectl(["get", "cnd"]);
    expect(c.stdout).toMatch(/^NAME\s+FEATURES\s+AGE\nnode-a\s+\[\{"name":"SecurityGroupsForPods"\}\]\s+\S+/);
    const strict = await s.kubectl(["apply", "-f", "-"], sgp.replace("podSelector:", "bogus: 1\n  podSelector:"));
    expect(strict.exitCode).not.toBe(0);
    expect(strict.stderr).toContain('unknown field "spec.bogus"');
  });

  it("get pods -w receives an annotation change made by another client", async () => {
    const w = execa(kubectlPath() ?? "kubectl", ["get", "pods", "-w"], { env: { KUBECONFIG: s.kubeconfig }, buffer: false, reject: false });
    let out = "";
    w.stdout?.on("data", (c: Buffer) => void (out += c.toString()));
    const plainLines = (): number => out.split("\n").filter((l) => l.startsWith("plain ")).length;
    try {
      // The list is printed first; the watch then starts from the list's resourceVersion, so a
      // change made after the list line appeared cannot be missed.
      await eventually("kubectl get pods -w to list the pods", () => plainLines() === 1);
      expect((await s.kubectl(["annotate", "pod", "plain", 'vpc.amazonaws.com/pod-eni=[{"eniId":"eni-0abc"}]'])).exitCode).toBe(0);
      await eventually("kubectl get pods -w to print the change", () => plainLines() === 2);
    } finally {
      w.kill("SIGTERM");
      await w;
    }
    expect(out.split("\n")[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const annotated = JSON.parse((await s.kubectl(["get", "pod", "plain", "-o", "json"])).stdout) as { metadata: { annotations: Record<string, string> } };
    expect(annotated.metadata.annotations["vpc.amazonaws.com/pod-eni"]).toBe('[{"eniId":"eni-0abc"}]');
  });

  it("patches with merge, strategic and JSON patch, and deletes", async () => {
    expect((await s.kubectl(["patch", "pod", "plain", "--type=merge", "-p", '{"metadata":{"labels":{"m":"1"}}}'])).exitCode).toBe(0);
    expect((await s.kubectl(["patch", "pod", "plain", "-p", '{"spec":{"containers":[{"name":"app","image":"registry.k8s.io/pause:3.9"}]}}'])).exitCode).toBe(0);
    expect((await s.kubectl(["patch", "pod", "plain", "--type=json", "-p", '[{"op":"add","path":"/metadata/labels/j","value":"2"}]'])).exitCode).toBe(0);
    const pod = JSON.parse((await s.kubectl(["get", "pod", "plain", "-o", "json"])).stdout) as { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } };
    expect(pod.metadata.labels).toMatchObject({ app: "other", m: "1", j: "2" });
    expect(pod.spec.containers.map((c) => c.image)).toEqual(["registry.k8s.io/pause:3.9"]);
    const sgpPatch = await s.kubectl(["patch", "sgp", "web", "-p", '{"spec":{}}']);
    // kubectl turns the 415 into its own line, as against a real server.
    expect(sgpPatch.stderr).toContain("application/strategic-merge-patch+json is not supported by vpcresources.k8s.aws/v1beta1, Kind=SecurityGroupPolicy");
    // "plain" is bound to node-a: deleted gracefully (no kubelet here finishes it), then forced.
    expect((await s.kubectl(["delete", "pod", "plain", "--wait=false"])).stdout).toBe('pod "plain" deleted');
    expect((await s.kubectl(["get", "pod", "plain"])).stdout).toMatch(/plain\s+0\/1\s+Terminating/);
    expect((await s.kubectl(["delete", "pod", "plain", "--grace-period=0", "--force"])).exitCode).toBe(0);
    expect((await s.kubectl(["get", "pod", "plain"])).stderr).toContain('pods "plain" not found');
  });

  it("apply --dry-run=server accepts every deploy kind and persists nothing", async () => {
    const rv = (await s.http("GET", "/api/v1/namespaces")).json?.metadata as { resourceVersion: string };
    const r = await s.kubectl(["apply", "--dry-run=server", "-f", "-"], DEPLOY_KINDS);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.endsWith("(server dry run)"))).toHaveLength(9);
    expect(((await s.http("GET", "/api/v1/namespaces")).json?.metadata as { resourceVersion: string }).resourceVersion).toBe(rv.resourceVersion);
    expect((await s.kubectl(["get", "deploy", "-A"])).stderr).toContain("No resources found");
  });

  it("apply --dry-run=server accepts every Kubernetes manifest in deploy/", async () => {
    const files = deployManifests();
    for (const f of files) {
      const r = await s.kubectl(["apply", "--dry-run=server", "-f", f]);
      expect(r.exitCode, `${f}: ${r.stderr}`).toBe(0);
    }
  });
});
