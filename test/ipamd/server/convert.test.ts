// Control messages as the server really decodes them (proto-loader, defaults: true): an absent
// message field arrives as null, and must be a clear INVALID_ARGUMENT, not a TypeError (INTERNAL).

import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../../common/errors.js";
import { eventFromWire } from "../../../ipamd/server/convert.js";
import type * as W from "../../../ipamd/server/control-types.js";
import { loadProtos } from "../../../ipamd/server/protos.js";

/** Encodes then decodes with the server's own RecordEvent (de)serializers. */
function overTheWire(e: Partial<W.Event>): Partial<W.Event> {
  const m = loadProtos().control.service.RecordEvent;
  if (m === undefined) throw new Error("RecordEvent is not in harness.v1.Control");
  return m.requestDeserialize(m.requestSerialize(e)) as Partial<W.Event>;
}

describe("eventFromWire", () => {
  it("refuses an event without involved_object, naming the field", () => {
    const decoded = overTheWire({ type: "Normal", reason: "Custom" });
    expect(decoded.involved_object).toBeNull();
    let caught: unknown;
    try {
      eventFromWire(decoded);
    } catch (e) {
      caught = e;
    }
    expect(isHarnessError(caught) && caught.kind).toBe("invalid-argument");
    expect((caught as Error).message).toBe("RecordEvent: involved_object needs kind Pod or Node and a name");
  });

  it("takes a complete event, with the harness as the default source", () => {
    const e = eventFromWire(overTheWire({ type: "Warning", reason: "Custom", message: "m", involved_object: { kind: "Pod", namespace: "ns", name: "p", uid: "u" } }));
    expect(e).toMatchObject({ type: "Warning", reason: "Custom", message: "m", source: "harness", involvedObject: { kind: "Pod", namespace: "ns", name: "p", uid: "u" } });
  });
});
