/** `RTCRtpReceiver` (webrtc-pc §5.3) of encoded media. */
import type { Codec, Extmap } from "@purertc/sdp";
import {
  capabilities,
  type MediaKind,
  payloadCodecFor,
  type RTCRtpCapabilities,
  type RTCRtpCodecParameters,
  toRtcCodec,
} from "../../media/codecs.js";
import type { RTCDtlsTransport } from "../transports.js";
import { EncodedMediaStreamTrack } from "./encoded-track.js";

/** webrtc-pc §5.3.4 `RTCRtpSynchronizationSource`. */
export interface RTCRtpSynchronizationSource {
  readonly source: number;
  readonly timestamp: number;
  readonly rtpTimestamp: number;
}

export class RTCRtpReceiver {
  readonly track: EncodedMediaStreamTrack;
  readonly transport: RTCDtlsTransport | null;
  jitterBufferTarget: number | null = null;
  #codecs: RTCRtpCodecParameters[] = [];
  #extmaps: { uri: string; id: number }[] = [];
  #sync: RTCRtpSynchronizationSource | undefined;

  /** @internal */
  constructor(kind: MediaKind, trackId: string, transport: RTCDtlsTransport) {
    this.track = EncodedMediaStreamTrack._remote(kind, trackId);
    this.transport = transport;
  }

  static getCapabilities(kind: string): RTCRtpCapabilities | null {
    return capabilities(kind);
  }

  getParameters(): {
    codecs: RTCRtpCodecParameters[];
    headerExtensions: { uri: string; id: number }[];
    rtcp: { reducedSize: boolean };
  } {
    return {
      codecs: this.#codecs.map((c) => ({ ...c })),
      headerExtensions: this.#extmaps.map((e) => ({ ...e })),
      rtcp: { reducedSize: true },
    };
  }

  getContributingSources(): RTCRtpSynchronizationSource[] {
    return [];
  }

  getSynchronizationSources(): RTCRtpSynchronizationSource[] {
    return this.#sync ? [{ ...this.#sync }] : [];
  }

  /** @internal The negotiated codecs and header extensions. */
  _negotiated(kind: MediaKind, codecs: readonly Codec[], extmaps: readonly Extmap[]): void {
    this.#codecs = codecs.map((c) => toRtcCodec(kind, c));
    this.#extmaps = extmaps.map((e) => ({ uri: e.uri, id: e.id }));
    const media = codecs.filter((c) => c.name.toLowerCase() !== "rtx");
    this.track._setReceiveCodecs(
      new Map(
        media.map((c) => [
          c.payloadType,
          { mimeType: `${kind}/${c.name}`, payload: payloadCodecFor(c) },
        ]),
      ),
      media[0] === undefined ? undefined : `${kind}/${media[0].name}`,
    );
  }

  /** @internal */
  _noteSource(ssrc: number, rtpTimestamp: number): void {
    this.#sync = {
      source: ssrc,
      timestamp: performance.timeOrigin + performance.now(),
      rtpTimestamp,
    };
  }
}
