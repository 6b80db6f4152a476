// The pure decision of how a unary call ended (plugin/client/grpc-status.ts), case by case.
import { describe, expect, it } from "vitest";
import { grpcTimeout } from "../../../plugin/client/h2.js";
import { httpToGrpc, MAX_REPLY_BYTES, oneMessage, outcome, type Observed } from "../../../plugin/client/grpc-status.js";

const seen = (o: Partial<Observed>): Observed => ({
  httpStatus: 200, contentType: "application/grpc", grpcStatus: "0", grpcMessage: "", grpcEncoding: undefined, body: new Uint8Array(0), rstCode: 0, dropped: false, ...o,
});
const framed = (payload: number[], length = payload.length): Uint8Array => Uint8Array.from([0, 0, 0, 0, length, ...payload]);

describe("outcome", () => {
  it("grpc-status, when present, decides; its message is kept", () => {
    expect(outcome(seen({ grpcStatus: "5", grpcMessage: "datastore: unknown pod" }))).toEqual({ ok: false, code: 5, details: "datastore: unknown pod" });
    expect(outcome(seen({ grpcStatus: "9", httpStatus: 503 }))).toEqual({ ok: false, code: 9, details: "status 9" });
    expect(outcome(seen({ grpcStatus: "x" }))).toMatchObject({ ok: false, code: 2 });
  });

  it("without grpc-status the HTTP status maps as http-grpc-status-mapping.md says", () => {
    expect([400, 401, 403, 404, 429, 502, 503, 504, 500, 200].map(httpToGrpc)).toEqual([13, 16, 7, 12, 14, 14, 14, 14, 2, 2]);
    expect(outcome(seen({ grpcStatus: undefined, httpStatus: 429 }))).toEqual({ ok: false, code: 14, details: "Received HTTP status code 429" });
  });

  it("no response at all: the reset code, or UNAVAILABLE when the connection dropped", () => {
    expect(outcome(seen({ httpStatus: undefined, grpcStatus: undefined, dropped: true, rstCode: 8 }))).toEqual({ ok: false, code: 14, details: "Connection dropped" });
    expect(outcome(seen({ httpStatus: undefined, grpcStatus: undefined, rstCode: 7 }))).toMatchObject({ code: 14 });
    expect(outcome(seen({ httpStatus: undefined, grpcStatus: undefined, rstCode: 11 }))).toMatchObject({ code: 8 });
    expect(outcome(seen({ httpStatus: undefined, grpcStatus: undefined, rstCode: 12 }))).toMatchObject({ code: 7 });
    expect(outcome(seen({ httpStatus: undefined, grpcStatus: undefined, rstCode: 8 }))).toMatchObject({ code: 1 });
  });

  it("headers but no trailers: dropped -> UNAVAILABLE, otherwise UNKNOWN", () => {
    expect(outcome(seen({ grpcStatus: undefined, dropped: true }))).toMatchObject({ code: 14 });
    expect(outcome(seen({ grpcStatus: undefined }))).toMatchObject({ code: 2 });
  });

  it("a content type other than application/grpc[+x|;x] is never read as gRPC", () => {
    expect(outcome(seen({ contentType: "text/html", body: framed([8, 1]) }))).toMatchObject({ ok: false, code: 2 });
    expect(outcome(seen({ contentType: "application/grpcx", body: framed([8, 1]) }))).toMatchObject({ ok: false });
    expect(outcome(seen({ contentType: "application/grpc+proto", body: framed([8, 1]) }))).toMatchObject({ ok: true });
    expect(outcome(seen({ contentType: undefined, httpStatus: 503 }))).toMatchObject({ code: 14 });
  });
});

describe("oneMessage: exactly one uncompressed message of the declared length", () => {
  it.each([
    ["no bytes", new Uint8Array(0), 12, "No message received"],
    ["a short prefix", Uint8Array.from([0, 0, 0]), 12, "No message received"],
    ["fewer bytes than declared", framed([8, 1], 100), 12, "No message received"],
    ["a second message", Uint8Array.from([...framed([8, 1]), ...framed([8, 1])]), 12, "Too many responses received"],
    ["trailing bytes", Uint8Array.from([...framed([8, 1]), 0]), 12, "Too many responses received"],
    ["the compressed flag", Uint8Array.from([1, 0, 0, 0, 2, 8, 1]), 13, "compressed message without grpc-encoding"],
    ["a flag byte of 2", Uint8Array.from([2, 0, 0, 0, 0]), 13, "invalid compressed-flag byte 2"],
    ["a length over 4 MiB", Uint8Array.from([0, 0, 0x40, 0, 1]), 8, `Received message larger than max (${MAX_REPLY_BYTES + 1} vs ${MAX_REPLY_BYTES})`],
  ])("refuses %s", (_n, body, code, details) => {
    expect(oneMessage(body, undefined)).toEqual({ ok: false, code, details });
  });

  it("takes one message, including an empty one", () => {
    expect(oneMessage(framed([8, 1]), undefined)).toEqual({ ok: true, message: Uint8Array.from([8, 1]) });
    expect(oneMessage(framed([]), undefined)).toEqual({ ok: true, message: new Uint8Array(0) });
  });
});

describe("grpcTimeout", () => {
  it("fits PROTOCOL-HTTP2.md's 8 digits: milliseconds, else seconds", () => {
    expect(grpcTimeout(10_000)).toBe("10000m");
    expect(grpcTimeout(0.2)).toBe("1m");
    expect(grpcTimeout(99_999_999)).toBe("99999999m");
    expect(grpcTimeout(2 ** 31 - 1)).toBe("2147484S");
  });
});
