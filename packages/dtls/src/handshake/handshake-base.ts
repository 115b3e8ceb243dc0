import { constantTimeEqual, type Millis } from "@purertc/common";
import { AlertDescription } from "../alert.js";
import type { CipherSuiteParams } from "../cipher-suites.js";
import { HandshakeType } from "../constants.js";
import type { FlightEntry } from "../flight.js";
import { finishedVerifyData, keyBlock } from "../key-schedule.js";
import { recordCiphers } from "../record/cipher-factory.js";
import { decodeCertificate, encodeCertificate } from "./certificate.js";
import { decodeFinished } from "./finished.js";
import type { HandshakeHost, ReceivedMessage } from "./host.js";
import { peerPublicKey } from "./peer-key.js";
import type { PeerPublicKey } from "./signatures.js";
import { Transcript } from "./transcript.js";

/** Handles one peer handshake message. */
export type MessageHandler = (now: Millis, msg: ReceivedMessage) => void;

/** The messages a state accepts, by handshake type. */
export type StateHandlers = Readonly<Partial<Record<number, MessageHandler>>>;

/** How a side reacts to a peer Certificate without any certificate in it. */
interface EmptyCertificate {
  readonly alert: number;
  readonly message: string;
}

/**
 * What the client and server handshakes share (RFC 5246 §7.3, RFC 6347 §4.2): the transcript
 * and our message_seq, the negotiated parameters, the peer's certificate and key, the key
 * schedule from master secret to record ciphers, and Finished in both directions.
 */
export abstract class HandshakeBase {
  protected readonly host: HandshakeHost;
  protected readonly transcript = new Transcript();
  /** Our role: whose Finished label we send (RFC 5246 §7.4.9). */
  readonly #role: "client" | "server";
  protected sendSeq = 0;
  protected clientRandom: Uint8Array = new Uint8Array(0);
  protected serverRandom: Uint8Array = new Uint8Array(0);
  protected suite: CipherSuiteParams | undefined;
  protected group = 0;
  protected srtpProfile: number | undefined;
  protected srtpMki: Uint8Array = new Uint8Array(0);
  protected chain: readonly Uint8Array[] = [];
  protected peerKey: PeerPublicKey | undefined;
  protected masterSecret: Uint8Array = new Uint8Array(0);

  protected constructor(host: HandshakeHost, role: "client" | "server") {
    this.host = host;
    this.#role = role;
  }

  /** One of our handshake messages: numbered, added to the transcript, ready for a flight. */
  protected message(msgType: number, body: Uint8Array, epoch: number): FlightEntry {
    const messageSeq = this.sendSeq++;
    this.transcript.add(msgType, messageSeq, body);
    return { kind: "handshake", epoch, msgType, messageSeq, body };
  }

  /** Our Certificate message (RFC 5246 §7.4.2, §7.4.6): the one self-signed certificate. */
  protected ownCertificate(): FlightEntry {
    const body = encodeCertificate({ certificates: [this.host.config.certificate.der] });
    return this.message(HandshakeType.certificate, body, 0);
  }

  /** Adds a peer message to the transcript (once it has been accepted). */
  protected record(msg: ReceivedMessage): void {
    this.transcript.add(msg.msgType, msg.messageSeq, msg.body);
  }

  /**
   * Hands `msg` to the handler of its type in the current `state`; any other message, and a
   * Finished under epoch 0 (RFC 5246 §7.4.9: it is the first message under the new keys), is
   * unexpected.
   */
  protected dispatch(
    now: Millis,
    msg: ReceivedMessage,
    state: string,
    handlers: StateHandlers | undefined,
  ): void {
    const handler = handlers?.[msg.msgType];
    if (handler === undefined || (msg.msgType === HandshakeType.finished && msg.epoch === 0)) {
      this.unexpected(msg.msgType, state);
      return;
    }
    handler(now, msg);
  }

  /** A message that is not valid in `state` (RFC 5246 §7.2.2 unexpected_message). */
  protected unexpected(msgType: number, state: string): void {
    this.host.fail(
      "protocol-violation",
      AlertDescription.unexpected_message,
      `unexpected handshake message ${msgType} in ${state}`,
    );
  }

  /**
   * The peer's Certificate (RFC 5246 §7.4.2, §7.4.6): its leaf must carry a key we can verify
   * (of `kind` when given: the suite's, for a server certificate) and match the expected
   * fingerprints. Records the message and returns `true`; otherwise the handshake has failed.
   */
  protected acceptPeerCertificate(
    msg: ReceivedMessage,
    empty: EmptyCertificate,
    kind?: "ecdsa" | "rsa",
  ): boolean {
    const cert = decodeCertificate(msg.body);
    const leaf = cert.certificates[0];
    if (leaf === undefined) {
      this.host.fail("bad-certificate", empty.alert, empty.message);
      return false;
    }
    const key = peerPublicKey(leaf);
    if (key === undefined || (kind !== undefined && key.kind !== kind)) {
      this.host.fail(
        "bad-certificate",
        AlertDescription.unsupported_certificate,
        `unusable ${this.#role === "client" ? "server" : "client"} certificate key`,
      );
      return false;
    }
    this.chain = cert.certificates.map((c) => c.slice());
    this.peerKey = key;
    if (!this.host.checkPeerCertificate(this.chain[0]!)) return false;
    this.record(msg);
    return true;
  }

  /** Installs the next epoch's record ciphers from the master secret (RFC 5246 §6.3). */
  protected installKeys(masterSecret: Uint8Array): void {
    const c = this.host.config;
    const suite = this.suite!;
    this.masterSecret = masterSecret;
    const keys = keyBlock(c.crypto, suite, masterSecret, this.clientRandom, this.serverRandom);
    const ciphers = recordCiphers(c.crypto, suite, keys, this.#role);
    this.host.installKeys(ciphers.write, ciphers.read);
    this.host.keyLog(this.clientRandom, masterSecret);
  }

  /** The verify_data of `sender`'s Finished over the transcript so far (RFC 5246 §7.4.9). */
  protected verifyData(sender: "client" | "server"): Uint8Array {
    const c = this.host.config;
    const suite = this.suite!;
    return finishedVerifyData(
      c.crypto,
      suite,
      this.masterSecret,
      sender,
      this.transcript.hash(c.crypto, suite.prfHash),
    );
  }

  /** Checks the peer's Finished; records it and returns `true`, or fails the handshake. */
  protected acceptPeerFinished(msg: ReceivedMessage): boolean {
    const peer = this.#role === "client" ? "server" : "client";
    if (!constantTimeEqual(decodeFinished(msg.body), this.verifyData(peer))) {
      this.host.fail(
        "verification-failed",
        AlertDescription.decrypt_error,
        `${peer} Finished does not verify`,
      );
      return false;
    }
    this.record(msg);
    return true;
  }

  /** Reports the finished handshake to the endpoint. */
  protected completeHandshake(now: Millis): void {
    this.host.complete(now, {
      suite: this.suite!,
      masterSecret: this.masterSecret,
      clientRandom: this.clientRandom,
      serverRandom: this.serverRandom,
      namedGroup: this.group,
      srtpProfile: this.srtpProfile,
      srtpMki: this.srtpMki,
      peerCertificateChain: this.chain,
    });
  }
}
