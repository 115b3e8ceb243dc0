/**
 * libwebrtc (Chromium's WebRTC, dcSCTP, BoringSSL DTLS) through @roamhq/wrtc, wrapped as a
 * {@link NativePeer}. wrtc speaks the W3C API; its type declarations lean on lib.dom, which this
 * repository does not load, so the few members used here are typed locally.
 */
import { type RTCPeerConnection, RTCRtpReceiver, type RTCRtpTransceiver } from "@purertc/peer";
import wrtc from "@roamhq/wrtc";
import {
  type Candidate,
  type ChannelInit,
  type Description,
  type NativeChannel,
  type NativePeer,
  ours,
  waitFor,
} from "./native-signaling.js";

/** The W3C members of wrtc's `RTCDataChannel` used here. */
export interface WrtcDataChannel extends EventTarget {
  readonly label: string;
  readonly id: number | null;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly protocol: string;
  readonly readyState: string;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | ArrayBufferView): void;
  close(): void;
}

/** The W3C members of wrtc's `RTCPeerConnection` used here (media ones in native-media.ts). */
export interface WrtcPeerConnection extends EventTarget {
  readonly connectionState: string;
  readonly iceGatheringState: string;
  readonly localDescription: { type: string; sdp: string } | null;
  createOffer(): Promise<{ type: string; sdp: string }>;
  createAnswer(): Promise<{ type: string; sdp: string }>;
  setLocalDescription(d: { type: string; sdp: string }): Promise<void>;
  setRemoteDescription(d: { type: string; sdp: string }): Promise<void>;
  addIceCandidate(c: { candidate: string; sdpMid: string }): Promise<void>;
  createDataChannel(label: string, init?: ChannelInit): WrtcDataChannel;
  addTrack(track: unknown, ...streams: unknown[]): unknown;
  addTransceiver(kind: string, init?: { direction?: string }): unknown;
  getTransceivers(): { mid: string | null; receiver: { track: unknown } }[];
  close(): void;
}

const WrtcPc = (wrtc as unknown as { RTCPeerConnection: new () => WrtcPeerConnection })
  .RTCPeerConnection;

function wrapChannel(dc: WrtcDataChannel): NativeChannel {
  dc.binaryType = "arraybuffer";
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
        : new Promise((r) => dc.addEventListener("open", () => r(), { once: true })),
    closed: new Promise((r) => dc.addEventListener("close", () => r(), { once: true })),
    onMessage: undefined,
    send: (data) => dc.send(data),
    bufferedAmount: () => dc.bufferedAmount,
    // node-webrtc implements neither bufferedAmountLowThreshold nor `bufferedamountlow`.
    bufferedAmountLow: (threshold) =>
      waitFor(() => dc.bufferedAmount <= threshold, 10_000, "wrtc bufferedAmount"),
    close: () => dc.close(),
  };
  dc.addEventListener("message", (e) => {
    const data = (e as MessageEvent).data as string | ArrayBuffer;
    ch.onMessage?.(typeof data === "string" ? data : new Uint8Array(data.slice(0)));
  });
  return ch;
}

/** A wrtc peer connection as a {@link NativePeer}; `pc` is exposed for the media API. */
export class WrtcPeer implements NativePeer {
  readonly stack = "wrtc";
  readonly pc: WrtcPeerConnection = new WrtcPc();
  onCandidate: ((c: Candidate | null) => void) | undefined;
  onChannel: ((ch: NativeChannel) => void) | undefined;
  /** Runs between the remote offer and our answer (to attach tracks to offered transceivers). */
  beforeAnswer: (() => void) | undefined;

  constructor() {
    this.pc.addEventListener("icecandidate", (e) => {
      const c = (e as Event & { candidate: { candidate: string; sdpMid: string } | null })
        .candidate;
      this.onCandidate?.(c?.candidate ? { candidate: c.candidate, sdpMid: c.sdpMid } : null);
    });
    this.pc.addEventListener("datachannel", (e) => {
      this.onChannel?.(wrapChannel((e as Event & { channel: WrtcDataChannel }).channel));
    });
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
    this.pc.close();
  }

  async #local(complete: boolean, type: Description["type"]): Promise<Description> {
    while (complete && this.pc.iceGatheringState !== "complete")
      await new Promise((r) =>
        this.pc.addEventListener("icegatheringstatechange", r, { once: true }),
      );
    return { type, sdp: this.pc.localDescription?.sdp ?? "" };
  }
}

/** A track of wrtc's nonstandard sources. */
export interface WrtcTrack {
  readonly kind: string;
  stop(): void;
}

/** wrtc's nonstandard media API: raw I420/PCM sources and decoding sinks. */
interface WrtcNonstandard {
  RTCVideoSource: new () => { createTrack(): WrtcTrack; onFrame(f: object): void };
  RTCVideoSink: new (t: WrtcTrack) => EventTarget & { stop(): void };
  RTCAudioSource: new () => { createTrack(): WrtcTrack; onData(d: object): void };
  RTCAudioSink: new (t: WrtcTrack) => EventTarget & { stop(): void };
}

/** `wrtc.nonstandard`, typed. */
export const wrtcNonstandard = (wrtc as unknown as { nonstandard: WrtcNonstandard }).nonstandard;

/** A purertc peer connection and a wrtc peer, both closed by `cleanups` (run after each test). */
export function wrtcPair(cleanups: (() => void)[]): { pc: RTCPeerConnection; other: WrtcPeer } {
  const pc = new ours.RTCPeerConnection();
  const other = new WrtcPeer();
  cleanups.push(() => {
    pc.close();
    other.close();
  });
  return { pc, other };
}

/** Restricts our transceiver to `mimeType` (so what arrives is that codec). */
export function preferCodec(t: RTCRtpTransceiver | undefined, mimeType: string): void {
  const codecs = RTCRtpReceiver.getCapabilities(t?.receiver.track.kind ?? "video")?.codecs ?? [];
  t?.setCodecPreferences(codecs.filter((c) => c.mimeType === mimeType));
}
