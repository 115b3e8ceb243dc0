// `npm run demo` (and `pnpm demo`): works on a fresh machine that has only Node and npm.
// 1. gets pnpm, 2. installs the workspace unless node_modules already matches the lockfile,
// 3. starts apps/demo with the given arguments (`npm run demo -- --port 8080 --host 0.0.0.0`),
//    which prints the URL. Exit status is the demo's (2 for bad arguments).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const PNPM_VERSION = "10.34.9";

function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ["pnpm", []];
  console.log(`[demo] installing pnpm@${PNPM_VERSION} with npm`);
  const g = spawnSync("npm", ["install", "-g", `pnpm@${PNPM_VERSION}`], { stdio: "inherit" });
  if (g.status === 0) return ["pnpm", []];
  return ["npx", ["-y", `pnpm@${PNPM_VERSION}`]];
}

/** pnpm keeps a copy of the lockfile it installed from; equal means nothing to do. */
function installed() {
  const copy = join(root, "node_modules", ".pnpm", "lock.yaml");
  const lock = join(root, "pnpm-lock.yaml");
  return existsSync(copy) && readFileSync(copy, "utf8") === readFileSync(lock, "utf8");
}

const [pnpm, pre] = pnpmCommand();
if (!installed()) {
  console.log("[demo] installing dependencies (pnpm install)");
  const frozen = process.env.CI ? ["--frozen-lockfile"] : [];
  const r = spawnSync(pnpm, [...pre, "install", ...frozen], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
const r = spawnSync(pnpm, [...pre, "--filter", "@purertc/demo", "--silent", "start", ...args], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
