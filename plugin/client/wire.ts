// A minimal proto3 wire encoder/decoder driven by field tables (schema.ts), so the plugin calls
// ipamd without parsing a .proto at start-up (every millisecond is paid per pod). Handles exactly
// the field kinds rpc.proto and grpc.health.v1 use: string, bool, int32, enum, nested messages.

export type FieldKind = "string" | "bool" | "int32" | "message";

export interface FieldSpec {
  no: number;
  name: string;
  kind: FieldKind;
  repeated?: boolean;
  message?: MessageSpec;
}

export interface MessageSpec {
  name: string;
  fields: readonly FieldSpec[];
}

type Obj = Record<string, unknown>;

class Writer {
  readonly bytes: number[] = [];
  varint(v: number): void {
    // int32 negatives are sign-extended to 64 bits: ten bytes on the wire (protobuf encoding spec).
    let lo = v >>> 0;
    let hi = v < 0 ? 0xffffffff : Math.floor(v / 2 ** 32) >>> 0;
    while (hi !== 0 || lo > 0x7f) {
      this.bytes.push((lo & 0x7f) | 0x80);
      lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
      hi >>>= 7;
    }
    this.bytes.push(lo);
  }
  tag(no: number, wireType: number): void {
    this.varint(no * 8 + wireType);
  }
  lengthDelimited(no: number, data: Uint8Array): void {
    this.tag(no, 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
  }
}

function encodeValue(w: Writer, f: FieldSpec, v: unknown, inRepeated: boolean): void {
  switch (f.kind) {
    case "string":
      if (typeof v === "string" && (inRepeated || v !== "")) w.lengthDelimited(f.no, Buffer.from(v, "utf8"));
      return;
    case "bool":
      if (v === true) (w.tag(f.no, 0), w.varint(1));
      return;
    case "int32":
      if (typeof v === "number" && v !== 0) (w.tag(f.no, 0), w.varint(v | 0));
      return;
    case "message":
      if (typeof v === "object" && v !== null && f.message !== undefined) {
        w.lengthDelimited(f.no, encodeMessage(f.message, v as Obj));
      }
      return;
  }
}

/** Proto3 encoding: default values are omitted, fields in number order (as protobufjs writes). */
export function encodeMessage(spec: MessageSpec, obj: Obj): Uint8Array {
  const w = new Writer();
  for (const f of [...spec.fields].sort((a, b) => a.no - b.no)) {
    const v = obj[f.name];
    if (f.repeated) {
      if (Array.isArray(v)) for (const item of v) encodeValue(w, f, item, true);
    } else {
      encodeValue(w, f, v, false);
    }
  }
  return Uint8Array.from(w.bytes);
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  /** Returns the low 32 bits as a signed number (what int32, bool and enum need). */
  varint(): number {
    let lo = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error("protobuf: truncated varint");
      const b = this.buf[this.pos++] as number;
      if (shift < 32) lo |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) return lo | 0;
      if (shift > 63) throw new Error("protobuf: varint too long");
    }
  }
  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) throw new Error("protobuf: truncated field");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.take(8);
    else if (wireType === 2) this.take(this.varint() >>> 0);
    else if (wireType === 5) this.take(4);
    else throw new Error(`protobuf: unsupported wire type ${wireType}`);
  }
}

function defaults(spec: MessageSpec): Obj {
  const out: Obj = {};
  for (const f of spec.fields) {
    out[f.name] = f.repeated ? [] : f.kind === "string" ? "" : f.kind === "bool" ? false : f.kind === "int32" ? 0 : null;
  }
  return out;
}

function decodeValue(r: Reader, f: FieldSpec, wireType: number): unknown {
  if (f.kind === "bool") return r.varint() !== 0;
  if (f.kind === "int32") return r.varint();
  if (wireType !== 2) throw new Error(`protobuf: field ${f.name} has wire type ${wireType}`);
  const data = r.take(r.varint() >>> 0);
  if (f.kind === "string") return Buffer.from(data).toString("utf8");
  return decodeMessage(f.message as MessageSpec, data);
}

/** Decodes with proto3 defaults filled in and unknown fields skipped (as proto-loader's defaults:true). */
export function decodeMessage(spec: MessageSpec, buf: Uint8Array): Obj {
  const out = defaults(spec);
  const byNo = new Map(spec.fields.map((f) => [f.no, f]));
  const r = new Reader(buf);
  while (r.pos < buf.length) {
    const key = r.varint() >>> 0;
    const f = byNo.get(key >>> 3);
    if (f === undefined) {
      r.skip(key & 7);
      continue;
    }
    const v = decodeValue(r, f, key & 7);
    if (f.repeated) (out[f.name] as unknown[]).push(v);
    else out[f.name] = v;
  }
  return out;
}
