// Describe* filters and pagination as EC2 applies them: a filter names an attribute (or tag:<key>,
// tag-key) and matches when any of its values matches any of the resource's values, with * and ?
// wildcards; all filters must match. Results come in id order, MaxResults at a time, with an opaque
// NextToken that resumes after the last id returned (so deletions between pages lose nothing).

import { fault } from "./faults.js";
import type { Tags } from "./types.js";

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** Filter name -> the resource's values for it. */
export type FilterTable<T> = Readonly<Record<string, (r: T) => readonly string[]>>;

/** Refuses unknown filter names up front, before any resource is looked at. */
export function checkFilters<T>(filters: readonly Filter[], table: FilterTable<T>): void {
  for (const f of filters) {
    if (f.name.startsWith("tag:") || f.name === "tag-key") continue;
    if (!Object.hasOwn(table, f.name)) throw fault.filter(f.name);
  }
}

export function matchesAll<T>(r: T, filters: readonly Filter[], table: FilterTable<T>, tags: (r: T) => Tags): boolean {
  return filters.every((f) => {
    let have: readonly string[];
    if (f.name.startsWith("tag:")) {
      const v = tags(r).get(f.name.slice(4));
      have = v === undefined ? [] : [v];
    } else if (f.name === "tag-key") {
      have = [...tags(r).keys()];
    } else {
      have = (table[f.name] as (r: T) => readonly string[])(r);
    }
    return f.values.some((pattern) => {
      const re = glob(pattern);
      return have.some((v) => re.test(v));
    });
  });
}

/** EC2's filter wildcards: * any run, ? one character, backslash escapes them. */
function glob(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) re += escape(pattern[++i] as string);
    else if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

export interface PageRequest {
  readonly maxResults: number | undefined;
  readonly nextToken: string | undefined;
}

/** Checks MaxResults against the action's range ([min, max]). */
export function checkMaxResults(maxResults: number | undefined, min: number, max: number): void {
  if (maxResults !== undefined && (maxResults < min || maxResults > max)) {
    throw fault.badValue("MaxResults", String(maxResults), `It must be between ${min} and ${max}.`);
  }
}

/** One page of `items` (sorted here by key), resuming after the token's key. */
export function page<T>(items: readonly T[], key: (t: T) => string, req: PageRequest): { items: T[]; nextToken: string | undefined } {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const after = req.nextToken === undefined ? undefined : decodeToken(req.nextToken);
  const rest = after === undefined ? sorted : sorted.filter((t) => key(t) > after);
  const n = req.maxResults ?? rest.length;
  const items2 = rest.slice(0, n);
  const last = items2[items2.length - 1];
  return { items: items2, nextToken: rest.length > n && last !== undefined ? encodeToken(key(last)) : undefined };
}

function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after }), "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  try {
    const doc = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (typeof doc === "object" && doc !== null && (doc as { v?: unknown }).v === 1 && typeof (doc as { after?: unknown }).after === "string") {
      return (doc as { after: string }).after;
    }
  } catch {
    // Falls through to the EC2 error below.
  }
  throw fault.paginationToken(token);
}
