// gRPC statuses never carry a whole request field back: message and `details` are clipped (issue #10).
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { HarnessError } from "../../../common/errors.js";
import { checkClientVersion } from "../../../ipamd/server/cni-service.js";
import { MAX_STATUS_TEXT, toStatus } from "../../../ipamd/server/status.js";

const huge = "x".repeat(128 * 1024);

describe("toStatus", () => {
  it("clips a HarnessError's message and details", () => {
    const s = toStatus(new HarnessError("invalid-argument", `bad field ${huge}`, { details: huge }), "cni");
    expect(s.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(s.details.length).toBeLessThan(MAX_STATUS_TEXT + 40);
    expect(String(s.metadata.get("details")[0]).length).toBeLessThan(MAX_STATUS_TEXT + 40);
  });

  it("clips a status error (a 128 KiB ClientVersion) and an unexpected exception", () => {
    let err: unknown;
    try {
      checkClientVersion(huge, "");
    } catch (e) {
      err = e;
    }
    const s = toStatus(err, "cni");
    expect(s.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(s.details).toMatch(/^wrong client version "xxx/);
    expect(s.details.length).toBeLessThan(MAX_STATUS_TEXT + 40);
    expect(toStatus(new Error(huge), "control").details.length).toBeLessThan(MAX_STATUS_TEXT + 40);
  });
});
