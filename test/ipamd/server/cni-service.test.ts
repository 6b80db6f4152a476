// withFailureTrailer: a refused ADD's explanation leaves the wire reply untouched and travels in
// the harness-add-failure-* trailing metadata.

import { describe, expect, it } from "vitest";
import { addReply } from "../../../ipamd/backend/replies.js";
import { withFailureTrailer } from "../../../ipamd/server/cni-service.js";
import { FAILURE_DETAILS_KEY, FAILURE_REASON_KEY } from "../../../proto/trailers.js";

describe("withFailureTrailer", () => {
  it("moves the failure into trailers and keeps the reply exactly the proto's fields", () => {
    const { reply, trailer } = withFailureTrailer({ ...addReply({ Success: false }), failure: { reason: "branch-eni-not-ready", details: "pod sgp/web: not yet" } });
    expect(reply).toEqual(addReply({ Success: false }));
    expect("failure" in reply).toBe(false);
    expect(trailer?.get(FAILURE_REASON_KEY)).toEqual(["branch-eni-not-ready"]);
    expect(trailer?.get(FAILURE_DETAILS_KEY)).toEqual(["pod sgp/web: not yet"]);
  });

  it("sends no trailer for a success, and makes details a legal header value", () => {
    expect(withFailureTrailer(addReply({ Success: true })).trailer).toBeUndefined();
    const { trailer } = withFailureTrailer({ ...addReply(), failure: { reason: "internal", details: "line one\nline two … café" } });
    expect(trailer?.get(FAILURE_DETAILS_KEY)).toEqual(["line one line two   caf "]);
  });
});
