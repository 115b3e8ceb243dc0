import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

interface ExportTarget {
  types?: string;
  import?: string;
}

function publishedPackages(): {
  dir: string;
  name: string;
  exports: Record<string, unknown>;
  sideEffects: string[];
}[] {
  const dirs = readdirSync(join(root, "packages"));
  return dirs
    .map((dir) => ({
      dir,
      json: JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")),
    }))
    .filter(({ json }) => !json.private)
    .map(({ dir, json }) => ({
      dir,
      name: json.name as string,
      exports: json.exports,
      sideEffects: Array.isArray(json.sideEffects) ? (json.sideEffects as string[]) : [],
    }));
}

/** The target Node picks without the source condition (nested "node" first, as Node does). */
function nodeTarget(entry: unknown): ExportTarget {
  const e = entry as Record<string, unknown>;
  if (e.node && typeof e.node === "object") return e.node as ExportTarget;
  return e as ExportTarget;
}

describe("built dist/ of every published package", () => {
  for (const pkg of publishedPackages()) {
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      const specifier = subpath === "." ? pkg.name : `${pkg.name}${subpath.slice(1)}`;
      it(`${specifier} imports in plain Node and ships its types`, () => {
        const target = nodeTarget(entry);
        expect(target.import, "import target").toMatch(/^\.\/dist\//);
        expect(target.types, "types target").toMatch(/^\.\/dist\/.*\.d\.ts$/);
        expect(existsSync(join(root, "packages", pkg.dir, target.types!)), "d.ts exists").toBe(
          true,
        );
        const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`;
        const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
          cwd: root,
          encoding: "utf8",
        });
        const names = JSON.parse(out) as string[];
        // An entry declared side-effectful (e.g. `./global`, which installs globals) may export nothing.
        if (!pkg.sideEffects.includes(target.import!)) expect(names.length).toBeGreaterThan(0);
      });
    }
  }
});

describe("command-line programs (bin) of packages and apps run from the build", () => {
  const dirs = [
    ...readdirSync(join(root, "packages")).map((d) => join(root, "packages", d)),
    ...readdirSync(join(root, "apps")).map((d) => join(root, "apps", d)),
  ].filter((d) => existsSync(join(d, "package.json")));
  for (const dir of dirs) {
    const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const [name, file] of Object.entries((json.bin ?? {}) as Record<string, string>)) {
      it(`${name} --help exits 0 and documents its usage`, () => {
        const out = execFileSync(process.execPath, [join(dir, file), "--help"], {
          encoding: "utf8",
        });
        expect(out.toLowerCase()).toContain("usage");
        expect(readFileSync(join(dir, file), "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
      });
    }
  }
});
