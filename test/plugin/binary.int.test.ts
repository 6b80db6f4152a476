// Tier 3: the BUILT mock-vpc-cni binary exec'd with env + stdin (as libcni does) against a gRPC
// rpc.CNIBackend on a temp Unix socket, `"dataplane": "none"` so nothing on the host changes.
// (Start-up and ADD latency are measured by npm run measure:binary, not asserted here.)
import { execa } from "execa";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAILURE_DETAILS_KEY, FAILURE_REASON_KEY } from "../../plugin/client/types.js";
import { fileAttachmentStore } from "../../plugin/verbs/state-file.js";
import { okAdd, REPO, startTestServer, type TestServer } from "./client/test-server.js";

const BIN = join(REPO, "dist", "bin", "mock-vpc-cni");

/** Newest mtime under the plugin's sources, to rebuild a stale binary. */
function newestSource(): number {
  const walk = (dir: string): number[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [statSync(join(dir, e.name)).mtimeMs] : [],
    );
  return Math.max(...walk(join(REPO, "plugin")), statSync(join(REPO, "cmd", "mock-vpc-cni.ts")).mtimeMs);
}

let server: TestServer;
let stateDir: string;

beforeAll(async () => {
  if (!existsSync(BIN) || statSync(BIN).mtimeMs < newestSource()) {
    await execa("npm", ["run", "build"], { cwd: REPO, env: { BUILD_ALLOW_TYPE_ERRORS: "1" }, stdio: "inherit" });
  }
  server = await startTestServer();
  stateDir = mkdtempSync(join(tmpdir(), "h1-plugin-state-"));
});

afterAll(async () => {
  await server?.stop();
  if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> | undefined;
}

function conf(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { cniVersion: "1.0.0", name: "aws-cni", type: "mock-vpc-cni", ipamdAddress: server.address, ipamdTimeout: "2s", dataplane: "none", stateDir, ...extra };
}

async function run(command: string, stdin: string, env: Record<string, string> = {}, cwd?: string): Promise<Run> {
  const r = await execa(BIN, [], {
    env: {
      CNI_COMMAND: command,
      CNI_CONTAINERID: "abc123",
      CNI_NETNS: "/var/run/netns/h1-none",
      CNI_IFNAME: "eth0",
      CNI_ARGS: "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1;K8S_POD_INFRA_CONTAINER_ID=abc123",
      CNI_PATH: "/opt/cni/bin",
      ...env,
    },
    extendEnv: false,
    ...(cwd === undefined ? {} : { cwd }),
    input: stdin,
    reject: false,
    timeout: 20_000,
  });
  const out = String(r.stdout).trim();
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), json: out === "" ? undefined : (JSON.parse(out) as Record<string, unknown>) };
}


describe("mock-vpc-cni binary", () => {
  it("VERSION prints the supported versions and needs nothing else", async () => {
    const r = await run("VERSION", "", { CNI_CONTAINERID: "", CNI_NETNS: "", CNI_IFNAME: "" });
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ cniVersion: "1.1.0", supportedVersions: ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] });
  });

  it("ADD succeeds against the daemon and answers in the config's version", async () => {
    server.onAdd = () => okAdd("10.0.0.7");
    const r = await run("ADD", JSON.stringify(conf({ cniVersion: "0.4.0" })));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ cniVersion: "0.4.0", ips: [{ version: "4", interface: 1, address: "10.0.0.7/32" }] });
    expect(server.adds.at(-1)).toMatchObject({ K8S_POD_NAME: "web-1", ContainerID: "abc123", Netns: "/var/run/netns/h1-none" });
  });

  it("ADD over the grpc-js transport gives the same answer as the default http2 one", async () => {
    server.onAdd = () => okAdd("10.0.0.17");
    const r = await run("ADD", JSON.stringify(conf({ ipamdTransport: "grpc-js" })), { CNI_CONTAINERID: "h2pod" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ cniVersion: "1.0.0", ips: [{ interface: 1, address: "10.0.0.17/32" }] });
    // Release builds of aws-cni send ClientVersion "" (docs/REFERENCE.md §2); so does our plugin by default.
    expect(server.adds.at(-1)).toMatchObject({ ContainerID: "h2pod", ClientVersion: "" });
  });

  it("ADD refused (Success=false): the exact error JSON on stdout and exit 1", async () => {
    server.onAdd = () => ({ Success: false, trailers: { [FAILURE_REASON_KEY]: "branch-eni-not-ready", [FAILURE_DETAILS_KEY]: "provisioning since 0.1s" } });
    const r = await run("ADD", JSON.stringify(conf()));
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.json).toMatchObject({ cniVersion: "1.0.0", code: 999, msg: "add cmd: failed to assign an IP address to container" });
    expect(String(r.json?.details)).toContain("branch-eni-not-ready");
  });

  it("daemon unreachable: code 11 with the address", async () => {
    const r = await run("ADD", JSON.stringify(conf({ ipamdAddress: `unix://${stateDir}/nobody.sock` })));
    expect(r.code).toBe(1);
    expect(r.json?.code).toBe(11);
    expect(String(r.json?.details)).toContain(`${stateDir}/nobody.sock`);
  });

  it("DEL of a pod the daemon does not know: exit 0, nothing on stdout", async () => {
    server.onDel = () => ({ error: { code: 2, details: "datastore: unknown pod" } });
    const r = await run("DEL", JSON.stringify(conf()), { CNI_NETNS: "" });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toBe("");
    expect(server.dels.at(-1)).toMatchObject({ Reason: "PodDeleted", ContainerID: "abc123" });
  });

  it("STATUS: 0 when serving, code 50 when unreachable", async () => {
    const ok = await run("STATUS", JSON.stringify(conf({ cniVersion: "1.1.0" })));
    expect(ok.code, ok.stdout).toBe(0);
    const down = await run("STATUS", JSON.stringify(conf({ cniVersion: "1.1.0", ipamdAddress: `unix://${stateDir}/nobody.sock` })));
    expect(down.code).toBe(1);
    expect(down.json?.code).toBe(50);
  });

  it("GC releases the attachments it recorded that are no longer valid", async () => {
    server.onAdd = () => okAdd("10.0.0.8");
    server.onDel = () => ({ Success: true });
    expect((await run("ADD", JSON.stringify(conf({ cniVersion: "1.1.0" })), { CNI_CONTAINERID: "gc1" })).code).toBe(0);
    const before = server.dels.length;
    const valid = [
      { containerID: "abc123", ifname: "eth0" },
      { containerID: "h2pod", ifname: "eth0" },
      { containerID: "logpod", ifname: "eth0" },
    ];
    const r = await run("GC", JSON.stringify(conf({ cniVersion: "1.1.0", "cni.dev/valid-attachments": valid })));
    expect(r.code, r.stdout).toBe(0);
    expect(server.dels.slice(before).map((d) => [d.ContainerID, d.Reason])).toEqual([["gc1", "GarbageCollected"]]);
  });

  it("logs go to pluginLogFile when set, never to stdout", async () => {
    server.onAdd = () => okAdd("10.0.0.30");
    const logFile = join(stateDir, "plugin.log");
    const r = await run("ADD", JSON.stringify(conf({ pluginLogFile: logFile, pluginLogLevel: "debug" })), { CNI_CONTAINERID: "logpod" });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.containerId === "logpod" && l.verb === "ADD")).toBe(true);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("pluginLogFile in a directory that does not exist yet: the directory is made, as aws-cni's log writer does", async () => {
    server.onAdd = () => okAdd("10.0.0.32");
    const logFile = join(stateDir, "aws-routed-eni", "plugin.log");
    const r = await run("ADD", JSON.stringify(conf({ pluginLogFile: logFile })), { CNI_CONTAINERID: "logdir" });
    expect(r.code, r.stdout).toBe(0);
    expect(readFileSync(logFile, "utf8")).toContain('"containerId":"logdir"');
  });

  it('pluginLogFile "stdout" logs to stderr: stdout keeps its one document, no file named stdout appears', async () => {
    server.onAdd = () => okAdd("10.0.0.31");
    const r = await run("ADD", JSON.stringify(conf({ pluginLogFile: "stdout", pluginLogLevel: "Debug" })), { CNI_CONTAINERID: "stdoutlog" }, stateDir);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.json).toMatchObject({ ips: [{ address: "10.0.0.31/32" }] });
    expect(r.stderr).toContain('"containerId":"stdoutlog"');
    expect(existsSync(join(stateDir, "stdout"))).toBe(false);
  });

  it.each([
    ["invalid JSON", "ADD", "{", {}, 6],
    ["missing name", "ADD", JSON.stringify({ cniVersion: "1.0.0", type: "mock-vpc-cni" }), {}, 7],
    ["unsupported cniVersion", "ADD", JSON.stringify({ cniVersion: "0.2.0", name: "n" }), {}, 1],
    ["missing CNI_NETNS and CNI_IFNAME", "ADD", JSON.stringify({ cniVersion: "1.0.0", name: "n" }), { CNI_NETNS: "", CNI_IFNAME: "" }, 4],
    ["bad container id", "DEL", JSON.stringify({ cniVersion: "1.0.0", name: "n" }), { CNI_CONTAINERID: "a/b" }, 4],
    ["CHECK below 0.4.0", "CHECK", JSON.stringify({ cniVersion: "0.3.1", name: "n" }), {}, 1],
    ["GC below 1.1.0", "GC", JSON.stringify({ cniVersion: "1.0.0", name: "n" }), {}, 1],
  ] as const)("%s: exit 1, one error document with the spec's code, no stack on stdout", async (_name, verb, stdin, env, code) => {
    const r = await run(verb, stdin, env);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.json?.code).toBe(code);
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });

  it("huge stdin: code 6, not a crash", async () => {
    const r = await run("ADD", JSON.stringify(conf({ pad: "x".repeat(3 << 20) })));
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ code: 6, msg: "network configuration too large" });
  });

  it("a prevResult nested 50,000 deep is code 6 before anything is done (was: a stack overflow after the pod was configured)", async () => {
    const adds = server.adds.length;
    const stdin = JSON.stringify(conf()).replace(/}$/, `,"prevResult":${"[".repeat(50_000)}${"]".repeat(50_000)}}`);
    const r = await run("ADD", stdin, { CNI_CONTAINERID: "deep1" });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ code: 6, msg: "network configuration nested too deep" });
    expect(server.adds.length).toBe(adds);
  });

  it("an ipamdTimeout of 2^31 ms works (was: every ADD failed, the timer overflowed)", async () => {
    server.onAdd = () => okAdd("10.0.0.40");
    const r = await run("ADD", JSON.stringify(conf({ ipamdTimeout: `${2 ** 31}ms` })), { CNI_CONTAINERID: "longdeadline" });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ ips: [{ address: "10.0.0.40/32" }] });
  });

  it("a FIFO as CNI_NETNS is refused with code 4 at once, never opened (was: ADD blocked 30 s), and the IP is released", async () => {
    const fifo = join(stateDir, "netns-fifo");
    execFileSync("mkfifo", [fifo]);
    server.onAdd = () => okAdd("10.0.0.41");
    server.onDel = () => ({ Success: true });
    const dels = server.dels.length;
    const r = await run("ADD", JSON.stringify(conf({ dataplane: "iproute2" })), { CNI_CONTAINERID: "fifo1", CNI_NETNS: fifo });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ code: 4, msg: `add command: "${fifo}" is not a network namespace` });
    expect(server.dels.slice(dels).map((d) => [d.ContainerID, d.Reason])).toEqual([["fifo1", "SetupNSFailed"]]);
  });

  it("a container id and a network name longer than a file name may be: ADD records the attachment, DEL removes it (was: ENAMETOOLONG swallowed)", async () => {
    server.onAdd = () => okAdd("10.0.0.42");
    server.onDel = () => ({ Success: true });
    const id = "c".repeat(600);
    const name = "n".repeat(300);
    const add = await run("ADD", JSON.stringify(conf({ name })), { CNI_CONTAINERID: id });
    expect(add.code, add.stdout).toBe(0);
    expect((await fileAttachmentStore(stateDir).list(name)).map((r) => r.containerId)).toEqual([id]);
    const del = await run("DEL", JSON.stringify(conf({ name })), { CNI_CONTAINERID: id });
    expect(del.code, del.stdout).toBe(0);
    expect(await fileAttachmentStore(stateDir).list(name)).toEqual([]);
  });

  it("parallel ADDs for different containers are safe (each its own IP and record)", async () => {
    server.onAdd = (req) => okAdd(`10.0.2.${Number(req.ContainerID.slice(3))}`);
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => run("ADD", JSON.stringify(conf({ ipamdTransport: "http2" })), { CNI_CONTAINERID: `par${i}`, CNI_ARGS: `K8S_POD_NAMESPACE=p;K8S_POD_NAME=pod${i}` })),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const ips = runs.map((r) => (r.json as { ips: { address: string }[] }).ips[0]?.address);
    expect(new Set(ips).size).toBe(6);
    const records = await fileAttachmentStore(stateDir).list("aws-cni");
    expect(records.filter((r) => r.containerId.startsWith("par"))).toHaveLength(6);
  });
});
