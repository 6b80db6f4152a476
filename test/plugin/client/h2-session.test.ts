// Our HTTP/2 client session against hand-made server frames (a fake transport): the greeting and
// the request, SETTINGS and PING answered, a header block split over CONTINUATION, GOAWAY refusing
// the streams past its last id, and protocol errors ending every stream.
import { describe, expect, it } from "vitest";
import { ErrorCode, Flag, FrameReader, FrameType, frame, u32, type Frame } from "../../../plugin/client/h2-frames.js";
import { H2Session, type StreamEvents } from "../../../plugin/client/h2-session.js";
import { encodeHeaders, type Header } from "../../../plugin/client/hpack.js";

function world() {
  const sent: Frame[] = [];
  const reader = new FrameReader();
  let preface = false;
  const transport = {
    write(b: Uint8Array) {
      let bytes = b;
      if (!preface) {
        expect(Buffer.from(b.subarray(0, 24)).toString("latin1")).toBe("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        preface = true;
        bytes = b.subarray(24);
      }
      sent.push(...reader.push(bytes));
    },
    closed: false,
    close() {
      this.closed = true;
    },
  };
  const session = new H2Session(transport);
  const log: string[] = [];
  const events = (tag: string): StreamEvents => ({
    headers: (h, end) => void log.push(`${tag} headers ${h.map(([k, v]) => `${k}=${v}`).join(",")}${end ? " END" : ""}`),
    data: (c, end) => void log.push(`${tag} data ${c.length}${end ? " END" : ""}`),
    reset: (code) => void log.push(`${tag} reset ${code}`),
    dropped: (why) => void log.push(`${tag} dropped ${why}`),
    failed: (why) => void log.push(`${tag} failed ${why}`),
  });
  return { session, transport, sent, log, events };
}

const req: Header[] = [[":method", "POST"], [":path", "/x"]];

describe("H2Session", () => {
  it("sends the greeting with the first request: SETTINGS (no push, largest window), WINDOW_UPDATE, HEADERS, DATA", () => {
    const w = world();
    expect(w.session.request(req, Uint8Array.from([1, 2, 3]), w.events("s1"))).toBe(1);
    expect(w.sent.map((f) => [f.type, f.flags, f.stream])).toEqual([
      [FrameType.SETTINGS, 0, 0],
      [FrameType.WINDOW_UPDATE, 0, 0],
      [FrameType.HEADERS, Flag.END_HEADERS, 1],
      [FrameType.DATA, Flag.END_STREAM, 1],
    ]);
    expect(w.session.request(req, new Uint8Array(0), w.events("s3"))).toBe(3);
  });

  it("acknowledges SETTINGS and answers PING with its payload", () => {
    const w = world();
    w.session.request(req, new Uint8Array(0), w.events("s1"));
    w.sent.length = 0;
    w.session.receive(Buffer.concat([frame(FrameType.SETTINGS, 0, 0, new Uint8Array(0)), frame(FrameType.PING, 0, 0, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))]));
    expect(w.sent.map((f) => [f.type, f.flags, [...f.payload]])).toEqual([[FrameType.SETTINGS, Flag.ACK, []], [FrameType.PING, Flag.ACK, [1, 2, 3, 4, 5, 6, 7, 8]]]);
  });

  it("reads a header block split over HEADERS and CONTINUATION, byte by byte", () => {
    const w = world();
    w.session.request(req, new Uint8Array(0), w.events("s1"));
    const block = encodeHeaders([[":status", "200"], ["content-type", "application/grpc"]]);
    const bytes = Buffer.concat([
      frame(FrameType.HEADERS, 0, 1, block.subarray(0, 3)),
      frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(3)),
      frame(FrameType.DATA, 0, 1, Uint8Array.from([0, 0, 0, 0, 0])),
      frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, encodeHeaders([["grpc-status", "0"]])),
    ]);
    for (const b of bytes) w.session.receive(Uint8Array.from([b]));
    expect(w.log).toEqual(["s1 headers :status=200,content-type=application/grpc", "s1 data 5", "s1 headers grpc-status=0 END"]);
  });

  it("GOAWAY: streams past the last id are refused, earlier ones go on, the session takes no new streams", () => {
    const w = world();
    w.session.request(req, new Uint8Array(0), w.events("s1"));
    w.session.request(req, new Uint8Array(0), w.events("s3"));
    w.session.receive(frame(FrameType.GOAWAY, 0, 0, Buffer.concat([u32(1), u32(ErrorCode.NO_ERROR)])));
    expect(w.log).toEqual([`s3 reset ${ErrorCode.REFUSED_STREAM}`]);
    expect(w.session.usable).toBe(false);
    w.session.receive(frame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, encodeHeaders([[":status", "200"]])));
    expect(w.log.at(-1)).toBe("s1 headers :status=200 END");
  });

  it("RST_STREAM ends one stream with its code; the transport closing ends all, as dropped", () => {
    const w = world();
    w.session.request(req, new Uint8Array(0), w.events("s1"));
    w.session.request(req, new Uint8Array(0), w.events("s3"));
    w.session.receive(frame(FrameType.RST_STREAM, 0, 1, u32(ErrorCode.INTERNAL_ERROR)));
    w.session.closed("Connection dropped");
    expect(w.log).toEqual([`s1 reset ${ErrorCode.INTERNAL_ERROR}`, "s3 dropped Connection dropped"]);
  });

  it.each([
    ["a frame larger than 16 KiB", () => frame(FrameType.DATA, 0, 1, new Uint8Array(16_385))],
    ["PUSH_PROMISE", () => frame(FrameType.PUSH_PROMISE, Flag.END_HEADERS, 1, new Uint8Array(4))],
    ["a frame inside a header block", () => Buffer.concat([frame(FrameType.HEADERS, 0, 1, new Uint8Array(0)), frame(FrameType.DATA, 0, 1, new Uint8Array(0))])],
    ["a bad HPACK block", () => frame(FrameType.HEADERS, Flag.END_HEADERS, 1, Uint8Array.from([0xff, 0x00]))],
    ["padding longer than the frame", () => frame(FrameType.DATA, Flag.PADDED, 1, Uint8Array.from([9, 1]))],
  ])("%s is a protocol error: every stream fails, the transport closes", (_n, bytes) => {
    const w = world();
    w.session.request(req, new Uint8Array(0), w.events("s1"));
    w.session.receive(bytes());
    expect(w.log).toEqual([expect.stringMatching(/^s1 failed protocol error: /)]);
    expect(w.transport.closed).toBe(true);
    expect(w.session.usable).toBe(false);
  });
});
