import { ByteWriter, constantTimeEqual, utf8Encode } from "@purertc/common";
import type { CryptoProvider, MacContext } from "@purertc/crypto";
import type { ClientHello } from "./handshake/client-hello.js";

/** Cookie length in bytes: a full HMAC-SHA256 (RFC 6347 §4.2.1 allows up to 255). */
export const COOKIE_LENGTH = 32;

/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1):
 * `Cookie = HMAC(Secret, Client-IP, Client-Parameters)`. The server keeps no per-client state
 * until a ClientHello comes back with a cookie it can recompute, which proves the client owns
 * its address. The parameters are the ClientHello fields a retransmitted hello keeps unchanged:
 * version, random, session_id, cipher_suites and compression_methods.
 */
export class CookieAuthority {
  readonly #mac: MacContext;

  constructor(crypto: CryptoProvider, secret: Uint8Array) {
    if (secret.byteLength < 16) throw new RangeError("cookie secret must be at least 16 bytes");
    this.#mac = crypto.createHmac("sha256", secret);
  }

  /** The cookie for `hello` arriving from `peer` (an address string, e.g. `"1.2.3.4:5000"`). */
  make(peer: string, hello: ClientHello): Uint8Array {
    const w = new ByteWriter(96);
    w.u16(hello.clientVersion).bytes(hello.random);
    w.u8(hello.sessionId.byteLength).bytes(hello.sessionId);
    w.u16(hello.cipherSuites.length);
    for (const s of hello.cipherSuites) w.u16(s);
    w.u8(hello.compressionMethods.length);
    for (const c of hello.compressionMethods) w.u8(c);
    return this.#mac.compute(utf8Encode(peer), w.view()).subarray(0, COOKIE_LENGTH);
  }

  /** Whether `hello.cookie` is the one we would issue to `peer` (constant-time compare). */
  verify(peer: string, hello: ClientHello): boolean {
    return (
      hello.cookie.byteLength === COOKIE_LENGTH &&
      constantTimeEqual(hello.cookie, this.make(peer, hello))
    );
  }
}
