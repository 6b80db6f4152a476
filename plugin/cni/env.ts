// CNI_* environment parsing with ONE table of (variable, verbs needing it, validator), as Go's
// pkg/skel does; the spec's rules are in docs/REFERENCE.md §5, the validators are the shared
// boundary rules (common/boundary), so the values reach the verbs typed.
import {
  containerIdProblem,
  ifNameProblem,
  netnsPathProblem,
  quote,
  type ContainerId,
  type IfName,
  type NetnsPath,
} from "../../common/boundary/index.js";
import { CniCode, CniError } from "./errors.js";

export const VERBS = ["ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION"] as const;
export type Verb = (typeof VERBS)[number];

export type Env = Readonly<Record<string, string | undefined>>;

export interface CniEnv {
  command: Verb;
  /** "" only for GC and STATUS (required for ADD, DEL and CHECK). */
  containerId: ContainerId | "";
  /** "" when absent (allowed on DEL, and for GC/STATUS/VERSION). */
  netns: NetnsPath | "";
  /** "" only for GC and STATUS. */
  ifName: IfName | "";
  /** Raw CNI_ARGS ("" when absent); parsed by args.ts. */
  args: string;
  /** CNI_PATH split on ":" (may be empty: the spec lets it be absent). */
  path: string[];
}

interface EnvRule {
  variable: string;
  /** Verbs for which the variable must be present and non-empty. */
  requiredFor: readonly Verb[];
  /** Validates a present, non-empty value. */
  validate?: (value: string) => string | undefined;
}

// containerd and libcni set all variables, some empty: "" counts as absent for the required check.
const ENV_TABLE: readonly EnvRule[] = [
  { variable: "CNI_COMMAND", requiredFor: VERBS },
  { variable: "CNI_CONTAINERID", requiredFor: ["ADD", "DEL", "CHECK"], validate: containerIdProblem },
  { variable: "CNI_NETNS", requiredFor: ["ADD", "CHECK"], validate: netnsPathProblem },
  { variable: "CNI_IFNAME", requiredFor: ["ADD", "DEL", "CHECK"], validate: ifNameProblem },
  { variable: "CNI_ARGS", requiredFor: [] },
  { variable: "CNI_PATH", requiredFor: [] },
];

function isVerb(s: string): s is Verb {
  return (VERBS as readonly string[]).includes(s);
}

/** The verb alone: VERSION needs nothing else, and an unknown command is code 4 (Go skel's words). */
export function parseCommand(env: Env): Verb {
  const cmd = env.CNI_COMMAND ?? "";
  if (cmd === "") {
    throw new CniError(CniCode.InvalidEnvironment, "required env variables [CNI_COMMAND] missing");
  }
  if (!isVerb(cmd)) throw new CniError(CniCode.InvalidEnvironment, `unknown CNI_COMMAND: ${/^[\x21-\x7e]{1,32}$/.test(cmd) ? cmd : quote(cmd)}`);
  return cmd;
}

/** Checks every variable the verb needs; names all missing ones at once (code 4). */
export function parseEnv(env: Env): CniEnv {
  const command = parseCommand(env);
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const rule of ENV_TABLE) {
    const value = env[rule.variable] ?? "";
    if (value === "") {
      if (rule.requiredFor.includes(command)) missing.push(rule.variable);
      continue;
    }
    const problem = rule.validate?.(value);
    if (problem !== undefined) invalid.push(`${rule.variable}: ${problem}`);
  }
  if (missing.length > 0) {
    throw new CniError(CniCode.InvalidEnvironment, `required env variables [${missing.join(",")}] missing`, {
      details: `CNI_COMMAND=${command}`,
    });
  }
  if (invalid.length > 0) {
    throw new CniError(CniCode.InvalidEnvironment, "invalid env variables", { details: invalid.join("; ") });
  }
  const path = env.CNI_PATH ?? "";
  return {
    command,
    // Checked by the table above: each is "" or valid.
    containerId: (env.CNI_CONTAINERID ?? "") as ContainerId | "",
    netns: (env.CNI_NETNS ?? "") as NetnsPath | "",
    ifName: (env.CNI_IFNAME ?? "") as IfName | "",
    args: env.CNI_ARGS ?? "",
    path: path === "" ? [] : path.split(":").filter((p) => p !== ""),
  };
}
