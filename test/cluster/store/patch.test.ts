import { describe, expect, it } from "vitest";
import { applyJsonPatch, decodeJsonPatch, mergePatch } from "../../../cluster/store/patch.js";
import { SET, strategicMerge } from "../../../cluster/store/strategic.js";
import { toStatus } from "../../../cluster/store/index.js";

const code = (fn: () => unknown): number => {
  try {
    fn();
  } catch (e) {
    return toStatus(e).code;
  }
  return 0;
};

describe("JSON merge patch (RFC 7386)", () => {
  // The RFC's appendix A examples.
  it.each([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("%j + %j", (target, patch, want) => {
    expect(mergePatch(target, patch)).toEqual(want);
  });

  it("shares unchanged subtrees and never mutates its inputs", () => {
    const target = Object.freeze({ a: Object.freeze({ x: 1 }), b: Object.freeze({ y: 2 }) });
    const out = mergePatch(target, { b: { y: 3 } }) as typeof target;
    expect(out.a).toBe(target.a);
    expect(out.b).toEqual({ y: 3 });
    expect(target.b.y).toBe(2);
    expect(mergePatch(target, { a: { x: 1 } })).toBe(target);
  });
});

describe("JSON patch (RFC 6902)", () => {
  const doc = { metadata: { labels: { a: "1" } }, list: [1, 2, 3] };
  it("applies add, remove, replace, move, copy and test", () => {
    const out = applyJsonPatch(doc, decodeJsonPatch([
      { op: "add", path: "/metadata/labels/b", value: "2" },
      { op: "remove", path: "/metadata/labels/a" },
      { op: "replace", path: "/list/0", value: 9 },
      { op: "add", path: "/list/-", value: 4 },
      { op: "copy", from: "/list/0", path: "/copied" },
      { op: "move", from: "/copied", path: "/moved" },
      { op: "test", path: "/moved", value: 9 },
      { op: "add", path: "/a~1b", value: true },
    ]));
    expect(out).toEqual({ metadata: { labels: { b: "2" } }, list: [9, 2, 3, 4], moved: 9, "a/b": true });
    expect(doc.list).toEqual([1, 2, 3]);
  });

  it("is 422 when an operation cannot apply, 400 when the document is not a patch", () => {
    expect(code(() => applyJsonPatch(doc, decodeJsonPatch([{ op: "test", path: "/list/0", value: 2 }])))).toBe(422);
    expect(code(() => applyJsonPatch(doc, decodeJsonPatch([{ op: "remove", path: "/nope" }])))).toBe(422);
    expect(code(() => applyJsonPatch(doc, decodeJsonPatch([{ op: "replace", path: "/list/7", value: 1 }])))).toBe(422);
    expect(code(() => decodeJsonPatch({ op: "add" }))).toBe(400);
    expect(code(() => decodeJsonPatch([{ op: "frobnicate", path: "/" }]))).toBe(400);
    expect(code(() => decodeJsonPatch([{ op: "add", path: "/x" }]))).toBe(400);
  });
});

describe("strategic merge patch", () => {
  // tolerations have no patchMergeKey in PodSpec: they are replaced.
  const keys = { "spec.containers": "name", "spec.containers[].env": "name", "metadata.finalizers": SET };
  const pod = {
    metadata: { labels: { a: "1" }, finalizers: ["x"] },
    spec: {
      containers: [
        { name: "app", image: "a:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] },
        { name: "side", image: "s:1" },
      ],
      tolerations: [{ key: "k1" }],
    },
  };

  it("merges lists by their merge key and replaces the others", () => {
    const out = strategicMerge(pod, {
      metadata: { labels: { b: "2" }, finalizers: ["y"] },
      spec: { containers: [{ name: "app", image: "a:2", env: [{ name: "B", value: "3" }, { name: "C", value: "4" }] }], tolerations: [{ key: "k2" }] },
    }, keys);
    expect(out).toEqual({
      metadata: { labels: { a: "1", b: "2" }, finalizers: ["x", "y"] },
      spec: {
        containers: [
          { name: "app", image: "a:2", env: [{ name: "A", value: "1" }, { name: "B", value: "3" }, { name: "C", value: "4" }] },
          { name: "side", image: "s:1" },
        ],
        tolerations: [{ key: "k2" }],
      },
    });
  });

  it("honours $patch: delete and replace, $deleteFromPrimitiveList, $setElementOrder and $retainKeys", () => {
    const deleted = strategicMerge(pod, { spec: { containers: [{ name: "side", $patch: "delete" }] } }, keys) as typeof pod;
    expect(deleted.spec.containers.map((c) => c.name)).toEqual(["app"]);
    const replaced = strategicMerge(pod, { spec: { containers: [{ name: "only", image: "o" }, { $patch: "replace" }] } }, keys) as typeof pod;
    expect(replaced.spec.containers).toEqual([{ name: "only", image: "o" }]);
    const mapReplaced = strategicMerge(pod, { metadata: { labels: { z: "9", $patch: "replace" } } }, keys) as typeof pod;
    expect(mapReplaced.metadata.labels).toEqual({ z: "9" });
    const mapDeleted = strategicMerge(pod, { metadata: { labels: { $patch: "delete" } } }, keys) as typeof pod;
    expect(mapDeleted.metadata.labels).toBeUndefined();
    const prim = strategicMerge(pod, { metadata: { "$deleteFromPrimitiveList/finalizers": ["x"] } }, keys) as typeof pod;
    expect(prim.metadata.finalizers).toEqual([]);
    const ordered = strategicMerge(pod, { spec: { "$setElementOrder/containers": [{ name: "side" }, { name: "app" }] } }, keys) as typeof pod;
    expect(ordered.spec.containers.map((c) => c.name)).toEqual(["side", "app"]);
    const retained = strategicMerge({ a: 1, b: 2, c: 3 }, { $retainKeys: ["a", "c"], c: 4 }, keys);
    expect(retained).toEqual({ a: 1, c: 4 });
  });

  it("deletes a key set to null and rejects a list element without its merge key", () => {
    const out = strategicMerge(pod, { metadata: { labels: { a: null } } }, keys) as typeof pod;
    expect(out.metadata.labels).toEqual({});
    expect(code(() => strategicMerge(pod, { spec: { containers: [{ image: "x" }] } }, keys))).toBe(400);
  });
});
