// CNI spec versions the runtime speaks, and comparisons (libcni's pkg/version).

import { HarnessError } from "../../common/errors.js";

export const SUPPORTED_VERSIONS = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] as const;

function parts(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (m === null) throw new HarnessError("invalid-config", `invalid version "${v}": must be in the form x.y.z`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] as number) - (pb[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

export function atLeast(v: string, min: string): boolean {
  return compareVersions(v, min) >= 0;
}

export function isSupported(v: string): boolean {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

/** libcni 1.2: from `cniVersions`, the highest version this runtime supports ("" if none). */
export function pickVersion(candidates: readonly string[]): string {
  let best = "";
  for (const c of candidates) {
    if (!/^\d+\.\d+\.\d+$/.test(c) || !isSupported(c)) continue;
    if (best === "" || compareVersions(c, best) > 0) best = c;
  }
  return best;
}
