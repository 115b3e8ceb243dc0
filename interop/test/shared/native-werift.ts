/**
 * werift (pure TypeScript WebRTC) through its own API (`onDataChannel`, `onMessage`,
 * `onIceCandidate` events), wrapped as a {@link NativePeer}. ICE gathers on 127.0.0.1 only.
 */
import { type PeerConfig, type RTCDataChannel, RTCPeerConnection } from "werift";
import type {
  Candidate,
  ChannelInit,
  Description,
  NativeChannel,
  NativePeer,
} from "./native-signaling.js";

/** Loopback only (werift skips loopback unless it is named as an additional host address). */
export const WERIFT_CONFIG: Partial<PeerConfig> = {
  iceUseIpv6: false,
  iceInterfaceAddresses: { udp4: "127.0.0.1" },
  iceAdditionalHostAddresses: ["127.0.0.1"],
};

function wrapChannel(dc: RTCDataChannel): NativeChannel {
  const ch: NativeChannel = {
    label: dc.label,
    get id() {
      return dc.id;
    },
    ordered: dc.ordered,
    maxRetransmits: dc.maxRetransmits,
    protocol: dc.protocol,
    opened:
      dc.readyState === "open"
        ? Promise.resolve()
        : dc.stateChanged.watch((s) => s === "open").then(() => {}),
    closed: dc.stateChanged.watch((s) => s === "closed").then(() => {}),
    onMessage: undefined,
    send(data) {
      dc.send(
        typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.length),
      );
    },
    bufferedAmount: () => dc.bufferedAmount,
    bufferedAmountLow(threshold) {
      dc.bufferedAmountLowThreshold = threshold;
      if (dc.bufferedAmount <= threshold) return Promise.resolve();
      return dc.bufferedAmountLow.asPromise().then(() => {});
    },
    close: () => dc.close(),
  };
  dc.onMessage.subscribe((msg) => {
    ch.onMessage?.(typeof msg === "string" ? msg : new Uint8Array(msg));
  });
  return ch;
}

/** A werift peer connection as a {@link NativePeer}; `pc` is exposed for the media API. */
export class WeriftPeer implements NativePeer {
  readonly stack = "werift";
  readonly pc: RTCPeerConnection;
  onCandidate: ((c: Candidate | null) => void) | undefined;
  onChannel: ((ch: NativeChannel) => void) | undefined;
  /** Runs between the remote offer and our answer (to attach tracks to offered transceivers). */
  beforeAnswer: (() => void) | undefined;

  constructor(config: Partial<PeerConfig> = {}) {
    this.pc = new RTCPeerConnection({ ...WERIFT_CONFIG, ...config });
    this.pc.onIceCandidate.subscribe((c) => {
      this.onCandidate?.(c?.candidate ? { candidate: c.candidate, sdpMid: c.sdpMid ?? "0" } : null);
    });
    this.pc.onDataChannel.subscribe((dc) => this.onChannel?.(wrapChannel(dc)));
  }

  async offer(complete: boolean): Promise<Description> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.#local(complete, "offer");
  }

  async answer(offer: Description, complete: boolean): Promise<Description> {
    await this.pc.setRemoteDescription(offer);
    this.beforeAnswer?.();
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.#local(complete, "answer");
  }

  async accept(answer: Description): Promise<void> {
    await this.pc.setRemoteDescription(answer);
  }

  async addCandidate(c: Candidate): Promise<void> {
    await this.pc.addIceCandidate(c);
  }

  createChannel(label: string, init: ChannelInit = {}): NativeChannel {
    return wrapChannel(this.pc.createDataChannel(label, init));
  }

  connectionState(): string {
    return this.pc.connectionState;
  }

  close(): void {
    void this.pc.close();
  }

  async #local(complete: boolean, type: Description["type"]): Promise<Description> {
    if (complete && this.pc.iceGatheringState !== "complete")
      await this.pc.iceGatheringStateChange.watch((s) => s === "complete");
    return { type, sdp: this.pc.localDescription?.sdp ?? "" };
  }
}
