/** Non-standard knobs of the Node `RTCPeerConnection`, set through {@link createWebRtc}. */
import type { Logger, Rng } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import type { IceMdnsMode } from "@purertc/ice";
import type { IceUdpMux, InterfaceFilter, PortRange } from "@purertc/ice/node";

export interface WebRtcOptions {
  /** Logger (scopes `purertc:*`); silent by default, or from the `DEBUG` variable. */
  readonly logger?: Logger;
  /** Crypto backend; node:crypto by default. */
  readonly crypto?: CryptoProvider;
  /** Seedable randomness for ICE credentials, tie-breakers, SCTP tags (tests). */
  readonly rng?: Rng;
  /** UDP ports to bind host candidates in (firewalls). */
  readonly portRange?: PortRange;
  /** Which interfaces to gather on (loopback is off unless asked, like browsers). */
  readonly interfaces?: InterfaceFilter;
  /** Bind exactly these local addresses instead of enumerating interfaces. */
  readonly addresses?: readonly string[];
  /** 1:1 NAT (Docker, cloud): the public IP to announce, for all or per local address. */
  readonly natIp?: string | Readonly<Record<string, string>>;
  /** Single-port mode: every peer connection shares this socket (`IceUdpMux.bind`). */
  readonly singlePort?: IceUdpMux;
  /**
   * mDNS (RFC 8828): `"query-only"` (default) resolves the browser's `.local` candidates,
   * `"query-and-gather"` also hides ours behind `.local` names, `"disabled"` ignores them.
   */
  readonly mdns?: IceMdnsMode;
  /** What we accept (`a=max-message-size`, default 262144 = 256 KiB). */
  readonly maxMessageSize?: number;
  /**
   * Connections created without `certificates` share one default certificate of this factory
   * (renewed a day before it expires) instead of generating their own, as browsers do. Saves
   * ~0.5 ms of key generation per connection; the factory's connections then show one DTLS
   * fingerprint, which links them. Default false.
   */
  readonly shareCertificate?: boolean;
  /**
   * Cryptex (RFC 9335): offer `a=cryptex` on every RTP section, accept it in answers, and once
   * both sides signalled it encrypt RTP header extensions and CSRCs too. Default false (Chromium
   * neither offers nor accepts it from JavaScript).
   */
  readonly cryptex?: boolean;
  /**
   * The largest SCTP packet (bytes, 1200–16384) that path MTU discovery (RFC 8899 §6.2) may
   * reach, and the Receive MTU we announce. Only peers announcing a Receive MTU (other purertc
   * peers) are probed; browsers and other stacks stay at 1200. Node cannot set Don't Fragment, so over the Internet a probe may
   * pass through IP fragmentation: set 1200 there to turn discovery off. Default 16384 (one
   * DTLS record), what a loopback or jumbo-frame path carries.
   */
  readonly maxSctpPacketSize?: number;
}

/** Checks the knobs that cannot wait for the first connection (RangeError). */
export function validateWebRtcOptions(o: WebRtcOptions): void {
  const size = o.maxSctpPacketSize;
  if (size !== undefined && (!Number.isInteger(size) || size < 1200 || size > 16384))
    throw new RangeError(`maxSctpPacketSize: ${size} is not an integer in 1200..16384`);
}
