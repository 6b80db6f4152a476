// CNI spec versions the runtime speaks, and comparisons (libcni's pkg/version).

import { CNI_SPEC_VERSIONS, compareVersionsWith } from "../../common/cni-version.js";
import { HarnessError } from "../../common/errors.js";

export const SUPPORTED_VERSIONS = CNI_SPEC_VERSIONS;

export function compareVersions(a: string, b: string): number {
  return compareVersionsWith(a, b, (v) => new HarnessError("invalid-config", `invalid version "${v}": must be in the form x.y.z`));
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
