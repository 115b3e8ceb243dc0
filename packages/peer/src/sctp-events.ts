/** How the SCTP data-channel endpoint's events become peer core events. */
import type { DataChannelEvent } from "@purertc/sctp";
import type { PeerCoreEvent } from "./peer-core-events.js";

/** The peer core event that reports `e` (the association's state, or a channel's). */
export function peerEventOfSctp(e: DataChannelEvent): PeerCoreEvent {
  switch (e.type) {
    case "connected":
    case "closed":
      return { type: "sctp-state", state: e.type };
    case "open":
      return { type: "channel-open", id: e.id };
    case "closing":
      return { type: "channel-closing", id: e.id };
    case "close":
      return { type: "channel-close", id: e.id };
    case "datachannel":
    case "message":
    case "buffered-amount-low":
      return e;
  }
}
