/**
 * `import "@purertc/peer/global"` installs the W3C constructors as globals (for libraries
 * written for browsers: simple-peer, PeerJS...). Existing globals are left alone.
 */
import { createWebRtc } from "./webrtc.js";

const g = globalThis as Record<string, unknown>;
for (const [name, value] of Object.entries(createWebRtc()))
  if (g[name] === undefined) g[name] = value;
