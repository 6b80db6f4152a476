// Offline validation of deploy/ (no Docker, kind or API server here): the manifests parse, refer
// to each other consistently (service accounts, roles, the webhook's Service and configuration, the
// EC2 endpoint), agree with the conflist, each process's own flag parser and config schema, the
// image recipe; install-cni.sh really installs into a CNI bin/conf dir. The API server's view
// (kubectl apply --dry-run=server) is in apply.int.test.ts; the roles' verbs in rbac.int.test.ts.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseSgp } from "../../cluster/k8s/index.js";
import { createObjectStore } from "../../cluster/store/index.js";
import { systemClock } from "../../common/clock.js";
import { cidrContains, ipToInt, parseCidr } from "../../common/ipv4.js";
import { instanceLimits } from "../../common/limits.js";
import { parseArgs as parseControllerArgs } from "../../controller/process/flags.js";
import { WEBHOOK_PATH } from "../../controller/process/webhook.js";
import { isWellFormedId } from "../../ec2/model/ids.js";
import { parseConfigFile, parseFlags, resolveConfig } from "../../ipamd/config/index.js";
import { REPO_ROOT } from "../helpers/daemon.js";
import { DEPLOY_DIR, daemonSetParts, flagValue, loadDocs, loadFile, one } from "./parts.js";
import type { K } from "./parts.js";

const run = promisify(execFile);
const SYSTEM = "kube-system";

describe("deploy/daemonset.yaml", async () => {
  const docs = await loadDocs();
  const rbac = await loadFile("rbac.yaml");
  const { ds, cm, initC, instanceC, mainC, volumes, conflist, hostPathOf } = daemonSetParts(docs);
  const pod = ds.spec.template.spec;

  it("holds a ConfigMap and an apps/v1 DaemonSet, in kube-system", () => {
    expect(docs.map((d) => `${d.apiVersion}/${d.kind}`)).toEqual(["v1/ConfigMap", "apps/v1/DaemonSet"]);
    for (const d of docs) expect(d.metadata?.namespace).toBe(SYSTEM);
  });

  it("selects its own pods, runs as rbac.yaml's ServiceAccount with its token mounted, and uses the objects it names", () => {
    const matchLabels = ds.spec.selector.matchLabels;
    expect(Object.keys(matchLabels).length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(matchLabels)) expect(ds.spec.template.metadata.labels[k]).toBe(v);
    expect(one(rbac, "ServiceAccount", pod.serviceAccountName).metadata?.namespace).toBe(SYSTEM);
    // mock-ipamd --cluster kube without --kubeconfig reads the in-cluster service account.
    expect(pod.automountServiceAccountToken).not.toBe(false);
    expect(volumes.find((v) => v.configMap)?.configMap?.name).toBe(cm.metadata?.name);
    for (const c of [instanceC, initC, mainC]) for (const m of c.volumeMounts ?? []) expect(volumes.map((v) => v.name)).toContain(m.name);
    // A CNI runs before any pod network exists and must land on NotReady nodes.
    expect(pod.hostNetwork).toBe(true);
    expect(pod.tolerations).toContainEqual({ operator: "Exists" });
  });

  it("finds the node's instance in EC2 first, then installs the plugin, then runs mock-ipamd", () => {
    expect(pod.initContainers?.map((c) => c.name)).toEqual(["instance", "install-cni"]);
    expect(instanceC.command).toEqual(["node", "/app/dist/cmd/vpc-cni-harness.js", "instance"]);
    expect(flagValue(instanceC.args, "--node-name")).toBe("$(NODE_NAME)");
    expect(instanceC.env?.find((e) => e.name === "NODE_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    expect(flagValue(instanceC.args, "--ec2-endpoint")).toBe(flagValue(mainC.args, "--ec2-endpoint"));
    expect(() => instanceLimits(flagValue(instanceC.args, "--instance-type") ?? "")).not.toThrow();
  });

  it("installs into the node's /opt/cni/bin and /etc/cni/net.d through the init container", () => {
    const env = Object.fromEntries((initC.env ?? []).map((e) => [e.name, e.value]));
    const mountFor = (hostPath: string): string | undefined =>
      initC.volumeMounts?.find((m) => hostPathOf(m.name) === hostPath)?.mountPath;
    expect(mountFor("/opt/cni/bin")).toBe(env["CNI_BIN_DIR"]);
    expect(mountFor("/etc/cni/net.d")).toBe(env["CNI_CONF_DIR"]);
    const cfgMount = initC.volumeMounts?.find((m) => m.name === volumes.find((v) => v.configMap)?.name)?.mountPath;
    expect(env["SRC_CONFLIST"]).toBe(`${cfgMount}/10-mock-vpc-cni.conflist`);
    expect(Object.keys(cm.data ?? {})).toContain("10-mock-vpc-cni.conflist");
  });

  it("ships a valid conflist of type mock-vpc-cni whose socket is the daemon's, on a shared hostPath", () => {
    expect(conflist.cniVersion).toBe("0.4.0");
    expect(conflist.plugins.map((p) => p.type)).toEqual(["mock-vpc-cni", "portmap"]);
    const plugin = conflist.plugins[0] ?? {};
    const flags = parseFlags(mainC.args ?? []);
    expect(flags.listen).toBe(plugin["ipamdAddress"]);
    const socketDir = dirname(String(plugin["ipamdAddress"]).replace(/^unix:\/\//, ""));
    expect(flags.stateDir).toBe(socketDir);
    const runMount = mainC.volumeMounts?.find((m) => m.mountPath === socketDir);
    expect(runMount && hostPathOf(runMount.name)).toBe(socketDir);
    const logDir = dirname(String(plugin["pluginLogFile"]));
    expect(volumes.some((v) => v.hostPath?.path === logDir)).toBe(true);
  });

  it("starts mock-ipamd --cluster kube with the downward API's node name, in-cluster credentials and a config it accepts", () => {
    expect(mainC.command).toEqual(["node", "/app/dist/cmd/mock-ipamd.js"]);
    const flags = parseFlags(mainC.args ?? []);
    const cfgMount = mainC.volumeMounts?.find((m) => m.name === volumes.find((v) => v.configMap)?.name)?.mountPath;
    expect(flags.config).toBe(`${cfgMount}/config.yaml`);
    expect(flags.nodeName).toBe("$(NODE_NAME)");
    expect(mainC.env?.find((e) => e.name === "NODE_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    expect(flags.kubeconfig).toBeUndefined();
    const config = resolveConfig(flags, (p) => {
      expect(p).toBe(flags.config);
      return cm.data?.["config.yaml"] ?? "";
    });
    expect(config.cluster).toEqual({ mode: "kube", kubeconfig: undefined, ec2Endpoint: "http://10.96.0.20:4566", fabric: { enabled: true, uplink: "eth0" } });
    expect(config.node.trunk).toBe(true);
    const file = parseConfigFile(cm.data?.["config.yaml"] ?? "", "config.yaml");
    // What only the embedded (memory) cluster reads would be dead text here.
    expect(Object.keys(file).sort()).toEqual(["node", "warmPool"]);
    expect(Object.keys(file.node ?? {}).sort()).toEqual(["trunk", "vpcCidrs"]);
  });
});

describe("deploy/controller.yaml", async () => {
  const docs = await loadFile("controller.yaml");
  const rbac = await loadFile("rbac.yaml");
  const kind = parseYaml(await readFile(join(DEPLOY_DIR, "kind-config.yaml"), "utf8")) as K.KindCluster;
  const dep = one<K.Workload>(docs, "Deployment");
  const svc = one<K.Service>(docs, "Service");
  const mwc = one<K.WebhookConfig>(docs, "MutatingWebhookConfiguration");
  const pod = dep.spec.template.spec;
  const c = pod.containers[0] as K.Container;
  const cfg = parseControllerArgs(c.args ?? []);

  it("runs one controller (no leader election: never two side by side) on the control plane's host network", () => {
    expect(docs.map((d) => `${d.apiVersion}/${d.kind}`)).toEqual(["apps/v1/Deployment", "v1/Service", "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration"]);
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy?.type).toBe("Recreate");
    for (const [k, v] of Object.entries(dep.spec.selector.matchLabels)) expect(dep.spec.template.metadata.labels[k]).toBe(v);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.tolerations).toContainEqual({ operator: "Exists" });
    expect(pod.nodeSelector).toEqual({ "node-role.kubernetes.io/control-plane": "" });
    expect(kind.nodes?.map((n) => n.role)).toContain("control-plane");
    expect(c.command).toEqual(["node", "/app/dist/cmd/mock-vpc-resource-controller.js"]);
  });

  it("uses rbac.yaml's ServiceAccount and in-cluster credentials, and the DaemonSet's EC2 (a fixed ClusterIP in kind's service range)", async () => {
    expect(one(rbac, "ServiceAccount", pod.serviceAccountName).metadata?.namespace).toBe(dep.metadata?.namespace);
    expect(cfg.kubeconfig).toBeUndefined();
    const { mainC } = daemonSetParts(await loadDocs());
    expect(cfg.ec2Endpoint).toBe(flagValue(mainC.args, "--ec2-endpoint"));
    const host = new URL(cfg.ec2Endpoint ?? "").hostname;
    expect(cidrContains(parseCidr(kind.networking?.serviceSubnet ?? ""), ipToInt(host))).toBe(true);
  });

  it("serves the webhook behind its Service, which the configuration names, with failurePolicy Ignore (docs/REFERENCE.md §8)", () => {
    const port = Number((cfg.webhookListen ?? "").split(":").pop());
    expect(c.ports?.map((p) => p.containerPort)).toEqual([port]);
    expect(c.readinessProbe?.tcpSocket?.port).toBe(port);
    expect(cfg.webhookService).toEqual({ namespace: svc.metadata?.namespace, name: svc.metadata?.name });
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: "webhook", port: 443, targetPort: port, protocol: "TCP" }]);
    expect(mwc.metadata?.name).toBe(cfg.webhookConfigName);
    expect(mwc.metadata?.name).toBe("vpc-resource-mutating-webhook");
    const [hook] = mwc.webhooks;
    expect(mwc.webhooks).toHaveLength(1);
    expect(hook).toMatchObject({ name: "mpod.vpc.k8s.aws", failurePolicy: "Ignore", sideEffects: "None", admissionReviewVersions: ["v1"] });
    expect(hook?.clientConfig).toEqual({ service: { namespace: svc.metadata?.namespace, name: svc.metadata?.name, path: WEBHOOK_PATH, port: 443 } });
    expect(hook?.rules).toEqual([{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "Namespaced" }]);
  });

  it("may patch only its own webhook configuration (the CA it makes at start), and create none", () => {
    const role = one<K.Role>(rbac, "ClusterRole", pod.serviceAccountName);
    const rules = role.rules.filter((r) => r.resources.includes("mutatingwebhookconfigurations"));
    expect(rules).toEqual([{ apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], resourceNames: [mwc.metadata?.name], verbs: ["patch"] }]);
  });
});

describe("deploy/rbac.yaml", async () => {
  const rbac = await loadFile("rbac.yaml");
  const served = createObjectStore({ clock: systemClock }).resources();

  it("binds each ServiceAccount to the ClusterRole of its name, and only that", () => {
    const sas = rbac.filter((d) => d.kind === "ServiceAccount");
    expect(sas.map((s) => s.metadata?.name)).toEqual(["vpc-resource-controller", "mock-vpc-cni"]);
    for (const sa of sas) {
      const binding = one<K.Binding>(rbac, "ClusterRoleBinding", sa.metadata?.name);
      expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: sa.metadata?.name });
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: sa.metadata?.name, namespace: SYSTEM }]);
      one(rbac, "ClusterRole", sa.metadata?.name);
    }
    expect(rbac.filter((d) => d.kind === "ClusterRole" || d.kind === "ClusterRoleBinding")).toHaveLength(4);
  });

  it("names only resources (and subresources) an API server serves, with real verbs and no wildcard", () => {
    const verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
    for (const role of rbac.filter((d): d is K.Role => d.kind === "ClusterRole")) {
      for (const rule of role.rules) {
        for (const v of rule.verbs) expect(verbs, `${role.metadata?.name}: ${v}`).toContain(v);
        for (const res of rule.resources) {
          const [plural, sub] = res.split("/");
          const info = served.find((i) => rule.apiGroups.includes(i.group) && i.plural === plural);
          expect(info, `${role.metadata?.name}: ${rule.apiGroups.join(",")}/${res}`).toBeDefined();
          if (sub !== undefined) expect(info?.subresources).toContain(sub);
        }
      }
    }
  });
});

describe("deploy/sample-sgp.yaml", async () => {
  const docs = await loadFile("sample-sgp.yaml");

  it("is a SecurityGroupPolicy the controller parses, in a namespace every cluster has, with a well-formed EC2 security group", () => {
    expect(docs).toHaveLength(1);
    const raw = one(docs, "SecurityGroupPolicy");
    const sgp = parseSgp(raw);
    expect(raw.apiVersion).toBe("vpcresources.k8s.aws/v1beta1");
    // A server-side dry run cannot see a namespace created in the same apply.
    expect(sgp.namespace).toBe("default");
    expect(sgp.securityGroupIds.length).toBeGreaterThan(0);
    for (const id of sgp.securityGroupIds) expect(isWellFormedId("sg", id), id).toBe(true);
  });
});

describe("deploy/Dockerfile and the images the manifests run", async () => {
  const dockerfile = await readFile(join(DEPLOY_DIR, "Dockerfile"), "utf8");
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
  const files = (await readdir(DEPLOY_DIR)).filter((f) => f.endsWith(".yaml"));
  const containers: K.Container[] = [];
  for (const f of files) {
    for (const d of await loadFile(f)) {
      const spec = (d as Partial<K.Workload>).spec?.template?.spec;
      if (spec !== undefined) containers.push(...(spec.initContainers ?? []), ...spec.containers);
    }
  }

  it("is multi-stage: builds with npm, runs on a slim node image", () => {
    const froms = dockerfile.split("\n").filter((l) => l.startsWith("FROM "));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[0]).toMatch(/^FROM node:20\S* AS build$/);
    expect(froms.at(-1)).toMatch(/^FROM node:20\S*slim/);
    expect(dockerfile).toContain("RUN npm run build");
    expect(dockerfile).toContain("COPY --from=build /src/dist ./dist");
    // mock-ipamd loads proto/rpc.proto and proto/harness.proto at start-up, found above dist/.
    expect(dockerfile).toContain("COPY --from=build /src/proto ./proto");
    expect(dockerfile).toContain("COPY --from=build /src/package.json ./package.json");
    expect(dockerfile).not.toMatch(/^ENTRYPOINT/m);
  });

  it("runs in every container a command of this image: a package bin, or install-cni.sh", () => {
    expect(containers.length).toBeGreaterThanOrEqual(4);
    const bins = Object.values(pkg.bin).map((b) => `/app/${b}`);
    for (const c of containers) {
      expect(c.image, c.name).toBe("vpc-cni-harness:0.1.0");
      if (c.command?.[0] === "/bin/sh") {
        expect(c.command).toEqual(["/bin/sh", "/app/install-cni.sh"]);
        continue;
      }
      expect(c.command?.[0], c.name).toBe("node");
      expect(bins, c.name).toContain(c.command?.[1]);
      // The bin's source exists (dist/cmd/X.js is built from cmd/X.ts).
      expect(existsSync(join(REPO_ROOT, (c.command?.[1] ?? "").replace("/app/dist/", "").replace(/\.js$/, ".ts"))), c.name).toBe(true);
    }
    expect(dockerfile).toContain("COPY deploy/install-cni.sh /app/install-cni.sh");
  });

  it("ships the plugin install-cni.sh copies", async () => {
    const script = await readFile(join(DEPLOY_DIR, "install-cni.sh"), "utf8");
    expect(script).toContain('SRC_BIN="${SRC_BIN:-/app/dist/bin/mock-vpc-cni}"');
    expect(dockerfile).toContain("COPY --from=build /src/dist ./dist");
  });
});

describe("deploy/install-cni.sh", () => {
  it("installs the binary (mode 755) and the conflist atomically, leaving no temp file", async () => {
    const dir = await mkdtemp("/tmp/vch-install-");
    try {
      await writeFile(join(dir, "plugin"), "#!/bin/sh\necho fake\n");
      await writeFile(join(dir, "net.conflist"), '{"name":"x"}');
      const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", SRC_BIN: join(dir, "plugin"), SRC_CONFLIST: join(dir, "net.conflist"), CNI_BIN_DIR: join(dir, "bin"), CNI_CONF_DIR: join(dir, "net.d") };
      await run("sh", [join(DEPLOY_DIR, "install-cni.sh")], { env, timeout: 10_000 });
      expect((await stat(join(dir, "bin", "mock-vpc-cni"))).mode & 0o777).toBe(0o755);
      expect(await readFile(join(dir, "net.d", "10-mock-vpc-cni.conflist"), "utf8")).toBe('{"name":"x"}');
      expect([...(await readdir(join(dir, "bin"))), ...(await readdir(join(dir, "net.d")))]).toEqual(["mock-vpc-cni", "10-mock-vpc-cni.conflist"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("deploy/kind-config.yaml", async () => {
  const kind = parseYaml(await readFile(join(DEPLOY_DIR, "kind-config.yaml"), "utf8")) as K.KindCluster;

  it("is a kind v1alpha4 Cluster without the default CNI, whose nodes carry an instance type the harness knows", () => {
    expect([kind.apiVersion, kind.kind]).toEqual(["kind.x-k8s.io/v1alpha4", "Cluster"]);
    expect(kind.networking?.disableDefaultCNI).toBe(true);
    expect(kind.nodes?.map((n) => n.role)).toEqual(["control-plane", "worker"]);
    for (const n of kind.nodes ?? []) expect(() => instanceLimits(n.labels?.["node.kubernetes.io/instance-type"] ?? "")).not.toThrow();
  });
});
