// The Query protocol's parameters: a form body parsed into flat names (`Filter.1.Value.2`), read by
// typed accessors that mark what they consume. Whatever an action does not read is an unknown
// parameter, answered as EC2 does (UnknownParameter), never silently ignored.

import { fault } from "../model/faults.js";

/** Parses an application/x-www-form-urlencoded body; a bad escape or a repeated name is refused. */
export function parseForm(body: string): Map<string, string> {
  const out = new Map<string, string>();
  if (body === "") return out;
  for (const part of body.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? "" : part.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replaceAll("+", " "));
      value = decodeURIComponent(rawValue.replaceAll("+", " "));
    } catch {
      throw fault.malformedQuery(`bad percent-encoding in "${part.slice(0, 64)}"`);
    }
    if (key === "") throw fault.malformedQuery("a parameter without a name");
    if (out.has(key)) throw fault.malformedQuery(`parameter ${key} appears more than once`);
    out.set(key, value);
  }
  return out;
}

export class Params {
  readonly #flat: ReadonlyMap<string, string>;
  readonly #used = new Set<string>();

  constructor(flat: ReadonlyMap<string, string>) {
    this.#flat = flat;
  }

  has(name: string): boolean {
    return this.#flat.has(name);
  }

  str(name: string): string | undefined {
    const v = this.#flat.get(name);
    if (v !== undefined) this.#used.add(name);
    return v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === "") throw fault.missingParameter(name);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!/^-?\d{1,10}$/.test(v)) throw fault.badValue(name, v, "It must be an integer.");
    return Number(v);
  }

  requiredInt(name: string): number {
    const v = this.int(name);
    if (v === undefined) throw fault.missingParameter(name);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const l = v.toLowerCase();
    if (l !== "true" && l !== "false") throw fault.badValue(name, v, "It must be true or false.");
    return l === "true";
  }

  /** `prefix.1`, `prefix.2`, … (1-based, in index order): item(key) reads one element at `prefix.N`. */
  list<T>(prefix: string, item: (key: string) => T): T[] {
    // An empty list may come as a bare `prefix=`.
    if (this.#flat.get(prefix) === "") this.#used.add(prefix);
    const re = new RegExp(`^${prefix.replace(/[.]/g, "\\.")}\\.([1-9]\\d{0,4})(\\.|$)`);
    const indexes = new Set<number>();
    for (const k of this.#flat.keys()) {
      const m = re.exec(k);
      if (m !== null) indexes.add(Number(m[1]));
    }
    return [...indexes].sort((a, b) => a - b).map((n) => item(`${prefix}.${n}`));
  }

  /** A list of plain strings (`SecurityGroupId.N`). */
  strings(prefix: string): string[] {
    return this.list(prefix, (k) => this.str(k)).filter((v): v is string => v !== undefined);
  }

  /** Names nobody read. */
  unused(): string[] {
    return [...this.#flat.keys()].filter((k) => !this.#used.has(k));
  }
}
