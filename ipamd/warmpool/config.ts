// The warm pool knobs (WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET) validated once at the
// edge into a frozen object, with the real ipamd's defaults and precedence.

import { HarnessError } from "../../common/errors.js";

export interface WarmPoolConfig {
  /** Whole free ENIs to keep (default 1); ignored when either IP target is set, as in ipamd. */
  readonly warmEniTarget: number;
  /** Free IPs to keep; 0 = not set (ipamd's noWarmIPTarget). */
  readonly warmIpTarget: number;
  /** Total IPs to keep at least; 0 = not set (ipamd's noMinimumIPTarget). */
  readonly minimumIpTarget: number;
}

export const DEFAULT_WARM_POOL: WarmPoolConfig = Object.freeze({ warmEniTarget: 1, warmIpTarget: 0, minimumIpTarget: 0 });

/** True when WARM_IP_TARGET or MINIMUM_IP_TARGET is set: they replace WARM_ENI_TARGET. */
export function ipTargetsDefined(config: WarmPoolConfig): boolean {
  return config.warmIpTarget > 0 || config.minimumIpTarget > 0;
}

/** Validates explicit values (e.g. from the config file); missing ones take the defaults. */
export function warmPoolConfig(values: Partial<WarmPoolConfig>): WarmPoolConfig {
  const out = { ...DEFAULT_WARM_POOL, ...definedOnly(values) };
  check("WARM_ENI_TARGET", out.warmEniTarget);
  check("WARM_IP_TARGET", out.warmIpTarget);
  check("MINIMUM_IP_TARGET", out.minimumIpTarget);
  return Object.freeze(out);
}

/** Reads the real ipamd's environment variable names from an env map (not process.env itself). */
export function warmPoolConfigFromEnv(env: Readonly<Record<string, string | undefined>>): WarmPoolConfig {
  const values: { warmEniTarget?: number; warmIpTarget?: number; minimumIpTarget?: number } = {};
  const eni = parseCount(env, "WARM_ENI_TARGET");
  const ip = parseCount(env, "WARM_IP_TARGET");
  const min = parseCount(env, "MINIMUM_IP_TARGET");
  if (eni !== undefined) values.warmEniTarget = eni;
  if (ip !== undefined) values.warmIpTarget = ip;
  if (min !== undefined) values.minimumIpTarget = min;
  return warmPoolConfig(values);
}

function parseCount(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    throw new HarnessError("invalid-config", `${name}: "${raw}" is not a non-negative integer`);
  }
  return Number(raw.trim());
}

function check(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new HarnessError("invalid-config", `${name}: ${v} is not a non-negative integer`);
}

function definedOnly(values: Partial<WarmPoolConfig>): Partial<WarmPoolConfig> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<WarmPoolConfig>;
}
