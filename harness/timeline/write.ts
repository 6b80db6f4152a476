// Writes the timeline to a file, picking the format from its name: .html/.htm -> HTML page, else SVG.

import { constants } from "node:fs";
import { access, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { renderTimelineHtml } from "./html.js";
import { renderTimelineSvg } from "./render.js";
import type { RenderOptions, TimelineData } from "./types.js";

export function timelineFormat(path: string): "html" | "svg" {
  return /\.html?$/i.test(path) ? "html" : "svg";
}

/**
 * "" when the name says SVG or HTML. Anything else is refused rather than written as SVG under a
 * misleading name (a `.png` that is really SVG text breaks every viewer that trusts the name).
 */
export function timelineExtensionProblem(path: string): string {
  if (/\.(svg|html?)$/i.test(path)) return "";
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1];
  const raster = ext !== undefined && /^(png|jpe?g|gif|webp|pdf)$/i.test(ext);
  return `--timeline ${path}: the picture is written as .svg or .html only` +
    (raster ? `; ${ext} is not produced (open the .svg or .html in a browser and print or screenshot it)` : " (name the file *.svg or *.html)");
}

export async function writeTimeline(path: string, data: TimelineData, options: RenderOptions = {}): Promise<void> {
  const ext = timelineExtensionProblem(path);
  if (ext !== "") throw new HarnessError("invalid-argument", ext);
  const text = timelineFormat(path) === "html" ? renderTimelineHtml(data, options) : renderTimelineSvg(data, options);
  await writeFile(path, text);
}

/** Why `path` cannot be written ("" when it can): its name, then its directory; checked before a run. */
export async function timelinePathProblem(path: string): Promise<string> {
  const ext = timelineExtensionProblem(path);
  if (ext !== "") return ext;
  const dir = dirname(path);
  return access(dir, constants.W_OK).then(
    () => "",
    (e: unknown) => `--timeline ${path}: directory ${dir} is not writable: ${errorMessage(e)}`,
  );
}
