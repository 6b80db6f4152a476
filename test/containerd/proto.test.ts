// Checks proto/cri/runtime_v1.proto against the CRI descriptor compiled into the containerd binary
// we run (gzipped FileDescriptorProto, docs/REFERENCE.md §6): every field we declare must have the
// real number and type, every enum value the real number, every method the real types.
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { expect, it } from "vitest";
import { defaultProtoPath } from "../../cri/index.js";
import { describeIf } from "../helpers/prereq.js";

const CONTAINERD = "/usr/bin/containerd";
const SCALARS: Record<number, string> = { 1: "double", 3: "int64", 4: "uint64", 5: "int32", 8: "bool", 9: "string", 12: "bytes", 13: "uint32" };

interface FieldD { name: string; number: number; type: number; typeName?: string; label: number }
interface MessageD { name: string; field: FieldD[]; nestedType?: MessageD[] }
interface FileD {
  package: string;
  messageType: MessageD[];
  enumType: { name: string; value: { name: string; number: number }[] }[];
  service: { name: string; method: { name: string; inputType: string; outputType: string }[] }[];
}

/** Finds the runtime.v1 api.proto descriptor among the binary's gzip members. */
function findRuntimeV1(bin: Buffer): FileD | undefined {
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  for (let i = bin.indexOf(magic); i >= 0; i = bin.indexOf(magic, i + 3)) {
    try {
      const raw = gunzipSync(bin.subarray(i, i + 1_000_000), { finishFlush: 2 });
      const fd = descriptor.FileDescriptorProto.decode(raw) as unknown as FileD;
      if (fd.package === "runtime.v1" && fd.service?.some((s) => s.name === "RuntimeService")) return fd;
    } catch {
      // not a descriptor
    }
  }
  return undefined;
}

function realType(f: FieldD): string {
  return SCALARS[f.type] ?? (f.typeName ?? "").split(".").pop() ?? "";
}

describeIf(existsSync(CONTAINERD) ? undefined : "Debian's containerd (/usr/bin/containerd)", "proto/cri/runtime_v1.proto vs containerd's compiled descriptor (needs /usr/bin/containerd)", () => {
  const real = findRuntimeV1(readFileSync(CONTAINERD));
  const ours = new protobuf.Root().loadSync(defaultProtoPath(), { keepCase: true }).lookup("runtime.v1") as protobuf.Namespace;

  it("finds the descriptor in the binary", () => {
    expect(real?.messageType.length).toBeGreaterThan(50);
  });

  it("declares every message field with the real number and type", () => {
    const mismatches: string[] = [];
    for (const msg of ours.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)) {
      const r = real?.messageType.find((m) => m.name === msg.name);
      if (!r) {
        mismatches.push(`${msg.name}: no such message`);
        continue;
      }
      for (const f of msg.fieldsArray) {
        const rf = r.field.find((x) => x.name === f.name);
        const type = f instanceof protobuf.MapField ? `${f.name[0]?.toUpperCase()}` : f.type;
        if (!rf) mismatches.push(`${msg.name}.${f.name}: no such field`);
        else if (rf.number !== f.id) mismatches.push(`${msg.name}.${f.name}: number ${f.id} != ${rf.number}`);
        else if (f instanceof protobuf.MapField ? !realType(rf).endsWith("Entry") : realType(rf) !== type)
          mismatches.push(`${msg.name}.${f.name}: type ${type} != ${realType(rf)}`);
        else if ((rf.label === 3) !== (f.repeated || f instanceof protobuf.MapField)) mismatches.push(`${msg.name}.${f.name}: repeated differs`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("declares enums and service methods as containerd has them", () => {
    for (const e of ours.nestedArray.filter((n): n is protobuf.Enum => n instanceof protobuf.Enum)) {
      const r = real?.enumType.find((x) => x.name === e.name);
      expect(Object.fromEntries(Object.entries(e.values).map(([k, v]) => [k, r?.value.find((x) => x.name === k)?.number]))).toEqual(e.values);
    }
    for (const svc of ours.nestedArray.filter((n): n is protobuf.Service => n instanceof protobuf.Service)) {
      const r = real?.service.find((s) => s.name === svc.name);
      for (const m of svc.methodsArray) {
        const rm = r?.method.find((x) => x.name === m.name);
        expect([rm?.inputType, rm?.outputType]).toEqual([`.runtime.v1.${m.requestType}`, `.runtime.v1.${m.responseType}`]);
      }
    }
  });
});
