// Event labels without collisions: each label sits at its marker's x, in the first lane (row of
// text) where it does not touch the labels already placed; near the right edge it ends at the
// marker instead of starting there. Lanes are unbounded, so every label is shown; the row grows.
// Widths are the monospace text's (style.ts), and the SVG pins them with textLength.

import { el, esc } from "./svg.js";
import { FONT, textWidth } from "./style.js";

export const LANE_H = 11;
const GAP = 6;

export interface LabelItem {
  x: number;
  text: string;
  fill: string;
}

export interface PlacedLabel extends LabelItem {
  lane: number;
  anchor: "start" | "end";
  left: number;
  right: number;
}

/** Pure: where each label goes, and how many lanes that takes. */
export function layoutLabels(items: readonly LabelItem[], xMax: number): { labels: PlacedLabel[]; lanes: number } {
  const laneEnds: number[] = [];
  const labels: PlacedLabel[] = [];
  for (const item of [...items].sort((a, b) => a.x - b.x)) {
    const w = textWidth(item.text, FONT.small);
    const anchor = item.x + w > xMax ? "end" : "start";
    const left = anchor === "start" ? item.x : item.x - w;
    const right = left + w;
    let lane = laneEnds.findIndex((end) => end + GAP <= left);
    if (lane < 0) lane = laneEnds.push(right) - 1;
    else laneEnds[lane] = right;
    labels.push({ ...item, lane, anchor, left, right });
  }
  return { labels, lanes: laneEnds.length };
}

/** The labels as SVG text, lane 0 at `y` (baseline), each lane LANE_H below the previous. */
export function labelsSvg(labels: readonly PlacedLabel[], y: number): string {
  return labels
    .map((l) => el("text", {
      class: "event-label", x: l.anchor === "start" ? l.left : l.right, y: y + l.lane * LANE_H, "text-anchor": l.anchor, fill: l.fill,
      textLength: l.right - l.left, lengthAdjust: "spacingAndGlyphs",
    }, esc(l.text)))
    .join("");
}
