// The Query API's replies as EC2 writes them (docs/REFERENCE.md §9): <ActionResponse> in the
// 2016-11-15 namespace with a requestId, lists as <item> elements, and errors as
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.

export const EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";

/** A reply's content: elements by name; arrays become <item> lists; undefined is left out. */
export type XmlValue = string | number | boolean | undefined | XmlNode | readonly XmlValue[];
export interface XmlNode {
  readonly [name: string]: XmlValue;
}

/** Text content as EC2 writes it: &, < and > escaped (quotes stay as they are in text nodes). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c] as string);
}

function element(name: string, value: XmlValue): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element("item", v)).join("")}</${name}>`;
  if (typeof value === "object") return `<${name}>${children(value as XmlNode)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function children(node: XmlNode): string {
  return Object.entries(node).map(([k, v]) => element(k, v)).join("");
}

export function successXml(action: string, requestId: string, body: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}"><requestId>${escapeXml(requestId)}</requestId>${children(body)}</${action}Response>`;
}

export function errorXml(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}
