// Label selectors in the query-string syntax (apimachinery pkg/labels/selector.go): requirements
// separated by commas, each `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k>n`,
// `k<n`. Parsed once into a matcher; a syntax error is a 400 BadRequest with the parser's reason.

import { badRequest } from "./errors.js";
import { qualifiedNameErrors } from "./names.js";

export type LabelOp = "exists" | "!exists" | "=" | "!=" | "in" | "notin" | ">" | "<";

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: readonly string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

type Token = { t: "id"; v: string } | { t: "sym"; v: string } | { t: "end" };

const SYMBOLS = ["!=", "==", "!", "(", ")", ",", "=", ">", "<"];

function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const sym = SYMBOLS.find((x) => s.startsWith(x, i));
    if (sym !== undefined) {
      out.push({ t: "sym", v: sym });
      i += sym.length;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j] ?? "") && !SYMBOLS.some((x) => s.startsWith(x, j))) j++;
    out.push({ t: "id", v: s.slice(i, j) });
    i = j;
  }
  out.push({ t: "end" });
  return out;
}

const describe = (t: Token | undefined): string => (t === undefined || t.t === "end" ? "end of string" : t.v);

/** Parses a selector; "" selects everything. Throws invalid-argument (400) on a syntax error. */
export function parseLabelSelector(s: string): LabelRequirement[] {
  const toks = lex(s);
  let p = 0;
  const peek = (): Token => toks[p] ?? { t: "end" };
  const next = (): Token => toks[p++] ?? { t: "end" };
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why}`);
  };
  const out: LabelRequirement[] = [];
  if (peek().t === "end") return out;
  for (;;) {
    let negate = false;
    const first = peek();
    if (first.t === "sym" && first.v === "!") {
      next();
      negate = true;
    }
    const keyTok = next();
    if (keyTok.t !== "id") fail(`found '${describe(keyTok)}', expected: identifier`);
    const key = keyTok.t === "id" ? keyTok.v : "";
    const keyErr = qualifiedNameErrors(key)[0];
    if (keyErr !== undefined) fail(`<nil>: Invalid value: "${key}": ${keyErr}`);
    const op = peek();
    if (negate || op.t === "end" || (op.t === "sym" && op.v === ",")) {
      out.push({ key, op: negate ? "!exists" : "exists", values: [] });
    } else {
      next();
      out.push(parseOperation(key, op, next, peek, fail));
    }
    const sep = next();
    if (sep.t === "end") return out;
    if (!(sep.t === "sym" && sep.v === ",")) fail(`found '${describe(sep)}', expected: ',' or 'end of string'`);
  }
}

function parseOperation(key: string, op: Token, next: () => Token, peek: () => Token, fail: (why: string) => never): LabelRequirement {
  const opText = op.t === "end" ? "" : op.v;
  if (opText === "in" || opText === "notin") {
    const open = next();
    if (!(open.t === "sym" && open.v === "(")) fail(`found '${describe(open)}', expected: '('`);
    const values: string[] = [];
    for (;;) {
      const v = peek();
      if (v.t === "id") {
        values.push(v.v);
        next();
      } else if (v.t === "sym" && (v.v === "," || v.v === ")")) {
        values.push(""); // an empty value ("()", "a,,b"): the empty string, as the real parser reads it
      } else fail(`found '${describe(v)}', expected: ',', ')' or identifier`);
      const sep = next();
      if (sep.t === "sym" && sep.v === ")") break;
      if (!(sep.t === "sym" && sep.v === ",")) fail(`found '${describe(sep)}', expected: ',' or ')'`);
    }
    return { key, op: opText, values: [...new Set(values)] };
  }
  const ops: Record<string, LabelOp> = { "=": "=", "==": "=", "!=": "!=", ">": ">", "<": "<" };
  const mapped = ops[opText];
  if (mapped === undefined) return fail(`found '${describe(op)}', expected: '=', '!=', '==', 'in', notin'`);
  const v = peek();
  const value = v.t === "id" ? (next(), v.v) : "";
  if ((mapped === ">" || mapped === "<") && !/^-?\d+$/.test(value)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
  return { key, op: mapped, values: [value] };
}

export function matchesRequirement(r: LabelRequirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.op) {
    case "exists":
      return has;
    case "!exists":
      return !has;
    case "=":
    case "in":
      return has && r.values.includes(v ?? "");
    case "!=":
    case "notin":
      return !has || !r.values.includes(v ?? "");
    case ">":
    case "<": {
      if (!has || !/^-?\d+$/.test(v ?? "")) return false;
      const n = Number(v);
      const want = Number(r.values[0]);
      return r.op === ">" ? n > want : n < want;
    }
  }
}

export function matchesLabels(reqs: readonly LabelRequirement[], labels: Labels): boolean {
  for (const r of reqs) if (!matchesRequirement(r, labels)) return false;
  return true;
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as requirements; undefined for a null selector. */
export function fromLabelSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): LabelRequirement[] | undefined {
  if (sel === undefined || sel === null) return undefined;
  const out: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: "=", values: [v] }));
  const ops: Record<string, LabelOp> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!exists" };
  for (const e of sel.matchExpressions ?? []) {
    const op = ops[e.operator];
    if (op === undefined) throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    out.push({ key: e.key, op, values: e.values ?? [] });
  }
  return out;
}
