/** purertc's side of a session with a foreign peer: loopback only, non-trickle signaling. */
import { createWebRtc, type RTCDataChannel, type RTCPeerConnection } from "@purertc/peer";
import type { ForeignPeer } from "./foreign-peer.js";

/** 127.0.0.1 only, no mDNS: the foreign peers gather 127.0.0.1 only too. */
export const webrtc = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });

/** purertc's role in the offer/answer exchange. */
export type Role = "offerer" | "answerer";
export const ROLES: readonly Role[] = ["offerer", "answerer"];

/** Resolves with the first event of `type` on `target`, rejects after `timeoutMs`. */
export function once<E extends Event = Event>(
  target: EventTarget,
  type: string,
  timeoutMs = 10_000,
): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${type} event in ${timeoutMs} ms`)),
      timeoutMs,
    );
    target.addEventListener(
      type,
      (e) => {
        clearTimeout(timer);
        resolve(e as E);
      },
      { once: true },
    );
  });
}

/** Resolves once `pc` finished gathering (the description then carries every candidate). */
export async function gathered(pc: RTCPeerConnection): Promise<void> {
  while (pc.iceGatheringState !== "complete") await once(pc, "icegatheringstatechange");
}

/** Resolves when `pc.connectionState` is `connected`, rejects if it fails first. */
export function connected(pc: RTCPeerConnection, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not connected in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const check = () => {
      if (pc.connectionState === "connected") {
        clearTimeout(timer);
        pc.removeEventListener("connectionstatechange", check);
        resolve();
      } else if (pc.connectionState === "failed" || pc.connectionState === "closed") {
        clearTimeout(timer);
        reject(new Error(`connection ${pc.connectionState}`));
      }
    };
    pc.addEventListener("connectionstatechange", check);
    check();
  });
}

/**
 * One offer/answer exchange with complete descriptions (aiortc does not trickle, so neither side
 * does). `beforeAnswer` runs between purertc's setRemoteDescription and its answer.
 */
export async function negotiate(
  pc: RTCPeerConnection,
  peer: ForeignPeer,
  role: Role,
  beforeAnswer?: () => void,
): Promise<void> {
  if (role === "offerer") {
    await pc.setLocalDescription();
    await gathered(pc);
    const { sdp } = await peer.request<{ sdp: string }>("accept", {
      sdp: pc.localDescription!.sdp,
    });
    await pc.setRemoteDescription({ type: "answer", sdp });
    return;
  }
  const { sdp } = await peer.request<{ sdp: string }>("offer");
  await pc.setRemoteDescription({ type: "offer", sdp });
  beforeAnswer?.();
  await pc.setLocalDescription();
  await gathered(pc);
  await peer.request("answer", { sdp: pc.localDescription!.sdp });
}

/** Messages of a channel, in arrival order, awaited one by one. */
export class Inbox {
  readonly #queue: (string | ArrayBuffer)[] = [];
  readonly #waiters: ((m: string | ArrayBuffer) => void)[] = [];

  constructor(channel: RTCDataChannel) {
    channel.binaryType = "arraybuffer";
    channel.addEventListener("message", (e) => {
      const data = (e as MessageEvent).data as string | ArrayBuffer;
      const w = this.#waiters.shift();
      if (w) w(data);
      else this.#queue.push(data);
    });
  }

  /** The next message; rejects after `timeoutMs`. */
  next(timeoutMs = 10_000): Promise<string | ArrayBuffer> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no message in ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (m: string | ArrayBuffer) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.#waiters.push(waiter);
    });
  }
}

/** Polls `probe` every 50 ms until it returns a value, or throws its last error after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
