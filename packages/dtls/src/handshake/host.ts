import type { Millis } from "@purertc/common";
import type { CipherSuiteParams } from "../cipher-suites.js";
import type { DtlsConfig } from "../config.js";
import type { DtlsFailureReason } from "../events.js";
import type { FlightEntry } from "../flight.js";
import type { RecordCipher } from "../record/record-cipher.js";

/** What a finished handshake hands to the endpoint. */
export interface HandshakeResult {
  readonly suite: CipherSuiteParams;
  readonly masterSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly namedGroup: number;
  readonly srtpProfile: number | undefined;
  readonly srtpMki: Uint8Array;
  readonly peerCertificateChain: readonly Uint8Array[];
}

/**
 * The services the endpoint gives its client or server handshake machine: sending flights,
 * installing keys, and reporting the outcome. The machine owns the protocol logic; the endpoint
 * owns records, timers and events.
 */
export interface HandshakeHost {
  readonly config: DtlsConfig;
  /** Sends `entries` as a new flight (replacing the last one) and arms its timer unless final. */
  sendFlight(now: Millis, entries: readonly FlightEntry[], final: boolean): void;
  /**
   * Sends a stateless HelloVerifyRequest outside any flight (RFC 6347 §4.2.1): record sequence
   * number echoed from the ClientHello, message_seq as the ClientHello's.
   */
  sendHelloVerifyRequest(body: Uint8Array, recordSeq: number, messageSeq: number): void;
  /** Installs the next epoch's ciphers; reading switches at the peer's ChangeCipherSpec. */
  installKeys(write: RecordCipher, read: RecordCipher): void;
  /** The peer certificate is known: the endpoint checks fingerprints; `false` = we failed. */
  checkPeerCertificate(der: Uint8Array): boolean;
  /** The handshake finished (Finished verified both ways). */
  complete(now: Millis, result: HandshakeResult): void;
  /** Sends a fatal alert and fails the association. */
  fail(reason: DtlsFailureReason, alert: number, message: string): void;
  /** Emits a key log line when enabled. */
  keyLog(clientRandom: Uint8Array, masterSecret: Uint8Array): void;
}

/** A handshake message as the machines receive it. */
export interface ReceivedMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
  /** Record sequence number of the record that completed the message (HelloVerifyRequest). */
  readonly recordSeq: number;
  /** Epoch of the record that completed the message. */
  readonly epoch: number;
}

/** The client or server handshake logic. */
export interface HandshakeMachine {
  /** Starts the handshake (the client sends its ClientHello; the server waits). */
  start(now: Millis): void;
  handleMessage(now: Millis, msg: ReceivedMessage): void;
  /** Whether the peer's ChangeCipherSpec is due now (read keys installed, messages before it seen). */
  readonly expectsChangeCipherSpec: boolean;
  /** The peer's ChangeCipherSpec arrived and reading switched epochs. */
  changeCipherSpecReceived(): void;
  /** Server before a valid cookie: ClientHello fragments may restart reassembly at any message_seq. */
  readonly stateless: boolean;
}
