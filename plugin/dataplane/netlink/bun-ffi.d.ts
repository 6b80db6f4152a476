// The slice of Bun's `bun:ffi` that netlink/libc.ts uses (no Bun types are installed; Node never
// loads that module: the plugin imports it only when running under Bun).
declare module "bun:ffi" {
  export const FFIType: { readonly i32: number; readonly u32: number; readonly u64: number; readonly ptr: number };
  export function dlopen<T extends Record<string, { args: readonly number[]; returns: number }>>(
    path: string,
    symbols: T,
  ): { symbols: { [K in keyof T]: (...args: never[]) => unknown } };
  export const read: { i32(ptr: unknown, offset?: number): number };
}
