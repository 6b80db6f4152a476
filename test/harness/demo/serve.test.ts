// --serve-api for real-time runs: usage checks before anything starts, mock-ipamd's flags, what the
// ready line names, and what the user is told.
import { describe, expect, it } from "vitest";
import { parseDemoOptions } from "../../../harness/demo/index.js";
import { daemonArgs } from "../../../harness/demo/options.js";
import { checkServeApi, serveApiArgs, servedApiLines, servedApiOf } from "../../../harness/demo/serve.js";

describe("a run's --serve-api", () => {
  it("is checked before anything starts: loopback HOST:PORT only, not with --compare", () => {
    expect(checkServeApi(undefined)).toBeUndefined();
    expect(checkServeApi("127.0.0.1:0")).toBe("127.0.0.1:0");
    expect(() => checkServeApi("0.0.0.0:6443")).toThrow("not a loopback address");
    expect(() => checkServeApi("6443")).toThrow("expected HOST:PORT");
    expect(parseDemoOptions({ serveApi: "127.0.0.1:0", hold: true })).toMatchObject({ serveApi: "127.0.0.1:0", hold: true });
    expect(parseDemoOptions({})).toMatchObject({ serveApi: undefined, hold: false });
    expect(() => parseDemoOptions({ compare: true, serveApi: "127.0.0.1:0" })).toThrow("--compare runs the demo twice");
    expect(() => parseDemoOptions({ compare: true, hold: true })).toThrow("--compare runs the demo twice");
  });

  it("asks mock-ipamd to serve, with the kubeconfig in the run's temp dir", () => {
    expect(serveApiArgs(undefined, "/tmp/run")).toEqual([]);
    expect(serveApiArgs("127.0.0.1:0", "/tmp/run")).toEqual(["--serve-api", "127.0.0.1:0", "--serve-api-kubeconfig", "/tmp/run/kubeconfig"]);
    const o = parseDemoOptions({ serveApi: "[::1]:6443" });
    expect(daemonArgs(o, "/tmp/run").slice(0, 4)).toEqual(["--serve-api", "[::1]:6443", "--serve-api-kubeconfig", "/tmp/run/kubeconfig"]);
    expect(daemonArgs(parseDemoOptions({}), "/tmp/run")).not.toContain("--serve-api");
  });

  it("reads the API from the ready line and tells the user how to watch it", () => {
    expect(servedApiOf({ msg: "ready", grpc: "unix:///x" })).toBeUndefined();
    const api = servedApiOf({ msg: "ready", api: "https://127.0.0.1:40001", kubeconfig: "/tmp/run/kubeconfig" });
    expect(api).toEqual({ url: "https://127.0.0.1:40001", kubeconfig: "/tmp/run/kubeconfig" });
    const lines = servedApiLines(api!, "sgp-demo");
    expect(lines[0]).toContain("https://127.0.0.1:40001 (kubeconfig /tmp/run/kubeconfig,");
    expect(lines[1]).toContain("kubectl --kubeconfig /tmp/run/kubeconfig get pods -A -w");
    expect(lines[1]).toContain("describe pod -n sgp-demo <pod>");
  });
});
