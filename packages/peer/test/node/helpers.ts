/** Two RTCPeerConnections on loopback, signalled directly. */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWebRtc, type RTCDataChannel, type RTCPeerConnection } from "../../src/node/index.js";

export const webrtc = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });

/** Resolves with the first event of `type` on `target`. */
export function once<E extends Event = Event>(target: EventTarget, type: string): Promise<E> {
  return new Promise((resolve) =>
    target.addEventListener(type, (e) => resolve(e as E), { once: true }),
  );
}

/** Resolves when `pc.connectionState` becomes `state`. */
export function until(
  pc: RTCPeerConnection,
  state: RTCPeerConnection["connectionState"],
): Promise<void> {
  return new Promise((resolve) => {
    if (pc.connectionState === state) return resolve();
    const on = () => {
      if (pc.connectionState !== state) return;
      pc.removeEventListener("connectionstatechange", on);
      resolve();
    };
    pc.addEventListener("connectionstatechange", on);
  });
}

/** Resolves once `pc` finished gathering (non-trickle signalling: the description is complete). */
export async function gathered(pc: RTCPeerConnection): Promise<void> {
  while (pc.iceGatheringState !== "complete") await once(pc, "icegatheringstatechange");
}

/** Trickles candidates both ways (until the null candidate). */
export function trickle(a: RTCPeerConnection, b: RTCPeerConnection): void {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.addEventListener("icecandidate", (e) => {
      const c = (e as Event & { candidate: { toJSON(): object } | null }).candidate;
      void to.addIceCandidate(c ? c.toJSON() : null).catch(() => {});
    });
  }
}

/** Offer from `a`, answer from `b`. */
export async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
}

/** Two connected peers with a channel open on both sides. */
export async function connectedPair(
  label = "chat",
  init: Parameters<RTCPeerConnection["createDataChannel"]>[1] = {},
): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; ca: RTCDataChannel; cb: RTCDataChannel }> {
  const a = new webrtc.RTCPeerConnection();
  const b = new webrtc.RTCPeerConnection();
  trickle(a, b);
  const ca = a.createDataChannel(label, init);
  const incoming = once<Event & { channel: RTCDataChannel }>(b, "datachannel");
  const openA = once(ca, "open");
  await negotiate(a, b);
  const cb = (await incoming).channel;
  await openA;
  if (cb.readyState !== "open") await once(cb, "open");
  return { a, b, ca, cb };
}

/**
 * Bundles `script` with esbuild (source condition) and runs it with plain node: what a user's
 * own script does. Returns the bundler's stderr and the run's output and exit status.
 */
export function runBundled(
  script: string,
  name: string,
): { bundleErrors: string; stdout: string; stderr: string; status: number | null } {
  const esbuild = join(import.meta.dirname, "../../../../node_modules/.bin/esbuild");
  const out = join(tmpdir(), `purertc-${name}-${process.pid}.mjs`);
  const b = spawnSync(
    esbuild,
    [
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--conditions=@purertc/source",
      `--outfile=${out}`,
      "--log-level=error",
    ],
    { input: script, encoding: "utf8", cwd: join(import.meta.dirname, "../..") },
  );
  const r = spawnSync(process.execPath, [out], { encoding: "utf8", timeout: 20_000 });
  rmSync(out, { force: true });
  return { bundleErrors: b.stderr, stdout: r.stdout, stderr: r.stderr, status: r.status };
}
