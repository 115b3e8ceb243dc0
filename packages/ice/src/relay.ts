/**
 * The relay source an agent gathers relayed candidates from (RFC 8445 §5.1.1.2). A TURN client
 * (RFC 8656) implements it; the agent owns it, routes its transmits and feeds it datagrams.
 */
import type { Datagram, Millis, SocketAddress, Transmit } from "@purertc/common";
import type { IceRelayProtocol } from "./candidate.js";

/** Events of an {@link IceRelayClient}. */
export type IceRelayEvent =
  /** The allocation succeeded: the relayed address (and our reflexive address as the server saw it). */
  | {
      readonly type: "allocated";
      readonly relayed: SocketAddress;
      readonly mapped?: SocketAddress;
    }
  /** Data a peer sent to the relayed address (TURN Data indication or ChannelData). */
  | { readonly type: "data"; readonly peer: SocketAddress; readonly data: Uint8Array }
  /** The allocation failed or was lost; `code` is a STUN error code when there is one. */
  | { readonly type: "failed"; readonly reason: string; readonly code?: number };

/**
 * A sans-IO relay client as the agent needs it. The drain rule applies: after any call the agent
 * drains `pollTransmit()` (datagrams to the relay server, which the agent hands on as its own
 * transmits) and `pollEvent()`.
 */
export interface IceRelayClient {
  /** The relay server (datagrams from it are offered to {@link handleDatagram}). */
  readonly server: SocketAddress;
  /** The URL it was configured with, for stats and candidate errors (`turn:host:port`). */
  readonly url: string;
  /** The transport to the server. */
  readonly protocol: IceRelayProtocol;
  /** Starts the allocation (TURN Allocate). */
  start(now: Millis): void;
  /**
   * Lets `peer` reach the relayed address (TURN CreatePermission, RFC 8656 §9). Called once per
   * remote address paired with the relayed candidate; must be idempotent and keep itself fresh.
   */
  permit(now: Millis, peer: SocketAddress): void;
  /** Sends `data` to `peer` through the relay (Send indication or ChannelData). */
  sendToPeer(now: Millis, peer: SocketAddress, data: Uint8Array): void;
  /** Offers a datagram that came from `server`; returns whether the client consumed it. */
  handleDatagram(now: Millis, dgram: Datagram): boolean;
  handleTimeout(now: Millis): void;
  pollTransmit(): Transmit | undefined;
  pollEvent(): IceRelayEvent | undefined;
  pollTimeout(): Millis | undefined;
  /** Releases the allocation (TURN Refresh with lifetime 0). */
  close(now: Millis): void;
}
