import { type Logger, silentLogger } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { resolveSrtpConfig, type SrtpConfig } from "./config.js";
import { emptyFailures, type SrtpFailure, type SrtpStats } from "./failure.js";
import { deriveSessionKeys, type SrtpMasterKey } from "./key-derivation.js";
import { createPacketCipher, type PacketCipher } from "./packet-cipher.js";
import { type SrtpProfile, type SrtpProfileParameters, srtpProfileParameters } from "./profile.js";
import { ReplayWindow } from "./replay-window.js";

/** Construction options of an {@link SrtpSession} or {@link SrtcpSession}. */
export interface SrtpSessionOptions {
  readonly profile: SrtpProfile;
  /** The master key (and optional MKI, RFC 3711 §3.1) this session protects or verifies with. */
  readonly key: SrtpMasterKey;
  readonly crypto: CryptoProvider;
  readonly config?: Partial<SrtpConfig>;
  readonly logger?: Logger;
}

/** `true` when `packet[at..]` starts with `mki`. */
export function mkiMatches(packet: Uint8Array, at: number, mki: Uint8Array): boolean {
  for (let i = 0; i < mki.byteLength; i++) if (packet[at + i] !== mki[i]) return false;
  return true;
}

/**
 * What SRTP and SRTCP sessions share (RFC 3711 §3.2): the profile and session keys of one master
 * key, the optional MKI, per-SSRC send state (`Tx`) and replay windows, counters, and the rule
 * that a remote stream's state changes only after its packet authenticated.
 */
export abstract class SessionBase<Tx> {
  readonly profile: SrtpProfile;
  readonly config: SrtpConfig;
  protected readonly params: SrtpProfileParameters;
  protected readonly cipher: PacketCipher;
  protected readonly mki: Uint8Array | undefined;
  protected readonly mkiLength: number;
  protected readonly tx = new Map<number, Tx>();
  protected readonly rx = new Map<number, ReplayWindow>();
  protected readonly log: Logger;
  protected protectedPackets = 0;
  #unprotected = 0;
  readonly #failures = emptyFailures();
  readonly #kind: "SRTP" | "SRTCP";

  protected constructor(options: SrtpSessionOptions, rtcp: boolean) {
    this.params = srtpProfileParameters(options.profile);
    this.profile = this.params.profile;
    this.config = resolveSrtpConfig(options.config);
    this.mki = checkMki(options.key);
    this.mkiLength = this.mki?.byteLength ?? 0;
    const keys = deriveSessionKeys(options.crypto, this.params, options.key, rtcp);
    this.cipher = createPacketCipher(options.crypto, this.params, keys, rtcp);
    this.#kind = rtcp ? "SRTCP" : "SRTP";
    this.log = (options.logger ?? silentLogger).child(rtcp ? "srtcp" : "srtp");
  }

  /**
   * Before authentication (RFC 3711 §3.3.2): a new SSRC beyond `maxStreams` is refused, a known
   * one's index is checked against its replay window. `undefined`: go on.
   */
  protected admit(window: ReplayWindow | undefined, index: number): SrtpFailure | undefined {
    if (window === undefined) {
      return this.rx.size >= this.config.maxStreams ? this.fail("stream-limit") : undefined;
    }
    if (!this.config.replayProtection) return undefined;
    const verdict = window.check(index);
    if (verdict === 1) return this.fail("replay");
    if (verdict === 2) return this.fail("too-old");
    return undefined;
  }

  /** After authentication: `index` enters the SSRC's window (created on its first packet). */
  protected accepted(ssrc: number, window: ReplayWindow | undefined, index: number): void {
    if (window === undefined) {
      const created = new ReplayWindow(this.config.replayWindowSize);
      created.accept(index);
      this.rx.set(ssrc, created);
      this.log.debug(`new remote ${this.#kind} stream`, { ssrc, index });
    } else {
      window.accept(index);
    }
    this.#unprotected++;
  }

  /** Forgets the send and receive state of `ssrc` (e.g. when the SSRC leaves the session). */
  removeStream(ssrc: number): void {
    this.tx.delete(ssrc);
    this.rx.delete(ssrc);
    this.cipher.removeStream(ssrc);
  }

  stats(): SrtpStats {
    return {
      protectedPackets: this.protectedPackets,
      unprotectedPackets: this.#unprotected,
      remoteStreams: this.rx.size,
      localStreams: this.tx.size,
      failures: { ...this.#failures },
    };
  }

  /** Counts a dropped packet and returns the reason (what `unprotect` hands back). */
  protected fail(reason: SrtpFailure): SrtpFailure {
    this.#failures[reason]++;
    return reason;
  }
}

/** Checks the optional MKI of a master key (RFC 3711 §3.1: "MKI ... variable length"). */
function checkMki(key: SrtpMasterKey): Uint8Array | undefined {
  const mki = key.mki;
  if (mki === undefined || mki.byteLength === 0) return undefined;
  if (mki.byteLength > 128) throw new RangeError("SRTP: MKI longer than 128 bytes");
  return mki.slice();
}
