// mock-ipamd --serve-api: the embedded cluster served to kubectl, decided before anything starts.
import { describe, expect, it } from "vitest";
import { parseFlags, parseServeAddress, resolveConfig } from "../../../ipamd/config/index.js";

const cfg = (argv: string[]) => resolveConfig(parseFlags(argv));

describe("--serve-api", () => {
  it("is off by default; on, it writes the kubeconfig into the state dir unless told where", () => {
    expect(cfg([]).serveApi).toBeUndefined();
    expect(cfg(["--serve-api", "127.0.0.1:0", "--state-dir", "/tmp/x"]).serveApi).toEqual({ host: "127.0.0.1", port: 0, kubeconfig: "/tmp/x/kubeconfig" });
    expect(cfg(["--serve-api", "[::1]:6443", "--serve-api-kubeconfig", "/tmp/k"]).serveApi).toEqual({ host: "::1", port: 6443, kubeconfig: "/tmp/k" });
    expect(cfg(["--serve-api", "localhost:7000"]).serveApi?.host).toBe("localhost");
  });

  it("refuses a bad address, a non-loopback one, kube mode, and its companions without it", () => {
    expect(() => cfg(["--serve-api", "6443"])).toThrow('--serve-api: "6443" is not host:port; expected HOST:PORT');
    expect(() => cfg(["--serve-api", "127.0.0.1:70000"])).toThrow("expected HOST:PORT");
    expect(() => cfg(["--serve-api", "example.com:6443"])).toThrow("example.com is not an IP address");
    expect(() => cfg(["--serve-api", "0.0.0.0:6443"])).toThrow("not a loopback address");
    expect(() => cfg(["--serve-api", "10.1.2.3:6443"])).toThrow("needs --serve-api-allow-remote");
    expect(() => cfg(["--serve-api", "127.0.0.1:0", "--cluster", "kube", "--node-name", "n", "--ec2-endpoint", "http://e:1"])).toThrow("--serve-api needs --cluster memory");
    expect(() => cfg(["--serve-api-kubeconfig", "/tmp/k"])).toThrow("--serve-api-kubeconfig needs --serve-api");
    expect(() => cfg(["--serve-api-allow-remote"])).toThrow("--serve-api-allow-remote needs --serve-api");
  });

  it("serves beyond loopback only when allowed", () => {
    expect(cfg(["--serve-api", "0.0.0.0:6443", "--serve-api-allow-remote"]).serveApi).toMatchObject({ host: "0.0.0.0", port: 6443 });
    expect(parseServeAddress("10.1.2.3:1", true)).toEqual({ host: "10.1.2.3", port: 1 });
    expect(() => parseServeAddress("10.1.2.3:1", false)).toThrow("not a loopback address");
  });
});
