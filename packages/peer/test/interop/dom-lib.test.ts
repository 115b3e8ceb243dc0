/**
 * The package's sources typecheck with TypeScript's lib.dom loaded too (issue 11: types
 * assignable to lib.dom's): a project that compiles for browsers and Node at once must not get
 * errors from inside @purertc/peer, e.g. a Uint8Array<ArrayBufferLike> passed as a BlobPart.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ROOT = join(PACKAGE, "..", "..");

it("src/node/index.ts compiles with lib ES2023 + DOM without an error in the peer's own files", async () => {
  const dir = mkdtempSync(join(PACKAGE, ".dom-lib-"));
  try {
    const config = join(dir, "tsconfig.json");
    writeFileSync(
      config,
      JSON.stringify({
        extends: relative(dir, join(ROOT, "tsconfig.base.json")),
        compilerOptions: { lib: ["ES2023", "DOM"], typeRoots: [join(ROOT, "node_modules/@types")] },
        files: [relative(dir, join(PACKAGE, "src/node/index.ts"))],
      }),
    );
    const out = await new Promise<string>((resolve) => {
      execFile(
        join(ROOT, "node_modules/.bin/tsc"),
        ["-p", config, "--pretty", "false"],
        { cwd: PACKAGE, maxBuffer: 16 << 20 },
        (_e, stdout, stderr) => resolve(`${stdout}${stderr}`),
      );
    });
    // Other packages' errors are theirs to pin; this test is about @purertc/peer's sources.
    expect(out.split("\n").filter((l) => /^src\/.*error TS/.test(l))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
