/** `RTCRtpSender` (webrtc-pc §5.2) of encoded media: feeds its track's frames to the core. */
import type { RtpPacket } from "@purertc/rtp";
import type { Codec, Extmap } from "@purertc/sdp";
import {
  capabilities,
  type MediaKind,
  type RTCRtpCapabilities,
  type RTCRtpCodecParameters,
  toRtcCodec,
} from "../../media/codecs.js";
import { domError } from "../errors.js";
import type { RTCDtlsTransport } from "../transports.js";
import type { EncodedMediaStreamTrack, TrackSink } from "./encoded-track.js";

/** What a sender needs from its connection. */
export interface SenderHost {
  sendFrame(id: number, data: Uint8Array, timestamp: number): void;
  sendRtp(id: number, packet: RtpPacket): void;
  readonly cname: string;
}

/** webrtc-pc §5.2.1 `RTCRtpEncodingParameters` (the fields we honour). */
export interface RTCRtpEncodingParameters {
  active: boolean;
  rid?: string;
  maxBitrate?: number;
  scaleResolutionDownBy?: number;
  /** Non-standard: the SSRC of this encoding. */
  ssrc?: number;
}

export interface RTCRtpSendParameters {
  transactionId: string;
  encodings: RTCRtpEncodingParameters[];
  codecs: RTCRtpCodecParameters[];
  headerExtensions: { uri: string; id: number }[];
  rtcp: { cname: string; reducedSize: boolean };
}

export class RTCRtpSender implements TrackSink {
  readonly #kind: MediaKind;
  readonly #host: SenderHost;
  readonly #id: number;
  readonly #transport: RTCDtlsTransport;
  #track: EncodedMediaStreamTrack | null = null;
  #encoding: RTCRtpEncodingParameters;
  #codecs: RTCRtpCodecParameters[] = [];
  #extmaps: { uri: string; id: number }[] = [];
  #transaction = 0;
  #lastTransaction: string | undefined;

  /** @internal */
  constructor(
    kind: MediaKind,
    id: number,
    ssrc: number,
    host: SenderHost,
    transport: RTCDtlsTransport,
  ) {
    this.#kind = kind;
    this.#id = id;
    this.#host = host;
    this.#transport = transport;
    this.#encoding = { active: true, ssrc };
  }

  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return capabilities(kind);
  }

  get track(): EncodedMediaStreamTrack | null {
    return this.#track;
  }
  get transport(): RTCDtlsTransport | null {
    return this.#transport;
  }
  /** DTMF (RFC 4733) is not implemented yet. */
  get dtmf(): null {
    return null;
  }

  /** webrtc-pc §5.2 replaceTrack: no renegotiation; the new track feeds this sender. */
  replaceTrack(track: EncodedMediaStreamTrack | null): Promise<void> {
    if (track !== null && track.kind !== this.#kind)
      return Promise.reject(
        new TypeError(`cannot replace a ${this.#kind} track with a ${track.kind} one`),
      );
    this._setTrack(track);
    return Promise.resolve();
  }

  getParameters(): RTCRtpSendParameters {
    this.#lastTransaction = String(++this.#transaction);
    return {
      transactionId: this.#lastTransaction,
      encodings: [{ ...this.#encoding }],
      codecs: this.#codecs.map((c) => ({ ...c })),
      headerExtensions: this.#extmaps.map((e) => ({ ...e })),
      rtcp: { cname: this.#host.cname, reducedSize: true },
    };
  }

  /** webrtc-pc §5.2 setParameters: `active` pauses sending; other fields are kept (one encoding). */
  setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    if (parameters?.transactionId !== this.#lastTransaction)
      return Promise.reject(domError("InvalidModificationError", "stale or missing transactionId"));
    const enc = parameters.encodings;
    if (!Array.isArray(enc) || enc.length !== 1)
      return Promise.reject(
        domError("InvalidModificationError", "one encoding (simulcast is not supported yet)"),
      );
    this.#encoding = { ...enc[0]!, active: enc[0]!.active !== false, ssrc: this.#encoding.ssrc! };
    this.#lastTransaction = undefined;
    return Promise.resolve();
  }

  /** @internal */
  _setTrack(track: EncodedMediaStreamTrack | null): void {
    this.#track?._removeSink(this);
    this.#track = track;
    track?._addSink(this);
  }

  /** @internal */
  _negotiated(codecs: readonly Codec[], extmaps: readonly Extmap[]): void {
    this.#codecs = codecs.map((c) => toRtcCodec(this.#kind, c));
    this.#extmaps = extmaps.map((e) => ({ uri: e.uri, id: e.id }));
  }

  /** @internal */
  _sendFrame(data: Uint8Array, timestamp: number): void {
    if (this.#encoding.active) this.#host.sendFrame(this.#id, data, timestamp);
  }

  /** @internal */
  _sendRtp(packet: RtpPacket): void {
    if (this.#encoding.active) this.#host.sendRtp(this.#id, packet);
  }
}
