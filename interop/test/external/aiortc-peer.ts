/** Starts the aiortc peer (aiortc/peer.py) with Debian's Python and python3-aiortc. */
import { spawnSync } from "node:child_process";
import { ForeignPeer } from "./foreign-peer.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./aiortc/peer.py", import.meta.url).pathname;

let available: boolean | undefined;

/** Whether Debian's python3-aiortc imports; warns loudly (naming the package) when not. */
export function haveAiortc(): boolean {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ["-c", "import aiortc, av, numpy"], { encoding: "utf8" });
    available = r.status === 0;
    if (!available)
      console.warn(
        `[interop] ${PYTHON} cannot import aiortc: SKIPPING the aiortc interop tests ` +
          "(apt-get install python3-aiortc)",
      );
  }
  return available;
}

/** A fresh aiortc peer process, or undefined when aiortc is not installed. */
export function startAiortc(): ForeignPeer | undefined {
  if (!haveAiortc()) return undefined;
  return new ForeignPeer("aiortc", PYTHON, ["-u", SCRIPT], { PYTHONDONTWRITEBYTECODE: "1" });
}
