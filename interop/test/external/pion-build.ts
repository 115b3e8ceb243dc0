/**
 * Builds the Pion peer (pion/*.go) against Debian's Go sources (golang-github-pion-webrtc.v3-dev
 * under /usr/share/gocode), offline, once per source hash, into node_modules/.cache.
 *
 * GOPATH mode: Debian ships webrtc v3 at src/github.com/pion/webrtc (no `v3` directory), so a
 * small GOPATH of our own links github.com/pion/webrtc/v3 to it and comes first; every other
 * dependency (pion/dtls/v2, ice/v2, golang.org/x/...) resolves in Debian's tree.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";

const GO = "/usr/bin/go";
const GOCODE = "/usr/share/gocode";
const PION = join(GOCODE, "src/github.com/pion/webrtc");
const SOURCE = new URL("./pion/", import.meta.url).pathname;
const CACHE = new URL("../../node_modules/.cache/purertc-pion/", import.meta.url).pathname;

/**
 * The path of the built Pion peer, or undefined (after a loud warning naming the packages) when
 * Go or Debian's Pion sources are missing.
 */
export function buildPion(): string | undefined {
  if (!existsSync(GO) || !existsSync(join(PION, "go.mod"))) {
    console.warn(
      "[interop] Go or Debian's Pion sources are missing: SKIPPING the Pion interop tests " +
        "(apt-get install golang-go golang-github-pion-webrtc.v3-dev)",
    );
    return undefined;
  }
  const hash = createHash("sha256");
  for (const f of readdirSync(SOURCE)
    .filter((n) => n.endsWith(".go"))
    .sort())
    hash.update(f).update(readFileSync(join(SOURCE, f)));
  hash.update(readFileSync(join(PION, "go.mod")));
  const binary = join(CACHE, `pion-peer-${hash.digest("hex").slice(0, 16)}`);
  if (existsSync(binary)) return binary;

  // Test files load in parallel workers: one builds, the others wait for its binary.
  mkdirSync(CACHE, { recursive: true });
  const lock = `${binary}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, "wx");
  } catch {
    const deadline = Date.now() + 180_000;
    while (!existsSync(binary) && existsSync(lock) && Date.now() < deadline)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    if (existsSync(binary)) return binary;
    rmSync(lock, { force: true }); // the other build failed or died: build here
    fd = openSync(lock, "wx");
  }
  try {
    build(binary);
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
  return binary;
}

function build(binary: string): void {
  const gopath = join(CACHE, "gopath");
  const link = join(gopath, "src/github.com/pion/webrtc/v3");
  if (!existsSync(link)) {
    mkdirSync(join(gopath, "src/github.com/pion/webrtc"), { recursive: true });
    try {
      symlinkSync(PION, link);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  const partial = `${binary}.${process.pid}.tmp`;
  execFileSync(GO, ["build", "-o", partial, "."], {
    cwd: SOURCE,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      GO111MODULE: "off",
      GOPATH: `${gopath}:${GOCODE}`,
      GOCACHE: join(CACHE, "go-build"),
      GOFLAGS: "",
      CGO_ENABLED: "0",
    },
  });
  renameSync(partial, binary);
}
