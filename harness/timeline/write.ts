// Writes the timeline to a file, picking the format from its name: .html/.htm -> HTML page, else SVG.

import { writeFile } from "node:fs/promises";
import { renderTimelineHtml } from "./html.js";
import { renderTimelineSvg } from "./render.js";
import type { RenderOptions, TimelineData } from "./types.js";

export function timelineFormat(path: string): "html" | "svg" {
  return /\.html?$/i.test(path) ? "html" : "svg";
}

export async function writeTimeline(path: string, data: TimelineData, options: RenderOptions = {}): Promise<void> {
  const text = timelineFormat(path) === "html" ? renderTimelineHtml(data, options) : renderTimelineSvg(data, options);
  await writeFile(path, text);
}
