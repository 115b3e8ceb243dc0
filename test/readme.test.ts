import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SYSTEM_PACKAGES } from "../scripts/system-deps.mjs";

const root = join(import.meta.dirname, "..");

describe("README", () => {
  it("lists every Debian package the test run installs", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const missing = Object.keys(SYSTEM_PACKAGES).filter((p) => !readme.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });
});
