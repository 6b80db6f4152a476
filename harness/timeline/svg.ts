// Tiny string builders for SVG/HTML: escaping and attribute formatting, so the renderers stay
// pure functions data -> string with no DOM.

export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** Formats attributes; numbers get at most 2 decimals; undefined values are left out. */
export function attrs(a: Attrs): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    const s = typeof v === "number" ? String(Math.round(v * 100) / 100) : v;
    parts.push(`${k}="${esc(s)}"`);
  }
  return parts.join(" ");
}

/** An element; children === undefined makes it self-closing. */
export function el(name: string, a: Attrs, children?: string): string {
  const at = attrs(a);
  const open = at === "" ? name : `${name} ${at}`;
  return children === undefined ? `<${open}/>` : `<${open}>${children}</${name}>`;
}

/** A hover title (SVG <title> child), shown by browsers as a tooltip. */
export function title(text: string): string {
  return `<title>${esc(text)}</title>`;
}
