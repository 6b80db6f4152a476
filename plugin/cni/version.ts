// CNI spec versions this plugin speaks and how they compare (model: Go pkg/version/reconcile.go).
import { CNI_SPEC_VERSIONS, compareVersionsWith, type CniSpecVersion } from "../../common/cni-version.js";
import { CniCode, CniError } from "./errors.js";

export const SUPPORTED_VERSIONS = CNI_SPEC_VERSIONS;
export type CniVersion = CniSpecVersion;
export const LATEST_VERSION: CniVersion = "1.1.0";

export function isSupportedVersion(v: unknown): v is CniVersion {
  return typeof v === "string" && (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

/** Negative, zero or positive as a < b, a == b, a > b (semantic version order). */
export function compareVersions(a: string, b: string): number {
  return compareVersionsWith(a, b, (v) => new CniError(CniCode.IncompatibleVersion, `invalid version "${v}": must be of the form X.Y.Z`));
}

export function versionAtLeast(v: string, min: string): boolean {
  return compareVersions(v, min) >= 0;
}

/** The config's cniVersion, or code 1 exactly as Go's version.ErrorIncompatible words it. */
export function requireSupported(v: unknown): CniVersion {
  if (isSupportedVersion(v)) return v;
  const shown = typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v);
  throw new CniError(CniCode.IncompatibleVersion, "incompatible CNI versions", {
    details: `config is "${shown}", plugin supports [${SUPPORTED_VERSIONS.map((s) => `"${s}"`).join(" ")}]`,
  });
}

/** The VERSION verb's answer (spec: `cniVersion` and `supportedVersions`). */
export function versionInfo(): { cniVersion: string; supportedVersions: string[] } {
  return { cniVersion: LATEST_VERSION, supportedVersions: [...SUPPORTED_VERSIONS] };
}
