import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../../ec2/store/commit.js";

function deferredSink() {
  const writes: { text: string; resolve(): void; reject(e: unknown): void }[] = [];
  return {
    writes,
    write: (text: string) => new Promise<void>((resolve, reject) => void writes.push({ text, resolve, reject })),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("group commit of the fake EC2's state", () => {
  it("acknowledges a change only when a write taken after it is durable, sharing one write per burst", async () => {
    const sink = deferredSink();
    let memory = 0;
    const gc = new GroupCommit(sink, () => String(memory), () => undefined, "0");
    const done: number[] = [];
    memory = 1;
    void gc.commit().then(() => done.push(1));
    await tick();
    memory = 2;
    void gc.commit().then(() => done.push(2));
    memory = 3;
    void gc.commit().then(() => done.push(3));
    await tick();
    expect(sink.writes.map((w) => w.text)).toEqual(["1"]);
    sink.writes[0]?.resolve();
    await tick();
    expect(done).toEqual([1]);
    expect(sink.writes.map((w) => w.text)).toEqual(["1", "3"]);
    sink.writes[1]?.resolve();
    await gc.flush();
    expect(done).toEqual([1, 2, 3]);
    expect(gc.stats).toEqual({ writes: 2, committed: 3, failed: 0 });
  });

  it("a read waits for the changes before it, and costs no write of its own", async () => {
    const sink = deferredSink();
    const gc = new GroupCommit(sink, () => "x", () => undefined, "");
    let read = false;
    await gc.barrier();
    expect(sink.writes).toHaveLength(0);
    void gc.commit();
    void gc.barrier().then(() => (read = true));
    await tick();
    expect(read).toBe(false);
    sink.writes[0]?.resolve();
    await gc.flush();
    await tick();
    expect(read).toBe(true);
    expect(sink.writes).toHaveLength(1);
  });

  it("a failed write fails its changes and those queued behind it, and restores the last durable text", async () => {
    const sink = deferredSink();
    const restored: string[] = [];
    let memory = "a";
    const gc = new GroupCommit(sink, () => memory, (t) => restored.push(t), "a");
    memory = "b";
    const first = gc.commit();
    await tick();
    memory = "c";
    const second = gc.commit();
    sink.writes[0]?.reject(new Error("EIO"));
    await expect(first).rejects.toThrow("EIO");
    await expect(second).rejects.toThrow("EIO");
    expect(restored).toEqual(["a"]);
    expect(sink.writes).toHaveLength(1);
  });
});
