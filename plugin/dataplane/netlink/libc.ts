// The few libc calls the netlink runner makes, through Bun's FFI (loaded only under Bun: the
// compiled plugin). Each wrapper has fixed C types; the runner passes only numbers and its own
// buffers, never text from outside (paths are typed NetnsPath values, NUL-terminated here).
import { dlopen, FFIType, read } from "bun:ffi";
import type { Libc } from "./runner.js";

type Fn<A extends unknown[], R> = (...args: A) => R;

export function loadLibc(): Libc {
  const { i32, u32, u64, ptr } = FFIType;
  const lib = dlopen("libc.so.6", {
    socket: { args: [i32, i32, i32], returns: i32 },
    setsockopt: { args: [i32, i32, i32, ptr, u32], returns: i32 },
    send: { args: [i32, ptr, u64, i32], returns: i32 },
    recv: { args: [i32, ptr, u64, i32], returns: i32 },
    open: { args: [ptr, i32], returns: i32 },
    close: { args: [i32], returns: i32 },
    setns: { args: [i32, i32], returns: i32 },
    __errno_location: { args: [], returns: ptr },
  });
  const s = lib.symbols as unknown as {
    socket: Fn<[number, number, number], number>;
    setsockopt: Fn<[number, number, number, Uint8Array, number], number>;
    send: Fn<[number, Uint8Array, number, number], number>;
    recv: Fn<[number, Uint8Array, number, number], number>;
    open: Fn<[Uint8Array, number], number>;
    close: Fn<[number], number>;
    setns: Fn<[number, number], number>;
    __errno_location: Fn<[], unknown>;
  };
  const errno = (): number => read.i32(s.__errno_location(), 0);
  // Each call returns -errno on failure, read right after the call on the same thread.
  const call = (r: number): number => (r < 0 ? -errno() : r);
  return {
    socket: (domain, type, protocol) => call(s.socket(domain, type, protocol)),
    setsockopt: (fd, level, name, value) => call(s.setsockopt(fd, level, name, value, value.length)),
    send: (fd, buf) => call(s.send(fd, buf, buf.length, 0)),
    recv: (fd, buf) => call(s.recv(fd, buf, buf.length, 0)),
    open: (path, flags) => call(s.open(Buffer.from(`${path}\0`, "utf8"), flags)),
    close: (fd) => {
      s.close(fd);
    },
    setns: (fd, nstype) => call(s.setns(fd, nstype)),
  };
}
