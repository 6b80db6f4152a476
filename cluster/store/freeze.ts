// Stored objects are deep-frozen and shared: with every reader, every watcher, and with the next
// version of the same object (a patch copies only the path it changes). `own` makes a value
// store-owned: it copies and freezes whatever is not already owned, so a caller that keeps and later
// mutates the object it passed in cannot change what the store holds.

// The mark is a non-enumerable symbol property: invisible to JSON, spread and structuredClone (so a
// copy is never mistaken for an owned value), and cheaper to test than a WeakSet.
const OWNED = Symbol("store-owned");

export function own<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if ((v as { [OWNED]?: true })[OWNED] === true) return v;
  let copy: object;
  if (Array.isArray(v)) {
    const a = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) a[i] = own(v[i]);
    copy = a;
  } else {
    const o: Record<string, unknown> = {};
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) o[k] = own(x);
    }
    copy = o;
  }
  Object.defineProperty(copy, OWNED, { value: true });
  return Object.freeze(copy) as T;
}

/** A mutable copy of the top level and of metadata (strategies rewrite those in place). */
export function draft<T extends { metadata: object }>(o: T): T {
  return { ...o, metadata: { ...o.metadata } };
}

/** Structural equality of JSON values; shared (===) subtrees are not walked. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && jsonEqual(ra[k], rb[k]));
}
