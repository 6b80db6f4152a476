// The plugin's one error type, carrying the CNI spec's error codes (spec "Error" section; Go's
// pkg/types/types.go). Only the dispatcher prints it; verbs throw it.
import { clip } from "../../common/boundary/parsed.js";

/** Well-known codes of the CNI spec (1.1.0) plus the generic code Go's library uses. */
export const CniCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironment: 4,
  IoFailure: 5,
  DecodingFailure: 6,
  InvalidNetworkConfig: 7,
  TryAgainLater: 11,
  PluginNotAvailable: 50,
  PluginNotAvailableLimitedConnectivity: 51,
  /** Go's types.NewError default for plugin errors, and what aws-cni's errors become. */
  Generic: 999,
} as const;

export interface CniErrorJson {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

export class CniError extends Error {
  override readonly name = "CniError";
  readonly code: number;
  readonly details: string | undefined;

  constructor(code: number, msg: string, options?: { details?: string | undefined; cause?: unknown }) {
    super(msg, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }

  /** The wire form (spec: `cniVersion`, `code`, `msg`, optional `details`), each text clipped to MAX_ERROR_TEXT. */
  toJSON(cniVersion: string): CniErrorJson {
    const out: CniErrorJson = { cniVersion, code: this.code, msg: clip(this.message) };
    if (this.details !== undefined && this.details !== "") out.details = clip(this.details);
    return out;
  }
}

export function isCniError(e: unknown): e is CniError {
  return e instanceof CniError;
}

/** Any thrown value as a CniError: CniErrors pass unchanged (never wrapped twice), others become 999. */
export function toCniError(e: unknown): CniError {
  if (isCniError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new CniError(CniCode.Generic, msg === "" ? "unknown error" : msg, { cause: e });
}
