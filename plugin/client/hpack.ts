// HPACK (RFC 7541) for one gRPC client: a full decoder (static and dynamic table, table size
// updates, Huffman strings) for the server's header blocks, and the plainest encoder for our own
// request headers (literals without indexing, no Huffman: always valid, never stateful).
import { huffmanDecode } from "./huffman.js";

/** RFC 7541 Appendix A: index 1..61. */
const STATIC: readonly (readonly [string, string])[] = [
  [":authority", ""], [":method", "GET"], [":method", "POST"], [":path", "/"], [":path", "/index.html"], [":scheme", "http"],
  [":scheme", "https"], [":status", "200"], [":status", "204"], [":status", "206"], [":status", "304"], [":status", "400"],
  [":status", "404"], [":status", "500"], ["accept-charset", ""], ["accept-encoding", "gzip, deflate"], ["accept-language", ""],
  ["accept-ranges", ""], ["accept", ""], ["access-control-allow-origin", ""], ["age", ""], ["allow", ""], ["authorization", ""],
  ["cache-control", ""], ["content-disposition", ""], ["content-encoding", ""], ["content-language", ""], ["content-length", ""],
  ["content-location", ""], ["content-range", ""], ["content-type", ""], ["cookie", ""], ["date", ""], ["etag", ""], ["expect", ""],
  ["expires", ""], ["from", ""], ["host", ""], ["if-match", ""], ["if-modified-since", ""], ["if-none-match", ""], ["if-range", ""],
  ["if-unmodified-since", ""], ["last-modified", ""], ["link", ""], ["location", ""], ["max-forwards", ""], ["proxy-authenticate", ""],
  ["proxy-authorization", ""], ["range", ""], ["referer", ""], ["refresh", ""], ["retry-after", ""], ["server", ""], ["set-cookie", ""],
  ["strict-transport-security", ""], ["transfer-encoding", ""], ["user-agent", ""], ["vary", ""], ["via", ""], ["www-authenticate", ""],
];

export type Header = readonly [string, string];

/** The table size we accept (SETTINGS_HEADER_TABLE_SIZE's default; we never announce another). */
export const TABLE_SIZE = 4096;
/** Largest decoded header list we accept (announced as SETTINGS_MAX_HEADER_LIST_SIZE). */
export const MAX_HEADER_LIST = 64 * 1024;

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

export class HpackDecoder {
  #table: Header[] = [];
  #size = 0;
  #max = TABLE_SIZE;

  /** One header block, in arrival order (the dynamic table depends on it). */
  decode(block: Uint8Array): Header[] {
    const r = { buf: block, pos: 0 };
    const out: Header[] = [];
    let listSize = 0;
    let first = true;
    while (r.pos < block.length) {
      const b = block[r.pos] as number;
      let h: Header;
      if (b & 0x80) {
        h = this.#entry(int(r, 7));
      } else if (b & 0x40) {
        h = this.#literal(r, 6);
        this.#add(h);
      } else if (b & 0x20) {
        // A size update is only allowed at the start of a block (RFC 7541 §4.2).
        if (!first) throw new Error("hpack: table size update after a header");
        this.#resize(int(r, 5));
        continue;
      } else {
        h = this.#literal(r, 4);
      }
      first = false;
      listSize += h[0].length + h[1].length + 32;
      if (listSize > MAX_HEADER_LIST) throw new Error(`hpack: header list larger than ${MAX_HEADER_LIST} bytes`);
      out.push(h);
    }
    return out;
  }

  #entry(index: number): Header {
    if (index === 0) throw new Error("hpack: index 0");
    const h = index <= STATIC.length ? STATIC[index - 1] : this.#table[index - STATIC.length - 1];
    if (h === undefined) throw new Error(`hpack: index ${index} is not in the table`);
    return h;
  }

  #literal(r: Reader, prefix: number): Header {
    const index = int(r, prefix);
    const name = index === 0 ? str(r) : this.#entry(index)[0];
    return [name, str(r)];
  }

  #add(h: Header): void {
    const size = h[0].length + h[1].length + 32;
    this.#table.unshift(h);
    this.#size += size;
    this.#evict();
  }

  #resize(max: number): void {
    if (max > TABLE_SIZE) throw new Error(`hpack: table size ${max} above ${TABLE_SIZE}`);
    this.#max = max;
    this.#evict();
  }

  #evict(): void {
    while (this.#size > this.#max) {
      const h = this.#table.pop() as Header;
      this.#size -= h[0].length + h[1].length + 32;
    }
  }
}

interface Reader {
  buf: Uint8Array;
  pos: number;
}

/** RFC 7541 §5.1, bounded so that no value overflows. */
function int(r: Reader, prefix: number): number {
  const max = 2 ** prefix - 1;
  let v = (r.buf[r.pos++] as number) & max;
  if (v < max) return v;
  for (let shift = 0; ; shift += 7) {
    if (r.pos >= r.buf.length) throw new Error("hpack: truncated integer");
    if (shift > 21) throw new Error("hpack: integer too large");
    const b = r.buf[r.pos++] as number;
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return v;
  }
}

/** RFC 7541 §5.2: H flag, length, octets (Huffman-coded when H). */
function str(r: Reader): string {
  if (r.pos >= r.buf.length) throw new Error("hpack: truncated string");
  const huffman = ((r.buf[r.pos] as number) & 0x80) !== 0;
  const len = int(r, 7);
  if (r.pos + len > r.buf.length) throw new Error("hpack: truncated string");
  const raw = r.buf.subarray(r.pos, r.pos + len);
  r.pos += len;
  return latin1(huffman ? huffmanDecode(raw) : raw);
}

function encodeInt(out: number[], first: number, prefix: number, v: number): void {
  const max = 2 ** prefix - 1;
  if (v < max) return void out.push(first | v);
  out.push(first | max);
  let rest = v - max;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function encodeStr(out: number[], s: string): void {
  const bytes = Buffer.from(s, "latin1");
  encodeInt(out, 0, 7, bytes.length);
  for (const b of bytes) out.push(b);
}

/** Our request headers: fully static entries indexed, the rest literals without indexing. */
export function encodeHeaders(headers: readonly Header[]): Uint8Array {
  const out: number[] = [];
  for (const [name, value] of headers) {
    const full = STATIC.findIndex(([n, v]) => n === name && v === value);
    if (full >= 0) {
      encodeInt(out, 0x80, 7, full + 1);
      continue;
    }
    const named = STATIC.findIndex(([n]) => n === name);
    encodeInt(out, 0x00, 4, named + 1);
    if (named < 0) encodeStr(out, name);
    encodeStr(out, value);
  }
  return Uint8Array.from(out);
}
