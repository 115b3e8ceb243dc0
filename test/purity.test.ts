import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource, isCoreFile } from "../scripts/purity.js";

const root = join(import.meta.dirname, "..");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe("sans-IO purity check", () => {
  it("finds no runtime API in any core file of the tree", () => {
    const files = walk(join(root, "packages"))
      .map((f) => relative(root, f))
      .filter((f) => !f.includes("node_modules") && isCoreFile(f));
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap((f) => checkSource(f, readFileSync(join(root, f), "utf8")));
    expect(violations).toEqual([]);
  });

  it("catches each kind of planted violation", () => {
    const planted = [
      'import { createSocket } from "node:dgram";',
      'import fs from "fs";',
      'const os = await import("os");',
      "const b = Buffer.from([1]);",
      "setTimeout(() => {}, 10);",
      "const t = Date.now();",
      "const p = performance.now();",
      "async function f() {}",
      "const g = async () => 1;",
      "const h = process.env.DEBUG;",
    ];
    for (const line of planted) {
      expect(checkSource("x.ts", line), line).not.toEqual([]);
    }
  });

  it("ignores comments, strings and adapter files", () => {
    const clean = [
      "// setTimeout(() => {}, 10) is what the adapter does",
      "/** Date.now() is never called here; Buffer is a subclass of Uint8Array */",
      'const msg = "call setTimeout( yourself";',
      'import { x } from "@purertc/common";',
      "const nowMs = 5; // time passed in",
    ];
    for (const line of clean) expect(checkSource("x.ts", line), line).toEqual([]);
    expect(isCoreFile("packages/stun/src/node/socket.ts")).toBe(false);
    expect(isCoreFile("packages/stun/src/message.ts")).toBe(true);
    expect(isCoreFile("packages/stun/test/message.test.ts")).toBe(false);
  });

  it("lets src/runtime/ adapters use timers and async, but not Node builtins", () => {
    const file = "packages/signal/src/runtime/client.ts";
    expect(checkSource(file, "setTimeout(() => {}, 10);\nasync function f() {}")).toEqual([]);
    expect(checkSource(file, 'import net from "node:net";').map((v) => v.rule)).toEqual([
      "node-import",
    ]);
    expect(checkSource(file, "const b = Buffer.alloc(1);").map((v) => v.rule)).toEqual(["Buffer"]);
  });
});
