/**
 * The sans-IO vocabulary shared by every purertc core (DESIGN.md): time is passed in, effects
 * are polled out, nothing here touches a socket or a clock.
 */

/** Monotonic milliseconds, always supplied by the caller. */
export type Millis = number;

/** An IP address (v4 dotted quad, v6 text, or an mDNS `.local` name where noted) and a port. */
export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** A datagram handed to a core: where it came from, where it arrived, and its bytes. */
export interface Datagram {
  readonly from: SocketAddress;
  readonly to?: SocketAddress;
  readonly data: Uint8Array;
}

/** A datagram a core wants sent. `from` selects the local socket when a core owns several. */
export interface Transmit {
  readonly to: SocketAddress;
  readonly from?: SocketAddress;
  readonly data: Uint8Array;
}

/**
 * A sans-IO endpoint. After any `handle*` call or API command the caller drains
 * `pollTransmit()` and `pollEvent()` until both return `undefined`, then arms one timer at
 * `pollTimeout()` and calls `handleTimeout()` when it fires.
 */
export interface Endpoint<Ev> {
  /** Feeds one received datagram. Never throws on remote input. */
  handleDatagram(now: Millis, dgram: Datagram): void;
  /** Advances timers to `now`. */
  handleTimeout(now: Millis): void;
  pollTransmit(): Transmit | undefined;
  pollEvent(): Ev | undefined;
  /** The earliest deadline, or `undefined` when no timer is armed. */
  pollTimeout(): Millis | undefined;
}

/** `"host:port"`, with IPv6 addresses in brackets (`"[::1]:5000"`). */
export function formatSocketAddress(a: SocketAddress): string {
  return a.address.includes(":") ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** Whether two socket addresses are the same address and port (text compare). */
export function sameSocketAddress(a: SocketAddress, b: SocketAddress): boolean {
  return a.port === b.port && a.address === b.address;
}
