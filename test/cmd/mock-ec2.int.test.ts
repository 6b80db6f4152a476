// The mock-ec2 command line: --help, --version, exit 2 for usage errors (decided before anything
// starts), and a JSON ready line with the actual endpoint.

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MOCK_EC2_JS, startMockEc2 } from "../helpers/mock-ec2.js";

const run = (...args: string[]) => spawnSync(process.execPath, [MOCK_EC2_JS, ...args], { encoding: "utf8", timeout: 20_000 });

describe("mock-ec2 command line", () => {
  it("--help and --version answer and exit 0", () => {
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--listen <host:port>");
    expect(help.stdout).toContain("--subnet <cidr[@az]>");
    expect(run("--version")).toMatchObject({ status: 0, stdout: "0.1.0\n" });
  });

  it("usage errors exit 2 with a message naming the flag", () => {
    const cases: [string[], string][] = [
      [["--bogus"], "unknown option '--bogus'"],
      [["--listen", "0.0.0.0:4566"], "not a loopback address (127.x, ::1, localhost); the fake accepts any credentials, so listening beyond this machine needs --allow-remote"],
      [["--listen", "nowhere"], "--listen: \"nowhere\" is not host:port; expected HOST:PORT"],
      [["--vpc-cidr", "10.0.0.0/8"], "from /16 to /28"],
      [["--subnet", "10.1.0.0/24"], "is not inside the VPC 10.0.0.0/16"],
      [["--subnet", "10.0.0.0/24", "--subnet", "10.0.0.128/25"], "overlap"],
      [["--subnet", "10.0.0.0/24@eu-west-1a"], "is not in us-west-2"],
      [["--qps", "fast"], "--qps must be a number >= 0"],
      [["--burst", "0"], "--burst must be an integer >= 1"],
    ];
    for (const [args, msg] of cases) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(msg);
    }
  });

  it("logs one JSON ready line with the actual endpoint, VPC and subnets", async () => {
    const svc = await startMockEc2({ args: ["--subnet", "10.0.0.0/20@us-west-2a", "--subnet", "10.0.16.0/20@us-west-2b", "--qps", "5", "--burst", "7"] });
    try {
      expect(svc.ready).toMatchObject({
        msg: "ready", name: "mock-ec2", restored: false, region: "us-west-2", rateLimit: { qps: 5, burst: 7 },
        subnets: [{ cidr: "10.0.0.0/20", availabilityZone: "us-west-2a" }, { cidr: "10.0.16.0/20", availabilityZone: "us-west-2b" }],
      });
      expect(svc.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(svc.endpoint).not.toBe("http://127.0.0.1:0");
    } finally {
      expect(await svc.stop()).toBe(0);
    }
  });
});
