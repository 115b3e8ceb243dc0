/** `RTCRtpTransceiver` (webrtc-pc §5.4): one m= section, its sender and its receiver. */
import type { Codec } from "@purertc/sdp";
import type { MediaKind, RTCRtpCodec } from "../../media/codecs.js";
import { defaultCodecs, fmtpLine, mimeMatches } from "../../media/codecs.js";
import { domError } from "../errors.js";
import type { RTCRtpReceiver } from "./rtp-receiver.js";
import type { RTCRtpSender } from "./rtp-sender.js";

export type RTCRtpTransceiverDirection =
  | "sendrecv"
  | "sendonly"
  | "recvonly"
  | "inactive"
  | "stopped";

const DIRECTIONS = ["sendrecv", "sendonly", "recvonly", "inactive"];

export class RTCRtpTransceiver {
  readonly sender: RTCRtpSender;
  readonly receiver: RTCRtpReceiver;
  /** @internal */
  readonly _kind: MediaKind;
  /** @internal The core's stream id. */
  readonly _id: number;
  /** @internal Our SSRCs (media and RTX). */
  readonly _ssrc: number;
  readonly _rtxSsrc: number;
  /** @internal `a=msid` stream ids we send with. */
  _streamIds: string[] = [];
  /** @internal Whether the receiver is receiving (a `track` event fired). */
  _receiving = false;
  /** @internal Set by addTrack (reusable for a remote offer's section of the same kind). */
  _addedByTrack = false;
  /** @internal Whether it ever sent (addTrack does not reuse it then). */
  _sentBefore = false;
  /** @internal Direction and streams as last put into a local description. */
  _signalled = "";
  #mid: string | null = null;
  #direction: RTCRtpTransceiverDirection;
  #current: RTCRtpTransceiverDirection | null = null;
  #preferences: Codec[] | undefined;
  readonly #changed: () => void;

  /** @internal */
  constructor(
    init: {
      kind: MediaKind;
      id: number;
      ssrc: number;
      rtxSsrc: number;
      direction: RTCRtpTransceiverDirection;
    },
    sender: RTCRtpSender,
    receiver: RTCRtpReceiver,
    changed: () => void,
  ) {
    this._kind = init.kind;
    this._id = init.id;
    this._ssrc = init.ssrc;
    this._rtxSsrc = init.rtxSsrc;
    this.#direction = init.direction;
    this.sender = sender;
    this.receiver = receiver;
    this.#changed = changed;
  }

  get mid(): string | null {
    return this.#mid;
  }
  get direction(): RTCRtpTransceiverDirection {
    return this.#direction;
  }
  set direction(d: RTCRtpTransceiverDirection) {
    if (!DIRECTIONS.includes(d)) throw new TypeError(`invalid direction ${String(d)}`);
    if (this.#direction === "stopped")
      throw domError("InvalidStateError", "the transceiver is stopped");
    if (d === this.#direction) return;
    this.#direction = d;
    this.#changed();
  }
  get currentDirection(): RTCRtpTransceiverDirection | null {
    return this.#current;
  }
  /** Deprecated in webrtc-pc, kept for older code. */
  get stopped(): boolean {
    return this.#direction === "stopped";
  }

  /** webrtc-pc §5.4 stop(): stops sending and receiving now; the section is rejected next. */
  stop(): void {
    if (this.#direction === "stopped") return;
    this.#direction = "stopped";
    this.sender._setTrack(null);
    for (const e of this.receiver.encodings) e.track._remoteEnded(true);
    this.#changed();
  }

  /** webrtc-pc §5.4.1 setCodecPreferences: the codecs (and order) we offer or answer with. */
  setCodecPreferences(codecs: readonly RTCRtpCodec[]): void {
    if (codecs.length === 0) {
      this.#preferences = undefined;
      return;
    }
    const ours = defaultCodecs(this._kind);
    const out: Codec[] = [];
    for (const want of codecs) {
      const c = ours.find(
        (o) =>
          mimeMatches(want.mimeType, this._kind, o) &&
          !out.includes(o) &&
          (want.sdpFmtpLine === undefined || fmtpLine(o.parameters) === want.sdpFmtpLine),
      );
      if (!c) throw domError("InvalidModificationError", `codec ${want.mimeType} is not supported`);
      out.push(c);
    }
    this.#preferences = out;
  }

  /** @internal Whether `setCodecPreferences` chose the codecs (answers then follow them too). */
  get _hasCodecPreferences(): boolean {
    return this.#preferences !== undefined;
  }

  /** @internal The codecs we offer, in preference order (RTX after its codec). */
  _codecs(preferredMime: string | undefined): Codec[] {
    const all = defaultCodecs(this._kind);
    let list = this.#preferences ? [...this.#preferences] : all.filter((c) => c.name !== "rtx");
    if (preferredMime && !this.#preferences) {
      const first = list.filter((c) => mimeMatches(preferredMime, this._kind, c));
      list = [...first, ...list.filter((c) => !first.includes(c))];
    }
    const out: Codec[] = [];
    for (const c of list) {
      if (c.name === "rtx") continue;
      out.push(c);
      const rtx = all.find((r) => r.name === "rtx" && Number(r.parameters.apt) === c.payloadType);
      if (rtx) out.push(rtx);
    }
    return out;
  }

  /** @internal */
  _setMid(mid: string | null): void {
    this.#mid = mid;
  }
  /** @internal */
  _setCurrentDirection(d: RTCRtpTransceiverDirection | null): void {
    this.#current = d;
  }
}
