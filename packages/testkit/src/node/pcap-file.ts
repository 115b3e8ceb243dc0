import { writeFileSync } from "node:fs";
import type { PcapRecorder } from "../pcap.js";

/** Writes a recorder's capture (or raw chunks) to `path`, e.g. `run.pcap` to open in Wireshark. */
export function writePcapFile(path: string, capture: PcapRecorder | readonly Uint8Array[]): void {
  const chunks = Array.isArray(capture) ? capture : (capture as PcapRecorder).chunks();
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  writeFileSync(path, out);
}
