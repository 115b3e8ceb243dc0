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
 * A transmit of the agent. `relay` is set when the bytes must be written on the TCP/TLS
 * connection of that relay client (RFC 8656 §3.1: TURN over a stream): the host owns the
 * connection and writes `data` to it as is (one whole STUN or padded ChannelData frame); `to`
 * is then the relay server, for logs only.
 */
export interface IceTransmit extends Transmit {
  readonly relay?: IceRelayClient;
}

/**
 * A datagram handed to the agent. `relay` is set for one whole frame read from the TCP/TLS
 * connection of that relay client, cut by the host (RFC 8489 §6.2.2, RFC 8656 §12.5; e.g. with
 * `TurnStreamFramer` from @purertc/turn); `from` is then the relay server.
 */
export interface IceDatagram extends Datagram {
  readonly relay?: IceRelayClient;
}

/**
 * A sans-IO relay client as the agent needs it. The drain rule applies: after any call the agent
 * drains `pollTransmit()` (datagrams to the relay server, which the agent hands on as its own
 * transmits) and `pollEvent()`.
 *
 * Over UDP the relay's transmits and datagrams share the host's sockets and are told apart by
 * the server's address. Over TCP/TLS (`protocol` `"tcp"` / `"tls"`) the host opens one
 * connection per relay client: the agent tags the client's transmits with it
 * ({@link IceTransmit}), the host tags the frames it reads ({@link IceDatagram}) and reports
 * the connection's end with `IceAgent.handleRelayClosed`.
 */
export interface IceRelayClient {
  /** The relay server (datagrams from it are offered to {@link handleDatagram}). */
  readonly server: SocketAddress;
  /** The URL it was configured with, for stats and candidate errors (`turn:host:port`). */
  readonly url: string;
  /** The transport to the server: `"udp"`, or a stream the host owns (`"tcp"`, `"tls"`). */
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
  /**
   * Stream transports: the host's connection to the server closed (or never opened); the
   * allocation is gone with it (RFC 8656 §3.1), so the client fails unless it was closing.
   */
  handleTransportClosed?(now: Millis): void;
}
