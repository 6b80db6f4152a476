// HTTP/2 framing (RFC 9113 §4, §6): the 9-byte frame header, the frames a unary gRPC client sends,
// and a reader that cuts a byte stream into frames.

export const FrameType = { DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const;
export const Flag = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;
export const ErrorCode = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, FRAME_SIZE_ERROR: 6, REFUSED_STREAM: 7, CANCEL: 8, ENHANCE_YOUR_CALM: 11, INADEQUATE_SECURITY: 12 } as const;
export const Setting = { HEADER_TABLE_SIZE: 1, ENABLE_PUSH: 2, INITIAL_WINDOW_SIZE: 4, MAX_FRAME_SIZE: 5, MAX_HEADER_LIST_SIZE: 6 } as const;

/** SETTINGS_MAX_FRAME_SIZE's default, which we never raise: no frame we accept is larger. */
export const MAX_FRAME = 16_384;
/** The largest flow-control window (2^31-1): a reply never waits for a WINDOW_UPDATE of ours. */
export const MAX_WINDOW = 2 ** 31 - 1;
export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Uint8Array;
}

export function frame(type: number, flags: number, stream: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  const len = payload.length;
  out[0] = (len >>> 16) & 0xff;
  out[1] = (len >>> 8) & 0xff;
  out[2] = len & 0xff;
  out[3] = type;
  out[4] = flags;
  new DataView(out.buffer).setUint32(5, stream & 0x7fffffff);
  out.set(payload, 9);
  return out;
}

export const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
};

export function settings(values: readonly (readonly [number, number])[]): Uint8Array {
  const p = new Uint8Array(6 * values.length);
  const v = new DataView(p.buffer);
  values.forEach(([id, value], i) => {
    v.setUint16(6 * i, id);
    v.setUint32(6 * i + 2, value >>> 0);
  });
  return frame(FrameType.SETTINGS, 0, 0, p);
}

export class FrameError extends Error {
  override readonly name = "FrameError";
}

/** Accumulates bytes and yields whole frames; a frame larger than MAX_FRAME is a FrameError. */
export class FrameReader {
  #buf = new Uint8Array(0);

  push(chunk: Uint8Array): Frame[] {
    const buf = this.#buf.length === 0 ? chunk : concat(this.#buf, chunk);
    const out: Frame[] = [];
    let pos = 0;
    while (buf.length - pos >= 9) {
      const len = ((buf[pos] as number) << 16) | ((buf[pos + 1] as number) << 8) | (buf[pos + 2] as number);
      if (len > MAX_FRAME) throw new FrameError(`frame of ${len} bytes (at most ${MAX_FRAME})`);
      if (buf.length - pos < 9 + len) break;
      const view = new DataView(buf.buffer, buf.byteOffset + pos);
      out.push({ type: buf[pos + 3] as number, flags: buf[pos + 4] as number, stream: view.getUint32(5) & 0x7fffffff, payload: buf.slice(pos + 9, pos + 9 + len) });
      pos += 9 + len;
    }
    this.#buf = buf.slice(pos);
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A HEADERS or DATA payload without its padding (and HEADERS' priority block). */
export function unpad(f: Frame): Uint8Array {
  let p = f.payload;
  let pad = 0;
  if (f.flags & Flag.PADDED) {
    if (p.length < 1) throw new FrameError("padded frame without a pad length");
    pad = p[0] as number;
    p = p.subarray(1);
  }
  if (f.type === FrameType.HEADERS && f.flags & Flag.PRIORITY) {
    if (p.length < 5) throw new FrameError("HEADERS with a priority block shorter than 5 bytes");
    p = p.subarray(5);
  }
  if (pad > p.length) throw new FrameError("padding longer than the frame");
  return p.subarray(0, p.length - pad);
}
