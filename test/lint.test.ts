import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

describe("lint and format (biome)", () => {
  it("every tracked source file passes `biome check`", () => {
    const tracked = execFileSync("git", ["ls-files", "*.ts", "*.mjs", "*.js"], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => f && !f.includes("/fixtures/"));
    expect(tracked.length).toBeGreaterThan(0);
    const biome = join(root, "node_modules", ".bin", "biome");
    const r = spawnSync(
      biome,
      ["check", "--no-errors-on-unmatched", "--max-diagnostics=20", ...tracked],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});
