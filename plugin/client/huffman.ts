// HPACK's Huffman code (RFC 7541 §5.2, Appendix B), decoding only: servers (grpc-go, nghttp2 under
// grpc-js) Huffman-encode header strings whenever that is shorter. The code is canonical (within a
// length, codes rise with the symbol; each length starts where the previous one ended, shifted), so
// the bit length of every symbol is all the table needs; the codes are rebuilt from it.

/** Code length in bits of symbols 0..255 and EOS (256), RFC 7541 Appendix B. */
const LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0-31
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 32-63
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 64-95
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 96-127
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 128-159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 160-191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 192-223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 224-255
  30, // EOS
];

export const EOS = 256;
const MAX_LENGTH = 30;

interface Canonical {
  /** First code of each length. */
  first: number[];
  /** Symbols of each length, in code order. */
  symbols: number[][];
}

function canonical(): Canonical {
  const symbols: number[][] = Array.from({ length: MAX_LENGTH + 1 }, () => []);
  LENGTHS.forEach((len, sym) => (symbols[len] as number[]).push(sym));
  const first: number[] = [];
  let code = 0;
  for (let len = 1; len <= MAX_LENGTH; len++) {
    first[len] = code;
    code = (code + (symbols[len] as number[]).length) * 2;
  }
  return { first, symbols };
}

let table: Canonical | undefined;

/** The code of a symbol (for tests and checks against the RFC's table). */
export function huffmanCode(sym: number): { code: number; length: number } {
  table ??= canonical();
  const length = LENGTHS[sym] as number;
  return { code: (table.first[length] as number) + (table.symbols[length] as number[]).indexOf(sym), length };
}

/**
 * Decodes a Huffman-coded string literal. Padding must be fewer than 8 bits, all ones (a prefix of
 * EOS); an EOS inside the data, or any other padding, is an error (RFC 7541 §5.2).
 */
export function huffmanDecode(data: Uint8Array): Uint8Array {
  table ??= canonical();
  const out: number[] = [];
  let code = 0;
  let len = 0;
  for (const byte of data) {
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      len++;
      const idx = code - (table.first[len] as number);
      const syms = table.symbols[len] as number[];
      if (idx >= 0 && idx < syms.length) {
        const sym = syms[idx] as number;
        if (sym === EOS) throw new Error("hpack: EOS in a Huffman-coded string");
        out.push(sym);
        code = 0;
        len = 0;
      } else if (len >= MAX_LENGTH) {
        throw new Error("hpack: invalid Huffman code");
      }
    }
  }
  if (len > 7 || code !== 2 ** len - 1) throw new Error("hpack: invalid Huffman padding");
  return Uint8Array.from(out);
}
