/**
 * One extra simulcast encoding of an `RTCRtpSender` (RFC 8853; webrtc-pc §5.2 `sendEncodings`
 * with rids). We never encode, so each layer is fed by an encoded track of its own
 * (`sender.setEncodingTrack(rid, track)`); the first encoding is fed by `sender.track`.
 *
 * ```
 *  sender.track ───────────▶ encoding 0 (rid "q", SSRC a) ─┐
 *  setEncodingTrack("h", t1) ▶ encoding 1 (rid "h", SSRC b) ─┼─▶ one m= section, a=simulcast:send q;h;f
 *  setEncodingTrack("f", t2) ▶ encoding 2 (rid "f", SSRC c) ─┘   each packet carries MID + rid
 * ```
 */
import type { RtpPacket } from "@purertc/rtp";
import type { EncodedMediaStreamTrack, TrackSink } from "./encoded-track.js";
import type { RTCRtpEncodingParameters, SenderHost } from "./rtp-sender.js";

/** RFC 8851 §10: `rid-id = 1*(alpha-numeric / "-" / "_")`; libwebrtc caps it at 16 characters. */
const RID = /^[A-Za-z0-9_-]{1,16}$/;

/** Throws `TypeError` unless every encoding has a valid, distinct rid (webrtc-pc §5.1 step 7). */
export function checkSendEncodings(encodings: readonly { rid?: string }[]): void {
  const seen = new Set<string>();
  for (const e of encodings) {
    if (e.rid === undefined || !RID.test(e.rid))
      throw new TypeError(`simulcast encodings need a valid rid, got ${String(e.rid)}`);
    if (seen.has(e.rid)) throw new TypeError(`duplicate rid ${e.rid}`);
    seen.add(e.rid);
  }
}

/** A simulcast encoding after the first: its own SSRCs, core stream id and feeding track. */
export class SendLayer implements TrackSink {
  readonly rid: string;
  /** The core's stream id of this encoding. */
  readonly id: number;
  readonly ssrc: number;
  readonly rtxSsrc: number;
  #params: RTCRtpEncodingParameters;
  #track: EncodedMediaStreamTrack | null = null;
  readonly #host: SenderHost;

  constructor(init: RTCRtpEncodingParameters & { rid: string }, id: number, host: SenderHost) {
    this.rid = init.rid;
    this.id = id;
    this.#host = host;
    this.ssrc = host.nextU32() >>> 0 || 3;
    this.rtxSsrc = host.nextU32() >>> 0 || 4;
    this.#params = { ...init, active: init.active !== false, ssrc: this.ssrc };
  }

  get track(): EncodedMediaStreamTrack | null {
    return this.#track;
  }

  get parameters(): RTCRtpEncodingParameters {
    return { ...this.#params };
  }

  /** Applies `setParameters` values (the rid and SSRC stay). */
  set parameters(p: RTCRtpEncodingParameters) {
    this.#params = { ...p, rid: this.rid, active: p.active !== false, ssrc: this.ssrc };
  }

  /** Feeds this encoding from a local encoded track (`null`: nothing). */
  setTrack(track: EncodedMediaStreamTrack | null): void {
    if (track?.remote)
      throw new TypeError("a simulcast layer is fed by a local track (relay one with addTrack)");
    this.#track?._removeSink(this);
    this.#track = track;
    track?._addSink(this);
  }

  /** @internal */
  _sendFrame(data: Uint8Array, timestamp: number): void {
    if (this.#params.active) this.#host.sendFrame(this.id, data, timestamp);
  }

  /** @internal */
  _sendRtp(packet: RtpPacket): void {
    if (this.#params.active) this.#host.sendRtp(this.id, packet);
  }
}
