// CNI_* environment parsing with ONE table of (variable, verbs needing it, validator), as Go's
// pkg/skel does; the spec's rules are in docs/REFERENCE.md §5.
import { CniCode, CniError } from "./errors.js";

export const VERBS = ["ADD", "DEL", "CHECK", "GC", "STATUS", "VERSION"] as const;
export type Verb = (typeof VERBS)[number];

export type Env = Readonly<Record<string, string | undefined>>;

export interface CniEnv {
  command: Verb;
  containerId: string;
  /** "" when absent (allowed on DEL, and for GC/STATUS/VERSION). */
  netns: string;
  ifName: string;
  /** Raw CNI_ARGS ("" when absent); parsed by args.ts. */
  args: string;
  /** CNI_PATH split on ":" (may be empty: the spec lets it be absent). */
  path: string[];
}

const CONTAINER_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Why a container id is invalid, or undefined (spec: the same pattern as network names). */
export function containerIdProblem(id: string): string | undefined {
  return CONTAINER_ID_RE.test(id) ? undefined : `invalid characters in container id "${id}"`;
}

/** Why an interface name is invalid, or undefined (the kernel's dev_valid_name; spec rules). */
export function ifNameProblem(name: string): string | undefined {
  if (name.length > 15) return `interface name "${name}" is longer than 15 characters`;
  if (name === "." || name === "..") return `interface name "${name}" is not allowed`;
  if (/[/:\s]/.test(name)) return `interface name "${name}" contains "/", ":" or whitespace`;
  return undefined;
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
  { variable: "CNI_NETNS", requiredFor: ["ADD", "CHECK"] },
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
  if (!isVerb(cmd)) throw new CniError(CniCode.InvalidEnvironment, `unknown CNI_COMMAND: ${cmd}`);
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
    containerId: env.CNI_CONTAINERID ?? "",
    netns: env.CNI_NETNS ?? "",
    ifName: env.CNI_IFNAME ?? "",
    args: env.CNI_ARGS ?? "",
    path: path === "" ? [] : path.split(":").filter((p) => p !== ""),
  };
}
