// HPACK for our own HTTP/2 client: the Huffman code rebuilt from its lengths against RFC 7541
// Appendix B, and the decoder against the RFC's worked examples (Appendix C); the encoder's output
// decoded back.
import { describe, expect, it } from "vitest";
import { EOS, huffmanCode, huffmanDecode } from "../../../plugin/client/huffman.js";
import { encodeHeaders, HpackDecoder, type Header } from "../../../plugin/client/hpack.js";

const hex = (h: string): Uint8Array => Uint8Array.from((h.replace(/\s+/g, "").match(/../g) ?? []).map((x) => parseInt(x, 16)));
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

describe("the Huffman code", () => {
  it.each([
    [0, 0x1ff8, 13], [9, 0xffffea, 24], [10, 0x3ffffffc, 30], [32, 0x14, 6], [48, 0x0, 5], [58, 0x5c, 7], [88, 0xfc, 8],
    [92, 0x7fff0, 19], [127, 0xffffffc, 28], [203, 0x7ffffde, 27], [255, 0x3ffffee, 26], [EOS, 0x3fffffff, 30],
  ])("symbol %i is %s in %i bits (RFC 7541 Appendix B)", (sym, code, length) => {
    expect(huffmanCode(sym)).toEqual({ code, length });
  });

  it("is complete: the Kraft sum of all 257 codes is exactly 1", () => {
    let sum = 0;
    for (let s = 0; s <= EOS; s++) sum += 2 ** -huffmanCode(s).length;
    expect(sum).toBe(1);
  });

  it("decodes the RFC's examples and refuses bad padding or an EOS", () => {
    expect(text(huffmanDecode(hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff")))).toBe("www.example.com");
    expect(text(huffmanDecode(hex("a8eb 1064 9cbf")))).toBe("no-cache");
    expect(() => huffmanDecode(hex("f1e3 c2e5 f23a 6ba0 ab90 f4fe"))).toThrow(/padding/);
    expect(() => huffmanDecode(hex("ffff ffff"))).toThrow(/EOS|padding/);
  });
});

describe("HpackDecoder", () => {
  it("RFC 7541 C.3: requests without Huffman, the dynamic table carried from block to block", () => {
    const d = new HpackDecoder();
    expect(d.decode(hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"))).toEqual([[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"]]);
    expect(d.decode(hex("8286 84be 5808 6e6f 2d63 6163 6865"))).toEqual([[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"], ["cache-control", "no-cache"]]);
    expect(d.decode(hex("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"))).toEqual([
      [":method", "GET"], [":scheme", "https"], [":path", "/index.html"], [":authority", "www.example.com"], ["custom-key", "custom-value"],
    ]);
  });

  it("RFC 7541 C.4: the same requests with Huffman", () => {
    const d = new HpackDecoder();
    expect(d.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"))).toEqual([[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"]]);
    expect(d.decode(hex("8286 84be 5886 a8eb 1064 9cbf"))).toContainEqual(["cache-control", "no-cache"]);
  });

  it("RFC 7541 C.6: responses with Huffman and eviction from a 256-byte table", () => {
    // The block starts with a table size update to 256 (3fe101), as C.6's decoder is set up.
    const resize = new HpackDecoder();
    const first = resize.decode(hex("3fe1 01" + "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"));
    expect(first).toEqual([[":status", "302"], ["cache-control", "private"], ["date", "Mon, 21 Oct 2013 20:13:21 GMT"], ["location", "https://www.example.com"]]);
    expect(resize.decode(hex("4883 640e ffc1 c0bf"))).toEqual([[":status", "307"], ["cache-control", "private"], ["date", "Mon, 21 Oct 2013 20:13:21 GMT"], ["location", "https://www.example.com"]]);
  });

  it("refuses what a server must not send: an index out of the table, a size update past 4096, a truncated block", () => {
    expect(() => new HpackDecoder().decode(hex("ff00"))).toThrow(/not in the table/);
    expect(() => new HpackDecoder().decode(hex("3fe2 1f"))).toThrow(/table size 4097/);
    expect(() => new HpackDecoder().decode(hex("4088"))).toThrow(/truncated/);
    expect(() => new HpackDecoder().decode(hex("82 20"))).toThrow(/size update after a header/);
  });
});

describe("encodeHeaders", () => {
  it("gives blocks the decoder reads back, static entries indexed", () => {
    const headers: Header[] = [[":method", "POST"], [":scheme", "http"], [":path", "/rpc.CNIBackend/AddNetwork"], [":authority", "localhost"], ["content-type", "application/grpc"], ["te", "trailers"], ["grpc-timeout", "10000m"], ["x", "y".repeat(300)]];
    const block = encodeHeaders(headers);
    expect(block[0]).toBe(0x83); // :method POST, static index 3
    expect(new HpackDecoder().decode(block)).toEqual(headers);
  });
});
