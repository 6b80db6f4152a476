// Offline validation of deploy/ (no Docker, kind or API server here): the manifests parse, refer
// to each other consistently, agree with the conflist, the daemon's flags and config schema, and
// the image recipe; install-cni.sh really installs into a CNI bin/conf dir.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseConfigFile, parseFlags } from "../../ipamd/config/index.js";
import { DEPLOY_DIR, daemonSetParts, loadDocs } from "./parts.js";
import type { K } from "./parts.js";

const run = promisify(execFile);

describe("deploy/daemonset.yaml", async () => {
  const docs = await loadDocs();
  const { ds, cm, initC, mainC, volumes, conflist, hostPathOf } = daemonSetParts(docs);

  it("holds a ServiceAccount, a ConfigMap and an apps/v1 DaemonSet, all in kube-system", () => {
    expect(docs.map((d) => `${d.apiVersion}/${d.kind}`)).toEqual(["v1/ServiceAccount", "v1/ConfigMap", "apps/v1/DaemonSet"]);
    for (const d of docs) expect(d.metadata?.namespace).toBe("kube-system");
  });

  it("selects its own pods and uses the objects it names", () => {
    const matchLabels = ds.spec.selector.matchLabels;
    expect(Object.keys(matchLabels).length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(matchLabels)) expect(ds.spec.template.metadata.labels[k]).toBe(v);
    const pod = ds.spec.template.spec;
    expect(pod.serviceAccountName).toBe(docs[0]?.metadata?.name);
    expect(volumes.find((v) => v.configMap)?.configMap?.name).toBe(cm.metadata?.name);
    for (const c of [initC, mainC]) for (const m of c.volumeMounts ?? []) expect(volumes.map((v) => v.name)).toContain(m.name);
    // A CNI runs before any pod network exists and must land on NotReady nodes.
    expect(pod.hostNetwork).toBe(true);
    expect(pod.tolerations).toContainEqual({ operator: "Exists" });
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

  it("starts mock-ipamd with flags and a config file it accepts", () => {
    const flags = parseFlags(mainC.args ?? []);
    const cfgMount = mainC.volumeMounts?.find((m) => m.name === volumes.find((v) => v.configMap)?.name)?.mountPath;
    expect(flags.config).toBe(`${cfgMount}/config.yaml`);
    expect(flags.nodeName).toBe("$(NODE_NAME)");
    expect(mainC.env?.find((e) => e.name === "NODE_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("spec.nodeName");
    const cfg = parseConfigFile(cm.data?.["config.yaml"] ?? "", "config.yaml");
    expect(cfg.sgpNamespaces).toEqual(["sgp-demo"]);
  });
});

describe("deploy/Dockerfile and the image the DaemonSet runs", async () => {
  const dockerfile = await readFile(join(DEPLOY_DIR, "Dockerfile"), "utf8");
  const { initC, mainC } = daemonSetParts(await loadDocs());

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
  });

  it("provides what the manifests exec: the entrypoint daemon, install-cni.sh and the plugin", async () => {
    expect(initC.image).toBe(mainC.image);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/app\/dist\/cmd\/mock-ipamd\.js"\]/);
    expect(initC.command).toEqual(["/bin/sh", "/app/install-cni.sh"]);
    expect(dockerfile).toContain("COPY deploy/install-cni.sh /app/install-cni.sh");
    const script = await readFile(join(DEPLOY_DIR, "install-cni.sh"), "utf8");
    expect(script).toContain('SRC_BIN="${SRC_BIN:-/app/dist/bin/mock-vpc-cni}"');
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

  it("is a kind v1alpha4 Cluster without the default CNI", () => {
    expect([kind.apiVersion, kind.kind]).toEqual(["kind.x-k8s.io/v1alpha4", "Cluster"]);
    expect(kind.networking?.disableDefaultCNI).toBe(true);
    expect(kind.nodes?.map((n) => n.role)).toContain("control-plane");
  });
});
