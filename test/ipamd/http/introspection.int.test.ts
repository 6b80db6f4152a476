// Introspection and metrics HTTP on a loopback port: routes, read-only, and a bad request target
// answered 400 (a client error) rather than 500 with an error logged as a handler failure.

import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { introspectionHandler, metricsHandler } from "../../../ipamd/http/introspection.js";
import type { RunningHttp } from "../../../ipamd/http/listen.js";
import { startHttp } from "../../../ipamd/http/listen.js";

/** Sends one raw HTTP/1.1 request (fetch cannot send a malformed target) and returns the status line. */
function rawStatus(address: string, request: string): Promise<string> {
  const [host, port] = address.split(":") as [string, string];
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), host);
    let data = "";
    sock.setTimeout(5_000, () => sock.destroy(new Error("no answer in 5 s")));
    sock.on("data", (d: Buffer) => {
      data += d.toString();
      if (data.includes("\r\n")) {
        sock.destroy();
        resolve(data.split("\r\n")[0] ?? "");
      }
    });
    sock.on("error", reject);
    sock.write(request);
  });
}

describe("ipamd HTTP endpoints", () => {
  const errors: unknown[] = [];
  let intro: RunningHttp;
  let metrics: RunningHttp;
  beforeAll(async () => {
    intro = await startHttp("127.0.0.1:0", introspectionHandler({
      enis: () => [{ eniId: "eni-1" }], pods: () => [], events: (f) => [f], leases: () => [], node: () => ({}), envSettings: () => ({ WARM_ENI_TARGET: "1" }),
    }), (e) => errors.push(e));
    metrics = await startHttp("127.0.0.1:0", metricsHandler(async () => "awscni_add_ip_req_count 3\n", "text/plain"), (e) => errors.push(e));
  });
  afterAll(async () => {
    await intro?.close();
    await metrics?.close();
  });

  it("serves the routes as JSON and refuses writes", async () => {
    expect(await (await fetch(`http://${intro.address}/v1/enis`)).json()).toEqual([{ eniId: "eni-1" }]);
    expect(await (await fetch(`http://${intro.address}/v1/events?namespace=a&name=b`)).json()).toEqual([{ namespace: "a", name: "b" }]);
    expect((await fetch(`http://${intro.address}/v1/nope`)).status).toBe(404);
    expect((await fetch(`http://${intro.address}/v1/enis`, { method: "POST" })).status).toBe(405);
    expect(await (await fetch(`http://${metrics.address}/metrics`)).text()).toBe("awscni_add_ip_req_count 3\n");
  });

  it("answers an unparsable request target with 400 on both listeners, logging no handler failure", async () => {
    const bad = "GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n";
    expect(await rawStatus(intro.address, bad)).toBe("HTTP/1.1 400 Bad Request");
    expect(await rawStatus(metrics.address, bad)).toBe("HTTP/1.1 400 Bad Request");
    expect(errors).toEqual([]);
    // And they keep serving.
    expect((await fetch(`http://${intro.address}/v1/enis`)).status).toBe(200);
  });
});
