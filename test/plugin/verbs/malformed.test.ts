// The malformed-input table: each bad input gets the exact CNI error code, one JSON document on
// stdout, exit 1, and nothing is called or changed (ipamd, dataplane, attachment store).
import { describe, expect, it } from "vitest";
import { MAX_NETCONF_BYTES } from "../../../plugin/cni/netconf.js";
import { invoke, netconf, newWorld, type Invocation } from "./fakes.js";

interface Case {
  name: string;
  inv: Invocation;
  code: number;
  msg?: RegExp;
}

const ADD = (extra: Partial<Invocation>): Invocation => ({ command: "ADD", conf: netconf("1.0.0"), ...extra });

const CASES: Case[] = [
  { name: "invalid JSON", inv: ADD({ stdin: '{"cniVersion": "1.0.0", "name": ' }), code: 6, msg: /decoding version/ },
  { name: "JSON that is not an object", inv: ADD({ stdin: "[1,2]" }), code: 6 },
  { name: "empty stdin", inv: ADD({ stdin: "" }), code: 6 },
  { name: "huge input", inv: ADD({ stdin: JSON.stringify({ ...netconf("1.0.0"), pad: "x".repeat(MAX_NETCONF_BYTES) }) }), code: 6, msg: /too large/ },
  { name: "unsupported cniVersion", inv: ADD({ conf: netconf("0.2.0") }), code: 1, msg: /^incompatible CNI versions$/ },
  { name: "missing cniVersion", inv: ADD({ conf: { name: "aws-cni", type: "mock-vpc-cni" } }), code: 1 },
  { name: "missing name", inv: ADD({ conf: { cniVersion: "1.0.0", type: "mock-vpc-cni" } }), code: 7, msg: /^missing network name$/ },
  { name: "invalid network name", inv: ADD({ conf: netconf("1.0.0", { name: "bad name" }) }), code: 7 },
  { name: "vethPrefix too long", inv: ADD({ conf: netconf("1.0.0", { vethPrefix: "abcde" }) }), code: 7, msg: /VethPrefix/ },
  { name: "mtu of the wrong type", inv: ADD({ conf: netconf("1.0.0", { mtu: 9001 }) }), code: 7, msg: /"mtu" must be a string/ },
  { name: "podSGEnforcingMode unknown", inv: ADD({ conf: netconf("1.0.0", { podSGEnforcingMode: "loose" }) }), code: 7, msg: /podSGEnforcingMode/ },
  { name: "ipamdTimeout not a duration", inv: ADD({ conf: netconf("1.0.0", { ipamdTimeout: "soon" }) }), code: 7, msg: /ipamdTimeout/ },
  { name: "ipamdAddress malformed", inv: ADD({ conf: netconf("1.0.0", { ipamdAddress: "/run/x.sock" }) }), code: 7, msg: /ipamdAddress/ },
  { name: "dataplane unknown", inv: ADD({ conf: netconf("1.0.0", { dataplane: "ebpf" }) }), code: 7, msg: /dataplane/ },
  { name: "runtimeConfig not an object", inv: ADD({ conf: netconf("1.0.0", { runtimeConfig: [1] }) }), code: 7, msg: /runtimeConfig/ },
  { name: "prevResult with a bad ips entry", inv: ADD({ conf: netconf("1.0.0", { prevResult: { ips: [{ address: 5 }] } }) }), code: 7, msg: /prevResult/ },
  { name: "missing CNI_COMMAND", inv: ADD({ env: { CNI_COMMAND: "" } }), code: 4, msg: /CNI_COMMAND/ },
  { name: "unknown CNI_COMMAND", inv: ADD({ env: { CNI_COMMAND: "ATTACH" } }), code: 4, msg: /^unknown CNI_COMMAND: ATTACH$/ },
  { name: "ADD without CNI_NETNS", inv: ADD({ env: { CNI_NETNS: undefined } }), code: 4, msg: /\[CNI_NETNS\] missing/ },
  { name: "ADD with empty CNI_CONTAINERID and CNI_IFNAME", inv: ADD({ env: { CNI_CONTAINERID: "", CNI_IFNAME: "" } }), code: 4, msg: /\[CNI_CONTAINERID,CNI_IFNAME\] missing/ },
  { name: "DEL without CNI_IFNAME", inv: { command: "DEL", conf: netconf("1.0.0"), env: { CNI_IFNAME: undefined } }, code: 4 },
  { name: "CHECK without CNI_NETNS", inv: { command: "CHECK", conf: netconf("1.0.0"), env: { CNI_NETNS: undefined } }, code: 4 },
  { name: "invalid container id", inv: ADD({ env: { CNI_CONTAINERID: "-abc" } }), code: 4, msg: /invalid env/ },
  { name: "container id with a slash", inv: ADD({ env: { CNI_CONTAINERID: "a/b" } }), code: 4 },
  { name: "ifname longer than 15", inv: ADD({ env: { CNI_IFNAME: "eth0123456789012" } }), code: 4 },
  { name: "ifname ..", inv: ADD({ env: { CNI_IFNAME: ".." } }), code: 4 },
  { name: "ifname with a colon", inv: ADD({ env: { CNI_IFNAME: "eth0:1" } }), code: 4 },
  { name: "ifname with whitespace", inv: ADD({ env: { CNI_IFNAME: "eth 0" } }), code: 4 },
  { name: "unknown CNI_ARGS key without IgnoreUnknown", inv: ADD({ env: { CNI_ARGS: "K8S_POD_NAME=a;FOO=bar" } }), code: 4, msg: /unknown args \[FOO\]/ },
  { name: "CNI_ARGS pair without =", inv: ADD({ env: { CNI_ARGS: "K8S_POD_NAME" } }), code: 4 },
];

describe("malformed input", () => {
  it.each(CASES)("$name -> code $code, nothing called", async ({ inv, code, msg }) => {
    const w = newWorld();
    const out = await invoke(w, inv);
    expect(out.code).toBe(1);
    expect(out.stdout.trim().split("\n")).toHaveLength(1);
    expect(out.json?.code).toBe(code);
    if (msg !== undefined) expect(String(out.json?.msg)).toMatch(msg);
    expect(out.stdout).not.toMatch(/\n\s+at /);
    expect(w.ipamd.addCalls.length + w.ipamd.delCalls.length + w.ipamd.healthCalls.length).toBe(0);
    expect(w.dataplane.calls).toEqual([]);
    expect(await w.store.list("aws-cni")).toEqual([]);
  });

  it("tolerates unknown keys, a leftover capabilities key, any key order and Go-cased runtimeConfig", async () => {
    const w = newWorld();
    const stdin = JSON.stringify({
      unknownKey: { deep: [1, 2] },
      capabilities: { portMappings: true },
      runtimeConfig: { PortMappings: [{ HostPort: 8080, ContainerPort: 80, Protocol: "tcp" }] },
      type: "mock-vpc-cni",
      name: "aws-cni",
      cniVersion: "0.4.0",
    });
    const out = await invoke(w, { command: "ADD", stdin, env: { CNI_ARGS: "K8S_POD_UID=u;IgnoreUnknown=1;K8S_POD_NAME=web-1;FOO=1;K8S_POD_NAMESPACE=default" } });
    expect(out.code).toBe(0);
    expect(w.ipamd.addCalls[0]).toMatchObject({ K8S_POD_NAME: "web-1", K8S_POD_NAMESPACE: "default" });
  });

  it("DEL accepts a missing CNI_NETNS and CNI_PATH", async () => {
    const w = newWorld();
    const out = await invoke(w, { command: "DEL", conf: netconf("1.0.0"), env: { CNI_NETNS: undefined, CNI_PATH: undefined } });
    expect(out.code).toBe(0);
  });
});
