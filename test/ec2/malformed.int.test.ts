// Malformed requests to mock-ec2 over real HTTP: each gets an EC2-shaped error (the right code and
// status), the server stays up, and nothing changes (the state document before and after).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockEc2 } from "../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../helpers/mock-ec2.js";

let svc: StartedMockEc2;
let subnet = "";

function sigv4(overrides: { credential?: string; signature?: string; signedHeaders?: string; date?: Date } = {}): Record<string, string> {
  const amz = (overrides.date ?? new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const cred = overrides.credential ?? `AKIDRAW/${amz.slice(0, 8)}/us-west-2/ec2/aws4_request`;
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=${overrides.signedHeaders ?? "content-type;host;x-amz-date"}, Signature=${overrides.signature ?? "0f".repeat(32)}`,
    "x-amz-date": amz,
  };
}

async function post(body: string, headers: Record<string, string> = sigv4(), contentType = "application/x-www-form-urlencoded; charset=utf-8") {
  const res = await fetch(svc.endpoint, { method: "POST", body, headers: { "content-type": contentType, ...headers } });
  const text = await res.text();
  return { status: res.status, text, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? "" };
}

beforeAll(async () => {
  svc = await startMockEc2({ args: ["--qps", "0"] });
  const r = await post("Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=cidr-block&Filter.1.Value.1=10.0.0.0%2F19");
  subnet = /<subnetId>([^<]+)</.exec(r.text)?.[1] ?? "";
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

describe("mock-ec2: malformed requests", () => {
  it("get EC2-shaped errors with EC2's codes and statuses, and change nothing", async () => {
    expect(subnet).toMatch(/^subnet-/);
    const create = `Action=CreateNetworkInterface&Version=2016-11-15&SubnetId=${subnet}`;
    const before = await svc.harness.state();
    const cases: [Promise<{ status: number; text: string; code: string }>, number, string][] = [
      [post(`Version=2016-11-15&SubnetId=${subnet}`), 400, "MissingAction"],
      [post(`Action=CreateNetworkInterface&SubnetId=${subnet}`), 400, "MissingParameter"],
      [post(`Action=CreateNetworkInterface&Version=2099-01-01&SubnetId=${subnet}`), 400, "InvalidParameterValue"],
      [post(`Action=CreateNetworkInterfaces&Version=2016-11-15&SubnetId=${subnet}`), 400, "InvalidAction"],
      [post(`${create}&SubnetIdd=${subnet}`), 400, "UnknownParameter"],
      [post(`${create}&Filter.1.Name=x`), 400, "UnknownParameter"],
      [post(`${create}&SecondaryPrivateIpAddressCount=1e3`), 400, "InvalidParameterValue"],
      [post(`${create}&SubnetId=%E0%A4%A`), 404, "MalformedQueryString"],
      [post(create, {}), 403, "MissingAuthenticationToken"],
      [post(create, { ...sigv4(), authorization: "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00" }), 400, "IncompleteSignature"],
      [post(create, { ...sigv4(), authorization: "AWS4-HMAC-SHA256 Credential" }), 400, "IncompleteSignature"],
      [post(create, sigv4({ credential: "AKIDRAW/us-west-2/ec2/aws4_request" })), 400, "IncompleteSignature"],
      [post(create, sigv4({ credential: `AKIDRAW/${new Date().toISOString().slice(0, 10).replaceAll("-", "")}/us-west-2/sqs/aws4_request` })), 400, "IncompleteSignature"],
      [post(create, sigv4({ signedHeaders: "content-type;x-amz-date" })), 400, "IncompleteSignature"],
      [post(create, sigv4({ signature: "forged" })), 401, "AuthFailure"],
      [post(create, sigv4({ date: new Date(Date.now() - 3_600_000) })), 400, "RequestExpired"],
      [post(create, sigv4(), "application/json"), 400, "InvalidRequest"],
      [post(`${create}&Description=${"x".repeat(2 << 20)}`), 413, "InvalidRequest"],
    ];
    for (const [reply, status, code] of cases) {
      const r = await reply;
      expect([r.status, r.code]).toEqual([status, code]);
      expect(r.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>[^<]+<\/Code><Message>[^<]*<\/Message><\/Error><\/Errors><RequestID>[^<]*<\/RequestID><\/Response>$/);
    }
    const other = await fetch(new URL("/2016-11-15/instances", svc.endpoint), { headers: sigv4() });
    expect(other.status).toBe(404);
    expect(await svc.harness.state()).toEqual(before);
    // Still serving, and the same request made well-formed works.
    expect((await post(create)).status).toBe(200);
  });

  it("the harness endpoints refuse bad JSON and unknown knobs without changing them", async () => {
    const put = (path: string, body: string) => fetch(new URL(path, svc.endpoint), { method: "PUT", body });
    expect((await put("/_harness/faults", "{")).status).toBe(400);
    expect((await put("/_harness/faults", JSON.stringify({ throttleRate: 2 }))).status).toBe(400);
    expect((await put("/_harness/limits", JSON.stringify({ burst: 0 }))).status).toBe(400);
    expect((await put("/_harness/nothing", "{}")).status).toBe(404);
    expect(await svc.harness.faults()).toEqual({ throttleRate: 0, failureRate: 0, subnetExhausted: false });
    expect(await svc.harness.limits()).toEqual({ qps: 0, burst: 18 });
  });
});
