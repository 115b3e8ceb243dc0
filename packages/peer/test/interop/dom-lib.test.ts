/**
 * Our types against TypeScript's lib.dom (issue 11: "types assignable to TypeScript's lib.dom
 * ones"): src/node/index.ts and test/types/dom-assignability.ts compile with lib ES2023 + DOM.
 * The sources must not error there (a project compiling for browsers and Node at once, e.g. a
 * Uint8Array<ArrayBufferLike> passed as a BlobPart), and every assignment of our constructors,
 * objects, events, handlers and dictionaries to lib.dom's types in that file must compile.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ROOT = join(PACKAGE, "..", "..");

it("with lib ES2023 + DOM: our sources compile, and our constructors, objects, events, on<event> handlers and dictionaries assign to lib.dom's types (test/types/dom-assignability.ts)", async () => {
  const dir = mkdtempSync(join(PACKAGE, ".dom-lib-"));
  try {
    const config = join(dir, "tsconfig.json");
    writeFileSync(
      config,
      JSON.stringify({
        extends: relative(dir, join(ROOT, "tsconfig.base.json")),
        compilerOptions: { lib: ["ES2023", "DOM"], typeRoots: [join(ROOT, "node_modules/@types")] },
        files: [
          relative(dir, join(PACKAGE, "src/node/index.ts")),
          relative(dir, join(PACKAGE, "test/types/dom-assignability.ts")),
        ],
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
    expect(out.split("\n").filter((l) => /^(src|test)\/.*error TS/.test(l))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
