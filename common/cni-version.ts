// CNI spec versions and their order, shared by the plugin (plugin/cni) and the runtime
// (runtime/libcni); each wraps a malformed version in its own error type.

export const CNI_SPEC_VERSIONS = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] as const;
export type CniSpecVersion = (typeof CNI_SPEC_VERSIONS)[number];

/** [major, minor, patch], or undefined when v is not of the form X.Y.Z. */
export function versionParts(v: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Negative, zero or positive as a < b, a == b, a > b; `bad` is called with a malformed version. */
export function compareVersionsWith(a: string, b: string, bad: (v: string) => Error): number {
  const pa = versionParts(a);
  if (pa === undefined) throw bad(a);
  const pb = versionParts(b);
  if (pb === undefined) throw bad(b);
  for (let i = 0; i < 3; i++) {
    const d = pa[i]! - pb[i]!;
    if (d !== 0) return d;
  }
  return 0;
}
