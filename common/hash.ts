// SHA-1 and SHA-256 of short strings for the plugin's derived names (host veth, MACs, state files;
// the harness's cleanup derives the same veth names through common/veth-name.ts).
// In the compiled plugin Bun's native hasher: loading node:crypto there costs about 10 ms of CPU per
// exec (README, Performance). Under Node (tests, the harness) node:crypto, fetched without a static
// import so that the Bun build never loads it.
interface Hasher {
  update(data: string): Hasher;
  digest(encoding: "hex"): string;
}
type HasherCtor = new (algorithm: string) => Hasher;

const bunHasher = (globalThis as { Bun?: { CryptoHasher: HasherCtor } }).Bun?.CryptoHasher;

function hasher(algorithm: "sha1" | "sha256"): Hasher {
  if (bunHasher !== undefined) return new bunHasher(algorithm);
  const crypto = process.getBuiltinModule("node:crypto") as typeof import("node:crypto");
  return crypto.createHash(algorithm) as unknown as Hasher;
}

export const sha1Hex = (text: string): string => hasher("sha1").update(text).digest("hex");
export const sha256Hex = (text: string): string => hasher("sha256").update(text).digest("hex");

/** The first 6 bytes of SHA-1 (for MACs). */
export function sha1Bytes6(text: string): number[] {
  const hex = sha1Hex(text);
  return Array.from({ length: 6 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}
