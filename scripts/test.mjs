// The one test command (`npm test`): works on a fresh machine that has only Node and npm.
// 1. gets pnpm, 2. installs the workspace, 3. installs the Debian packages the tests use,
// 4. builds dist/ (for the published-shape tests), 5. runs every vitest project once and
// prints `N passed, N failed` from vitest's JSON report.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureSystemPackages } from "./system-deps.mjs";

const root = join(import.meta.dirname, "..");
const PNPM_VERSION = "10.34.9";
const report = join(root, ".test-report.json");

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  return r.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ["pnpm", []];
  console.log(`[test] installing pnpm@${PNPM_VERSION} with npm`);
  const g = spawnSync("npm", ["install", "-g", `pnpm@${PNPM_VERSION}`], { stdio: "inherit" });
  if (g.status === 0) return ["pnpm", []];
  return ["npx", ["-y", `pnpm@${PNPM_VERSION}`]];
}

const [pnpm, pre] = pnpmCommand();
const frozen = process.env.CI ? ["--frozen-lockfile"] : [];
if (run(pnpm, [...pre, "install", ...frozen]) !== 0) process.exit(1);
ensureSystemPackages();
if (run(pnpm, [...pre, "run", "build"]) !== 0) process.exit(1);

rmSync(report, { force: true });
const args = process.argv.slice(2);
const vitest = join(root, "node_modules", ".bin", "vitest");
const status = run(vitest, [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...args,
]);
if (!existsSync(report)) {
  console.log("0 passed, 1 failed");
  process.exit(status || 1);
}
const r = JSON.parse(readFileSync(report, "utf8"));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
const failedSuites = (r.testResults ?? []).filter(
  (t) => t.status === "failed" && t.assertionResults.length === 0,
).length;
console.log(
  `${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed, ${skipped} skipped`,
);
process.exit(status);
