import { describe, expect, it } from "vitest";
import { authHeaders, codeOf, newService } from "../helpers.js";

const subnetOf = (body: string): string => /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/.exec(body)?.[1] ?? "";

describe("fake EC2 service: the Query protocol", () => {
  it("answers in EC2's XML: the action's response element in the 2016-11-15 namespace, with a requestId", async () => {
    const t = await newService();
    const r = await t.call("DescribeVpcs");
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeVpcsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><vpcSet><item>/);
  });

  it("errors come as <Response><Errors><Error> with Code, Message and RequestID", async () => {
    const t = await newService();
    const r = await t.call("DeleteNetworkInterface", { NetworkInterfaceId: "eni-0123456789abcdef0" });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidNetworkInterfaceID.NotFound<\/Code><Message>The networkInterface ID 'eni-0123456789abcdef0' does not exist<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
  });

  it("malformed requests get EC2's codes and statuses, and change nothing", async () => {
    const t = await newService();
    const subnet = subnetOf((await t.call("DescribeSubnets")).body);
    const before = t.svc.state.snapshot();
    const writes = t.fs.writes;
    const now = t.clock.now();
    const auth = authHeaders(now);
    const cases: [Promise<{ status: number; body: string }>, number, string][] = [
      [t.svc.handle(auth, "Version=2016-11-15&SubnetId=" + subnet), 400, "MissingAction"],
      [t.svc.handle(auth, "Action=CreateNetworkInterface&SubnetId=" + subnet), 400, "MissingParameter"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, { version: "2014-10-01" }), 400, "InvalidParameterValue"],
      [t.call("LaunchRockets", {}), 400, "InvalidAction"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet, Colour: "blue" }), 400, "UnknownParameter"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet, "SecurityGroupId.1.Extra": "x" }), 400, "UnknownParameter"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet, SecondaryPrivateIpAddressCount: "two" }), 400, "InvalidParameterValue"],
      [t.call("CreateNetworkInterface", {}), 400, "MissingParameter"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet, DryRun: true }), 412, "DryRunOperation"],
      [t.svc.handle(auth, "Action=CreateNetworkInterface&Version=2016-11-15&SubnetId=%zz"), 404, "MalformedQueryString"],
      [t.svc.handle(auth, `Action=CreateNetworkInterface&Version=2016-11-15&SubnetId=${subnet}&SubnetId=${subnet}`), 404, "MalformedQueryString"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, { headers: {} }), 403, "MissingAuthenticationToken"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, { headers: { ...auth, authorization: "AWS4-HMAC-SHA256 Signature=abc" } }), 400, "IncompleteSignature"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, { headers: { ...auth, authorization: "Bearer xyz" } }), 400, "IncompleteSignature"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, {
        headers: { ...auth, authorization: String(auth.authorization).replace("/ec2/", "/s3/") },
      }), 400, "IncompleteSignature"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, {
        headers: { ...auth, authorization: String(auth.authorization).replace(/Credential=[^/]+\//, "Credential=") },
      }), 400, "IncompleteSignature"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, {
        headers: { ...auth, authorization: String(auth.authorization).replace(/Signature=\w+/, "Signature=not-hex") },
      }), 401, "AuthFailure"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, { headers: { authorization: auth.authorization } }), 400, "IncompleteSignature"],
      [t.call("CreateNetworkInterface", { SubnetId: subnet }, { headers: authHeaders(now - 20 * 60_000) }), 400, "RequestExpired"],
    ];
    for (const [reply, status, code] of cases) {
      const r = await reply;
      expect([r.status, codeOf(r.body)]).toEqual([status, code]);
    }
    expect(t.svc.state.snapshot()).toBe(before);
    expect(t.fs.writes).toBe(writes);
  });

  it("logs every call with its caller (the access key id), status and code", async () => {
    const t = await newService();
    await t.call("DescribeSubnets", {}, { headers: authHeaders(t.clock.now(), "aws-node-n1") });
    await t.call("DescribeSubnets", { Bogus: 1 });
    const { calls } = t.svc.calls.since(0);
    expect(calls.map((c) => [c.caller, c.action, c.status, c.code])).toEqual([
      ["aws-node-n1", "DescribeSubnets", 200, ""],
      ["AKIDTEST", "DescribeSubnets", 400, "UnknownParameter"],
    ]);
  });
});

describe("fake EC2 service: the account-wide rate limit and faults", () => {
  it("lets the burst through, then one call per 1/qps s; the rest get 503 RequestLimitExceeded", async () => {
    const t = await newService({ qps: 12, burst: 18 });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await t.call("DescribeVpcs")).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(18);
    expect(statuses.slice(18)).toEqual([503, 503]);
    const r = await t.call("DescribeVpcs");
    expect([r.status, codeOf(r.body)]).toEqual([503, "RequestLimitExceeded"]);
    await t.clock.advance(Math.ceil(1000 / 12));
    expect((await t.call("DescribeVpcs")).status).toBe(200);
    const tokened = t.svc.calls.since(0).calls.filter((c) => c.tokened);
    expect(tokened).toHaveLength(19);
  });

  it("every caller shares the one bucket", async () => {
    const t = await newService({ qps: 1, burst: 4 });
    const callers = ["controller", "aws-node-a", "aws-node-b", "aws-node-c", "aws-node-d"];
    const r = await Promise.all(callers.map((c) => t.call("DescribeVpcs", {}, { headers: authHeaders(t.clock.now(), c) })));
    expect(r.map((x) => x.status).sort()).toEqual([200, 200, 200, 200, 503]);
  });

  it("a throttle rate of 1 throttles everything; a failure rate of 1 fails everything with 500 InternalError and changes nothing", async () => {
    const t = await newService();
    const subnet = subnetOf((await t.call("DescribeSubnets")).body);
    const before = t.svc.state.snapshot();
    t.svc.faults = { throttleRate: 1, failureRate: 0, subnetExhausted: false };
    expect(codeOf((await t.call("CreateNetworkInterface", { SubnetId: subnet })).body)).toBe("RequestLimitExceeded");
    t.svc.faults = { throttleRate: 0, failureRate: 1, subnetExhausted: false };
    const r = await t.call("CreateNetworkInterface", { SubnetId: subnet });
    expect([r.status, codeOf(r.body)]).toEqual([500, "InternalError"]);
    expect(t.svc.state.snapshot()).toBe(before);
    t.svc.faults = { throttleRate: 0, failureRate: 0, subnetExhausted: true };
    expect(codeOf((await t.call("CreateNetworkInterface", { SubnetId: subnet })).body)).toBe("InsufficientFreeAddressesInSubnet");
  });
});

describe("fake EC2 service: durability", () => {
  it("acknowledges a change only after its write, and shares one write among concurrent changes", async () => {
    const t = await newService();
    const subnet = subnetOf((await t.call("DescribeSubnets")).body);
    const writes = t.fs.writes;
    const replies = await Promise.all(Array.from({ length: 50 }, () => t.call("CreateNetworkInterface", { SubnetId: subnet })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const stored = JSON.parse([...t.fs.files.values()][0] as string) as { enis: unknown[] };
    expect(stored.enis).toHaveLength(50);
    expect(t.fs.writes - writes).toBeGreaterThanOrEqual(1);
    expect(t.fs.writes - writes).toBeLessThan(10);
  });

  it("a failed write fails the change with InternalError and puts memory back to what the file holds", async () => {
    const t = await newService();
    const subnet = subnetOf((await t.call("DescribeSubnets")).body);
    const first = await t.call("CreateNetworkInterface", { SubnetId: subnet });
    const durable = t.svc.state.snapshot();
    t.fs.failWrites = true;
    const failed = await t.call("CreateNetworkInterface", { SubnetId: subnet });
    expect([failed.status, codeOf(failed.body)]).toEqual([500, "InternalError"]);
    expect(t.svc.state.snapshot()).toBe(durable);
    t.fs.failWrites = false;
    const again = await t.call("CreateNetworkInterface", { SubnetId: subnet });
    // Ids and addresses continue as if the failed change never happened (the RNG went back too):
    // the same as a service that never failed.
    const u = await newService();
    await u.call("CreateNetworkInterface", { SubnetId: subnet });
    const clean = await u.call("CreateNetworkInterface", { SubnetId: subnet });
    const id = (b: string) => /<networkInterfaceId>([^<]+)</.exec(b)?.[1];
    expect(id(again.body)).toBe(id(clean.body));
    expect(/<privateIpAddress>([^<]+)</.exec(again.body)?.[1]).toBe("10.0.0.5");
    expect(/<privateIpAddress>([^<]+)</.exec(first.body)?.[1]).toBe("10.0.0.4");
  });
});
