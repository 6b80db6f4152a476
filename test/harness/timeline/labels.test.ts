// Label layout: every label placed, none touching another in its lane, none past the right edge.

import { describe, expect, it } from "vitest";
import { layoutLabels } from "../../../harness/timeline/labels.js";

describe("layoutLabels", () => {
  it("places every label, stacking those that would touch, in as many lanes as it takes", () => {
    const items = ["Pulled", "Created", "Started", "Killing", "SecurityGroupRequested", "AddNetworkFailed"].map((text) => ({ x: 100, text, fill: "#000" }));
    const { labels, lanes } = layoutLabels(items, 1000);
    expect(labels).toHaveLength(6);
    expect(lanes).toBe(6);
    expect(new Set(labels.map((l) => l.lane)).size).toBe(6);
  });
  it("reuses a lane once the earlier label has ended, and never lets two in a lane overlap", () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ x: 10 + i * 23, text: i % 3 === 0 ? "FailedCreatePodSandBox" : "Started", fill: "#000" }));
    const { labels, lanes } = layoutLabels(items, 2000);
    expect(lanes).toBeLessThan(items.length);
    for (const a of labels) for (const b of labels) {
      if (a !== b && a.lane === b.lane) expect(a.right <= b.left || b.right <= a.left).toBe(true);
    }
  });
  it("ends a label at its marker near the right edge", () => {
    const { labels } = layoutLabels([{ x: 995, text: "Started", fill: "#000" }], 1000);
    expect(labels[0]).toMatchObject({ anchor: "end", right: 995 });
    expect(labels[0]!.left).toBeLessThan(995);
  });
});
