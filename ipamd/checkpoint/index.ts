// Public API of the checkpoint: the format, the interface, the file store, its memory twin, and
// the group committer that makes bursts share one write.

export type { Checkpoint, CheckpointAllocation, CheckpointData, CheckpointMetadata } from "./types.js";
export { CHECKPOINT_FILE, CHECKPOINT_VERSION } from "./types.js";
export { CheckpointEncoder, decodeCheckpoint, encodeCheckpoint } from "./format.js";
export type { CheckpointFs, FileCheckpointOptions } from "./file.js";
export { FileCheckpoint, nodeCheckpointFs } from "./file.js";
export { MemoryCheckpoint } from "./memory.js";
export type { GroupCommitOptions, GroupCommitStats } from "./group-commit.js";
export { GroupCommitter } from "./group-commit.js";
