// The timeline picture: types and the SVG / HTML renderers (pure functions data -> string).

export type { AttemptOutcome, PodTimeline, ProvisioningWindow, RenderOptions, SandboxAttempt, TimelineData } from "./types.js";
export { renderTimelineSvg } from "./render.js";
export { renderTimelineHtml } from "./html.js";
export { timelineFormat, timelinePathProblem, writeTimeline } from "./write.js";
export { AttemptLog, buildTimeline, windowFromEvents, windowFromRecords } from "./build.js";
export type { BuildInput } from "./build.js";
export { distribution, timesToRunning } from "./stats.js";
export type { Distribution } from "./stats.js";
