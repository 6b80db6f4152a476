// Property-based tests of the plugin's parsers (issue #10, item 6), seeded and bounded by run
// count: whatever comes in, a parser hands out only values that pass the shared rules, or throws a
// CniError with the spec's code for that input; never another exception, never a raw newline in a
// problem text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  containerIdProblem,
  ifNameProblem,
  netnsPathProblem,
  networkNameProblem,
  parseEndpoint,
  parseIfName,
  parseIpv4,
  parseMac,
  podNameProblem,
  podNamespaceProblem,
  podUidProblem,
  tokenProblem,
} from "../../../common/boundary/index.js";
import { MAX_TIMER_MS } from "../../../common/duration.js";
import { parseCniArgs } from "../../../plugin/cni/args.js";
import { parsePrevResult } from "../../../plugin/cni/convert.js";
import { parseEnv } from "../../../plugin/cni/env.js";
import { isCniError } from "../../../plugin/cni/errors.js";
import { parseNetConf } from "../../../plugin/cni/netconf.js";
import { dummyIfName } from "../../../plugin/verbs/naming.js";
import { parseAddReply } from "../../../plugin/verbs/reply.js";
import { readPrevResult } from "../../../plugin/verbs/result.js";
import * as A from "./arbitraries.js";

const RUNS = { seed: 20_251_205, numRuns: 400 };

function noRawControl(text: string): void {
  expect(text).not.toMatch(/[\u0000-\u001f]/);
}

/** Runs fn; a thrown value must be a CniError with one of `codes`, its texts one line each. */
function parsedOrCode<T>(fn: () => T, codes: readonly number[]): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!isCniError(e)) throw new Error(`not a CniError: ${String(e)}`);
    expect(codes).toContain(e.code);
    noRawControl(e.message);
    noRawControl(e.details ?? "");
    return undefined;
  }
}

describe("fuzz: netconf", () => {
  it("any JSON value: a netconf, or code 1, 6 or 7", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), A.hostile(64)), (text) => {
        parsedOrCode(() => parseNetConf(text), [1, 6, 7]);
      }),
      RUNS,
    );
  });

  it("our keys with valid and hostile values: every accepted value passes its rule", () => {
    fc.assert(
      fc.property(A.netconf, (keys) => {
        const conf = parsedOrCode(() => parseNetConf(JSON.stringify({ cniVersion: "1.0.0", type: "mock-vpc-cni", ...keys })), [6, 7]);
        if (conf === undefined) return;
        expect(networkNameProblem(conf.name)).toBeUndefined();
        expect(parseIfName(`${conf.vethPrefix}0123456789a`).ok).toBe(true);
        expect(conf.ipamdTimeoutMs).toBeGreaterThanOrEqual(1);
        expect(conf.ipamdTimeoutMs).toBeLessThanOrEqual(MAX_TIMER_MS);
        expect(parseEndpoint(conf.ipamdAddress, { what: "x" }).ok).toBe(true);
        expect(conf.stateDir.startsWith("/")).toBe(true);
        expect(conf.mtu >= 576 && conf.mtu <= 9001).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("fuzz: the env table and CNI_ARGS", () => {
  const env = fc.record({
    CNI_COMMAND: fc.oneof(fc.constantFrom("ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION"), A.hostile(6)),
    CNI_CONTAINERID: A.containerId,
    CNI_NETNS: fc.oneof(fc.constantFrom("", "/var/run/netns/cni-1", "/proc/1/ns/net"), A.hostile().map((s) => `/run/netns/${s}`), A.hostile()),
    CNI_IFNAME: A.ifName,
    CNI_ARGS: fc.oneof(A.cniArgs, A.hostile()),
    CNI_PATH: fc.oneof(fc.constant("/opt/cni/bin"), A.hostile()),
  });

  it("hands out only values that pass the shared rules, or code 4", () => {
    fc.assert(
      fc.property(env, (e) => {
        const parsed = parsedOrCode(() => parseEnv(e), [4]);
        if (parsed === undefined) return;
        if (parsed.containerId !== "") expect(containerIdProblem(parsed.containerId)).toBeUndefined();
        if (parsed.ifName !== "") expect(ifNameProblem(parsed.ifName)).toBeUndefined();
        if (parsed.netns !== "") expect(netnsPathProblem(parsed.netns)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("CNI_ARGS: valid Kubernetes names and uids, or code 4 with a one-line message", () => {
    fc.assert(
      fc.property(fc.oneof(A.cniArgs, A.hostile(80)), (raw) => {
        try {
          const k = parseCniArgs(raw);
          expect(podNameProblem(k.podName)).toBeUndefined();
          expect(podNamespaceProblem(k.podNamespace)).toBeUndefined();
          expect(podUidProblem(k.podUid)).toBeUndefined();
        } catch (e) {
          expect(isCniError(e) && e.code).toBe(4);
          noRawControl((e as Error).message);
        }
      }),
      RUNS,
    );
  });
});

describe("fuzz: prevResult", () => {
  it("arbitrary JSON: a result, or code 7", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => void parsedOrCode(() => parsePrevResult(v), [7])), RUNS);
  });

  it("our own shape with hostile fields: the facts DEL and CHECK plan from are typed, or a one-line problem", () => {
    fc.assert(
      fc.property(A.prevResult, (make) => {
        const dummy = dummyIfName("default", "web");
        const prev = parsedOrCode(() => parsePrevResult(make(dummy, "/var/run/netns/x")), [7]);
        if (prev === undefined) return;
        const facts = readPrevResult(prev, "eth0", dummy);
        if (!facts.ok) {
          noRawControl(facts.problem);
          return;
        }
        if (facts.value === undefined) return;
        if (facts.value.ipv4 !== undefined) expect(parseIpv4(facts.value.ipv4).ok).toBe(true);
        if (facts.value.gateway !== undefined) expect(parseIpv4(facts.value.gateway).ok).toBe(true);
        expect(Number.isInteger(facts.value.routeTable) && facts.value.routeTable > 0).toBe(true);
        expect(facts.value.vlanId === 0 || (facts.value.vlanId >= 1 && facts.value.vlanId <= 4094)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("fuzz: ipamd's reply", () => {
  it("a lease whose every value is a safe word of its type, or a one-line problem", () => {
    fc.assert(
      fc.property(A.addReply(7), (reply) => {
        const p = parseAddReply(reply);
        if (!p.ok) {
          noRawControl(p.problem);
          return;
        }
        const lease = p.value;
        if (lease === undefined) return;
        expect(parseIpv4(lease.ipv4).ok).toBe(true);
        expect(tokenProblem(String(lease.routeTable))).toBeUndefined();
        if (lease.branch !== undefined) {
          expect(parseMac(lease.branch.eniMac).ok).toBe(true);
          expect(parseIpv4(lease.branch.subnetGateway).ok).toBe(true);
          expect(lease.branch.vlanId >= 1 && lease.branch.vlanId <= 4094).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
