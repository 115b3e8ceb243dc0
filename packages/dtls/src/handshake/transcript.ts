import { concatBytes } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { transcriptBytes } from "./header.js";

/**
 * The handshake messages hashed for CertificateVerify, the extended master secret and Finished
 * (RFC 5246 §7.4.8, §7.4.9; RFC 6347 §4.2.6: each message with its DTLS header as one
 * unfragmented piece, the first ClientHello and HelloVerifyRequest left out). The suite's hash
 * is only known after ServerHello, so messages are kept and hashed on demand (a handful per
 * handshake).
 */
export class Transcript {
  #parts: Uint8Array[] = [];

  add(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.#parts.push(transcriptBytes(msgType, messageSeq, body));
  }

  clear(): void {
    this.#parts = [];
  }

  /** Every message so far, concatenated (what CertificateVerify signs). */
  bytes(): Uint8Array {
    return concatBytes(...this.#parts);
  }

  hash(crypto: CryptoProvider, hash: "sha256" | "sha384"): Uint8Array {
    return crypto.hash(hash, this.bytes());
  }
}
