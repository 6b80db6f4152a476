// The shape every boundary parser returns: a typed value, or the problem in one line that names
// the (clipped, quoted) input. Each caller turns a problem into its own error type (CniError in
// the plugin, HarnessError in the daemon), so this module depends on neither.

declare const brand: unique symbol;
/** A value that only a parser of this module hands out (e.g. an Ipv4 is a canonical dotted quad). */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** Longest error text a daemon or the plugin sends or prints (issue #10: a 128 KiB field stalled a channel). */
export const MAX_ERROR_TEXT = 4096;

/** At most `max` characters, with a note of how much was cut. */
export function clip(text: string, max = MAX_ERROR_TEXT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** An input value as it appears in an error: JSON-quoted (newlines and controls escaped), clipped to 80. */
export function quote(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** The value, or throws what `fail` makes of the problem. */
export function orThrow<T>(p: Parsed<T>, fail: (problem: string) => Error): T {
  if (p.ok) return p.value;
  throw fail(p.problem);
}
