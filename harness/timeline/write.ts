// Writes the timeline to a file, picking the format from its name: .html/.htm -> HTML page, else SVG.

import { constants } from "node:fs";
import { access, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { errorMessage } from "../../common/errors.js";
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

/** Why `path` cannot be written ("" when its directory is writable): checked before a long run. */
export async function timelinePathProblem(path: string): Promise<string> {
  const dir = dirname(path);
  return access(dir, constants.W_OK).then(
    () => "",
    (e: unknown) => `--timeline ${path}: directory ${dir} is not writable: ${errorMessage(e)}`,
  );
}
