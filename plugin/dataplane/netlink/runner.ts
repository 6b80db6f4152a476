// Carries out the dataplane's operations as rtnetlink requests from the plugin's own process
// (issue #12): no `ip` and no `nsenter` process per batch. Same contract as `ip -batch` (OpRunner,
// batch.ts): without force it stops at the first failure, each failure names the 1-based index of
// its op with iproute2's words ("RTNETLINK answers: File exists", `Cannot find device "x"`), and a
// netns that cannot be entered fails with index 0 before any op runs.
//
// A socket in the pod's netns: the thread enters the netns (setns), opens the socket, and returns
// to its own netns before anything else runs (all synchronous, so no other JS runs in between); a
// socket stays in the netns it was made in. If the thread cannot return, the process stops: no
// later operation may run in the wrong netns.
import type { NetnsPath } from "../../../common/boundary/index.js";
import type { BatchFailure, BatchResult, OpRunner } from "../batch.js";
import type { Op } from "../ops.js";
import { encodeGetLink, encodeOp, namesOf, NLMSG_ERROR, parseAnswers, RTM, type Answer } from "./encode.js";

/** libc as the runner uses it: every call returns a non-negative value or -errno. */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  send(fd: number, buf: Uint8Array): number;
  recv(fd: number, buf: Uint8Array): number;
  open(path: string, flags: number): number;
  close(fd: number): void;
  setns(fd: number, nstype: number): number;
}

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;
const SOL_SOCKET = 1;
const SO_RCVTIMEO = 20;
const SOL_NETLINK = 270;
const NETLINK_CAP_ACK = 10;
const NETLINK_EXT_ACK = 11;
const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
const CLONE_NEWNET = 0x40000000;
const ENODEV = 19;
const EAGAIN = 11;

/** strerror(3) for the answers rtnetlink gives (glibc's words, which iproute2 prints). */
const STRERROR: Readonly<Record<number, string>> = {
  1: "Operation not permitted",
  2: "No such file or directory",
  3: "No such process",
  12: "Cannot allocate memory",
  13: "Permission denied",
  16: "Device or resource busy",
  17: "File exists",
  19: "No such device",
  22: "Invalid argument",
  24: "Too many open files",
  34: "Numerical result out of range",
  93: "Protocol not supported",
  95: "Operation not supported",
  97: "Address family not supported by protocol",
  99: "Cannot assign requested address",
  101: "Network is unreachable",
  105: "No buffer space available",
};

export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

/** How long one answer may take (the kernel answers rtnetlink requests before send returns). */
const RECV_TIMEOUT_S = 5;

export function netlinkOpRunner(libc: Libc): OpRunner {
  return async (ops, opts, signal) => {
    signal.throwIfAborted();
    const opened = openSocket(libc, opts.netns);
    if (typeof opened === "string") return { exitCode: 1, stdout: "", failures: [{ line: 0, message: opened }] };
    const nl = new Netlink(libc, opened);
    try {
      const failures: BatchFailure[] = [];
      for (const [i, op] of ops.entries()) {
        signal.throwIfAborted();
        const problem = nl.run(op);
        if (problem === undefined) continue;
        failures.push({ line: i + 1, message: problem });
        if (opts.force !== true) break;
      }
      return { exitCode: failures.length === 0 ? 0 : 1, stdout: "", failures } satisfies BatchResult;
    } finally {
      libc.close(opened);
    }
  };
}

/** A netlink route socket in this thread's netns, or in `netns` (a message when it cannot be entered). */
function openSocket(libc: Libc, netns: NetnsPath | undefined): number | string {
  if (netns === undefined) return configured(libc, libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  const target = libc.open(netns, O_RDONLY | O_CLOEXEC);
  if (target < 0) return `Cannot open network namespace "${netns}": ${strerror(-target)}`;
  const self = libc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) {
    libc.close(target);
    return `cannot open this thread's netns: ${strerror(-self)}`;
  }
  try {
    const entered = libc.setns(target, CLONE_NEWNET);
    if (entered < 0) return `setting the network namespace "${netns}" failed: ${strerror(-entered)}`;
    const fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    const back = libc.setns(self, CLONE_NEWNET);
    if (back < 0) {
      // Never carry on in the pod's netns: the host's operations would land there.
      const msg = `cannot return to the host netns after opening a socket in "${netns}": ${strerror(-back)}`;
      process.stdout.write(`${JSON.stringify({ code: 999, msg })}\n`);
      process.exit(1);
    }
    return configured(libc, fd);
  } finally {
    libc.close(self);
    libc.close(target);
  }
}

function configured(libc: Libc, fd: number): number | string {
  if (fd < 0) return `cannot open a netlink socket: ${strerror(-fd)}`;
  const timeval = new Uint8Array(16);
  new DataView(timeval.buffer).setUint32(0, RECV_TIMEOUT_S, true);
  const one = Uint8Array.of(1, 0, 0, 0);
  // Extended acks carry the kernel's own words ("Unknown device type"); capped: no echoed request.
  const r = [
    libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval),
    libc.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, one),
    libc.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one),
  ].find((x) => x < 0);
  if (r === undefined || r === -92 /* ENOPROTOOPT: an old kernel without extended acks */) return fd;
  libc.close(fd);
  return `cannot configure the netlink socket: ${strerror(-r)}`;
}

class Netlink {
  private seq = Math.floor(Date.now() / 1000) & 0x7fffffff;
  private readonly buf = new Uint8Array(64 * 1024);

  constructor(
    private readonly libc: Libc,
    private readonly fd: number,
  ) {}

  /** One op; undefined when the kernel acked it, else iproute2's message for the failure. */
  run(op: Op): string | undefined {
    const ix = new Map<string, number>();
    for (const name of namesOf(op)) {
      const a = this.talk(encodeGetLink(name, this.next()));
      if (a.type === RTM.NEWLINK && a.ifindex !== undefined && a.ifindex > 0) {
        ix.set(name, a.ifindex);
        continue;
      }
      return a.errno === ENODEV ? `Cannot find device "${name}"` : answerText(a);
    }
    let peerFd = -1;
    if (op.kind === "veth") {
      peerFd = this.libc.open(op.peerNetns, O_RDONLY | O_CLOEXEC);
      if (peerFd < 0) return `Cannot open network namespace "${op.peerNetns}": ${strerror(-peerFd)}`;
    }
    try {
      const a = this.talk(encodeOp(op, ix, this.next(), peerFd));
      return a.type === NLMSG_ERROR && a.errno === 0 ? undefined : answerText(a);
    } finally {
      if (peerFd >= 0) this.libc.close(peerFd);
    }
  }

  private next(): number {
    this.seq = (this.seq + 1) & 0x7fffffff;
    return this.seq;
  }

  /** Sends a request and returns the kernel's answer to it (an ack, an error or the link). */
  private talk(req: Uint8Array): Answer {
    const seq = new DataView(req.buffer, req.byteOffset).getUint32(8, true);
    const sent = this.libc.send(this.fd, req);
    if (sent < 0) return { type: NLMSG_ERROR, seq, errno: -sent, ifindex: undefined, message: undefined };
    for (;;) {
      const n = this.libc.recv(this.fd, this.buf);
      if (n < 0) {
        if (-n === EAGAIN) throw new Error("netlink: the kernel did not answer in time");
        return { type: NLMSG_ERROR, seq, errno: -n, ifindex: undefined, message: undefined };
      }
      const mine = parseAnswers(this.buf.subarray(0, n)).find((a) => a.seq === seq);
      if (mine !== undefined) return mine;
    }
  }
}

/** iproute2's words for a failed request (rtnl_talk): the errno, and the kernel's own message. */
function answerText(a: Answer): string {
  const base = `RTNETLINK answers: ${strerror(a.errno ?? 0)}`;
  return a.message === undefined ? base : `${base} (Error: ${a.message}.)`;
}
