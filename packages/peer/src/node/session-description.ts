/** W3C `RTCSessionDescription` (webrtc-pc §4.8.1). */

/** W3C `RTCSdpType`. */
export type RTCSdpType = "offer" | "answer" | "pranswer" | "rollback";

/** W3C `RTCSessionDescriptionInit`: what `createOffer`/`toJSON` give, `setRemoteDescription` takes. */
export interface RTCSessionDescriptionInit {
  type: RTCSdpType;
  sdp?: string;
}

/** W3C `RTCLocalSessionDescriptionInit`: `setLocalDescription` also takes one without a type. */
export interface RTCLocalSessionDescriptionInit {
  type?: RTCSdpType;
  sdp?: string;
}

const TYPES: readonly string[] = ["offer", "answer", "pranswer", "rollback"];

export class RTCSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;

  /** Throws a TypeError without a valid `type` (JavaScript callers may leave it out). */
  constructor(init: RTCSessionDescriptionInit) {
    if (init === null || typeof init !== "object")
      throw new TypeError("RTCSessionDescription needs an init dictionary");
    if (!TYPES.includes(init.type as string))
      throw new TypeError(`invalid RTCSdpType ${String(init.type)}`);
    this.type = init.type as RTCSdpType;
    this.sdp = init.sdp === undefined ? "" : String(init.sdp);
  }

  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp };
  }
}
