/** W3C `RTCSessionDescription` (webrtc-pc §4.8.1). */

/** W3C `RTCSdpType`. */
export type RTCSdpType = "offer" | "answer" | "pranswer" | "rollback";

/** W3C `RTCSessionDescriptionInit`. */
export interface RTCSessionDescriptionInit {
  type?: RTCSdpType;
  sdp?: string;
}

const TYPES: readonly string[] = ["offer", "answer", "pranswer", "rollback"];

export class RTCSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;

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
