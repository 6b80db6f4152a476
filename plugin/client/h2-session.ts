// One HTTP/2 client connection (RFC 9113) on any byte transport, for unary gRPC calls: the preface
// and our SETTINGS (no push, the largest windows, so a reply never waits on us), answers to SETTINGS
// and PING, header blocks through HPACK (HEADERS + CONTINUATION), DATA, RST_STREAM, and GOAWAY (no
// new streams; streams past its last id are refused). A protocol error or the transport closing
// ends every open stream.
import { ErrorCode, Flag, FrameError, FrameReader, FrameType, frame, MAX_WINDOW, PREFACE, Setting, settings, u32, unpad, type Frame } from "./h2-frames.js";
import { encodeHeaders, HpackDecoder, MAX_HEADER_LIST, type Header } from "./hpack.js";

/** What a stream reports; exactly one of end/reset/drop/fail happens last. */
export interface StreamEvents {
  headers(headers: Header[], endStream: boolean): void;
  data(chunk: Uint8Array, endStream: boolean): void;
  /** RST_STREAM from the server, or refused by its GOAWAY. */
  reset(code: number): void;
  /** The connection went away first. */
  dropped(why: string): void;
  /** The server broke the protocol. */
  failed(why: string): void;
}

interface Block {
  stream: number;
  flags: number;
  parts: Uint8Array[];
  size: number;
}

export interface Transport {
  write(bytes: Uint8Array): void;
  close(): void;
}

export class H2Session {
  readonly #streams = new Map<number, StreamEvents>();
  readonly #reader = new FrameReader();
  readonly #hpack = new HpackDecoder();
  #next = 1;
  #block: Block | undefined;
  /** Set by GOAWAY, a protocol error or the transport closing: no new streams. */
  #done: string | undefined;

  /** The connection preface, sent with the first request: one write (one syscall) for all of it. */
  #greeting: Uint8Array[] | undefined = [
    PREFACE,
    settings([[Setting.ENABLE_PUSH, 0], [Setting.INITIAL_WINDOW_SIZE, MAX_WINDOW], [Setting.MAX_HEADER_LIST_SIZE, MAX_HEADER_LIST]]),
    frame(FrameType.WINDOW_UPDATE, 0, 0, u32(MAX_WINDOW - 65_535)),
  ];

  constructor(readonly transport: Transport) {}

  get usable(): boolean {
    return this.#done === undefined;
  }

  /** Opens a stream: HEADERS then one DATA frame with END_STREAM (a unary request). */
  request(headers: readonly Header[], body: Uint8Array, events: StreamEvents): number {
    const id = this.#next;
    this.#next += 2;
    this.#streams.set(id, events);
    const parts = [...(this.#greeting ?? []), frame(FrameType.HEADERS, Flag.END_HEADERS, id, encodeHeaders(headers)), frame(FrameType.DATA, Flag.END_STREAM, id, body)];
    this.#greeting = undefined;
    this.transport.write(Buffer.concat(parts));
    return id;
  }

  /** RST_STREAM CANCEL; the stream reports nothing more. */
  cancel(id: number): void {
    if (!this.#streams.delete(id)) return;
    if (this.#done === undefined) this.transport.write(frame(FrameType.RST_STREAM, 0, id, u32(ErrorCode.CANCEL)));
  }

  /** Bytes from the transport. */
  receive(chunk: Uint8Array): void {
    try {
      for (const f of this.#reader.push(chunk)) this.#frame(f);
    } catch (e) {
      this.#fail(`protocol error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The transport closed (or failed): every open stream was cut off. */
  closed(why: string): void {
    this.#end(why);
    for (const s of this.#take()) s.dropped(why);
  }

  close(): void {
    this.#end("closed by the client");
    this.transport.close();
  }

  #frame(f: Frame): void {
    if (this.#block !== undefined && f.type !== FrameType.CONTINUATION) throw new FrameError("a frame inside a header block");
    switch (f.type) {
      case FrameType.DATA: {
        const s = this.#streams.get(f.stream);
        const end = (f.flags & Flag.END_STREAM) !== 0;
        if (end) this.#streams.delete(f.stream);
        return s?.data(unpad(f), end);
      }
      case FrameType.HEADERS:
        this.#block = { stream: f.stream, flags: f.flags, parts: [], size: 0 };
        return this.#fragment(unpad(f), f.flags);
      case FrameType.CONTINUATION:
        if (this.#block === undefined || this.#block.stream !== f.stream) throw new FrameError("CONTINUATION without its HEADERS");
        return this.#fragment(f.payload, f.flags);
      case FrameType.RST_STREAM: {
        const s = this.#streams.get(f.stream);
        this.#streams.delete(f.stream);
        return s?.reset(f.payload.length === 4 ? new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(0) : ErrorCode.PROTOCOL_ERROR);
      }
      case FrameType.SETTINGS:
        if ((f.flags & Flag.ACK) === 0) this.transport.write(frame(FrameType.SETTINGS, Flag.ACK, 0));
        return;
      case FrameType.PING:
        if ((f.flags & Flag.ACK) === 0) this.transport.write(frame(FrameType.PING, Flag.ACK, 0, f.payload));
        return;
      case FrameType.GOAWAY:
        return this.#goaway(f);
      case FrameType.PUSH_PROMISE:
        throw new FrameError("PUSH_PROMISE, though push is disabled");
      default:
        return; // PRIORITY, WINDOW_UPDATE, unknown types: nothing to do for a unary client
    }
  }

  #fragment(part: Uint8Array, flags: number): void {
    const b = this.#block;
    if (b === undefined) throw new FrameError("a header fragment outside a header block");
    b.parts.push(part);
    b.size += part.length;
    if (b.size > MAX_HEADER_LIST) throw new FrameError(`header block larger than ${MAX_HEADER_LIST} bytes`);
    if ((flags & Flag.END_HEADERS) === 0) return;
    this.#block = undefined;
    const block = b.parts.length === 1 ? (b.parts[0] as Uint8Array) : Buffer.concat(b.parts);
    // Decoded even for a stream we forgot: the table state must follow every block.
    const headers = this.#hpack.decode(block);
    const s = this.#streams.get(b.stream);
    const end = (b.flags & Flag.END_STREAM) !== 0;
    if (end) this.#streams.delete(b.stream);
    s?.headers(headers, end);
  }

  /** No new streams; those the server will not process (id above its last) are refused. */
  #goaway(f: Frame): void {
    if (f.payload.length < 8) throw new FrameError("GOAWAY shorter than 8 bytes");
    const last = new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(0) & 0x7fffffff;
    this.#end("GOAWAY");
    for (const [id, s] of [...this.#streams]) {
      if (id <= last) continue;
      this.#streams.delete(id);
      s.reset(ErrorCode.REFUSED_STREAM);
    }
  }

  #fail(why: string): void {
    this.#end(why);
    for (const s of this.#take()) s.failed(why);
    this.transport.close();
  }

  #end(why: string): void {
    this.#done ??= why;
  }

  #take(): StreamEvents[] {
    const all = [...this.#streams.values()];
    this.#streams.clear();
    return all;
  }
}
