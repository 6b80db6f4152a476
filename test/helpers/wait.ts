// Waiting on a condition instead of on the clock: polls until check holds or the bound passes
// (the bound only turns a hang into a clear failure; no test asserts on how long it took).
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
