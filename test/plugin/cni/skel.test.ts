// The dispatcher itself, with stub verbs: one document on stdout, logs only on stderr, error
// version, thrown non-CniErrors, lazy stdin.
import { describe, expect, it } from "vitest";
import { CniError } from "../../../plugin/cni/errors.js";
import { runPlugin, type PluginIO, type VerbTable } from "../../../plugin/cni/skel.js";

function io(env: Record<string, string>, stdin: string): PluginIO & { out: string[]; err: string[]; reads: number } {
  const state = {
    out: [] as string[],
    err: [] as string[],
    reads: 0,
    env,
    readStdin: async () => {
      state.reads++;
      return stdin;
    },
    stdout: (t: string) => void state.out.push(t),
    stderr: (t: string) => void state.err.push(t),
  };
  return state;
}

const env = { CNI_COMMAND: "ADD", CNI_CONTAINERID: "c1", CNI_NETNS: "/n", CNI_IFNAME: "eth0" };
const conf = JSON.stringify({ cniVersion: "0.3.1", name: "n" });

function verbs(add: VerbTable["add"]): VerbTable {
  const none = async (): Promise<void> => {};
  return { add, del: none, check: none, gc: none, status: none };
}

describe("runPlugin", () => {
  it("turns a thrown non-CniError into code 999 without a stack on stdout, the stack in the log", async () => {
    const s = io(env, conf);
    const code = await runPlugin(s, verbs(async () => {
      throw new TypeError("cannot read properties of undefined");
    }));
    expect(code).toBe(1);
    expect(s.out).toHaveLength(1);
    expect(JSON.parse(s.out[0] as string)).toEqual({ cniVersion: "0.3.1", code: 999, msg: "cannot read properties of undefined" });
    expect(s.err.join("")).toContain("TypeError");
  });

  it("answers errors in the newest version when the config's version is unknown", async () => {
    const s = io(env, '{"cniVersion":"9.9.9","name":"n"}');
    await runPlugin(s, verbs(async () => ({ cniVersion: "1.1.0" })));
    expect(JSON.parse(s.out[0] as string)).toMatchObject({ cniVersion: "1.1.0", code: 1 });
  });

  it("answers an env error in the config's version", async () => {
    const s = io({ CNI_COMMAND: "ADD" }, conf);
    expect(await runPlugin(s, verbs(async () => ({ cniVersion: "1.1.0" })))).toBe(1);
    expect(JSON.parse(s.out[0] as string)).toMatchObject({ cniVersion: "0.3.1", code: 4 });
  });

  it("VERSION never reads stdin", async () => {
    const s = io({ CNI_COMMAND: "VERSION" }, "");
    expect(await runPlugin(s, verbs(async () => ({ cniVersion: "1.1.0" })))).toBe(0);
    expect(s.reads).toBe(0);
    expect(s.err).toEqual([]);
  });

  it("prints the verb's result converted to the config's version, nothing else on stdout", async () => {
    const s = io(env, conf);
    const code = await runPlugin(s, verbs(async (_a, log) => {
      log.info("working");
      return { cniVersion: "1.1.0", ips: [{ address: "10.0.0.1/32" }] };
    }));
    expect(code).toBe(0);
    expect(s.out).toEqual(['{"cniVersion":"0.3.1","ips":[{"version":"4","address":"10.0.0.1/32"}]}\n']);
    expect(s.err.join("")).toContain('"msg":"working"');
  });
});

describe("error texts", () => {
  it("are clipped in the printed document, however long the cause", () => {
    const json = new CniError(999, "m".repeat(100_000), { details: "d".repeat(100_000) }).toJSON("1.0.0");
    expect(json.msg.length).toBeLessThan(4200);
    expect(String(json.details).length).toBeLessThan(4200);
    expect(json.msg).toMatch(/… \(95904 more characters\)$/);
  });
});
