import { invariant } from "@purertc/common";
import { DTLS_1_2, RECORD_HEADER_LENGTH } from "../constants.js";
import type { DtlsRecord } from "./record.js";
import { encodeRecordHeaderInto } from "./record.js";
import type { RecordCipher } from "./record-cipher.js";
import { ReplayWindow } from "./replay-window.js";

/** RFC 6347 §4.1: sequence numbers are 48 bits and MUST NOT wrap within an epoch. */
const MAX_SEQUENCE = 2 ** 48 - 1;

/** Bytes of the slab sealed records are carved from. */
const SLAB_BYTES = 64 * 1024;
/** Larger records get a buffer of their own. */
const SLAB_MAX_RECORD = SLAB_BYTES / 8;
let slab = new Uint8Array(0);
let slabUsed = 0;

/**
 * A buffer for one sealed record, carved from a slab shared by every record layer of the
 * thread (as Node carves small Buffers from its pool): one allocation per ~50 application-data
 * datagrams of 1200 bytes instead of one each. Parts are never reused, so a datagram stays
 * valid however long it is held; holding one keeps its slab (64 KiB) alive. A slab whose buffer
 * was transferred away is replaced.
 */
function recordBuffer(length: number): Uint8Array {
  if (length > SLAB_MAX_RECORD) return new Uint8Array(length);
  if (slabUsed + length > slab.byteLength) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += (length + 7) & ~7;
  return out;
}

/** No datagram queued (returned without allocating an array per call). */
const NO_DATAGRAMS: readonly Uint8Array[] = Object.freeze([]);

/** Why {@link RecordLayer.unprotect} rejected a record. */
export type RecordDrop = "unknown-epoch" | "replayed" | "bad-mac";

interface WriteEpoch {
  seq: number;
  readonly cipher: RecordCipher | undefined;
}

interface ReadEpoch {
  readonly cipher: RecordCipher | undefined;
  readonly window: ReplayWindow;
}

/**
 * The DTLS record layer (RFC 6347 §4.1) for one association: per-epoch write sequence numbers
 * and ciphers, per-epoch read ciphers with an anti-replay window each, and a packer that
 * coalesces records into datagrams no larger than the MTU (§4.1.1).
 *
 * Epoch 0 is plaintext. A new epoch's ciphers are installed first and switched to later (at
 * ChangeCipherSpec), so records of both epochs can be written and read around the switch.
 */
export class RecordLayer {
  readonly #mtu: number;
  readonly #write: WriteEpoch[] = [{ seq: 0, cipher: undefined }];
  readonly #read: ReadEpoch[] = [{ cipher: undefined, window: new ReplayWindow() }];
  #readEpoch = 0;
  /** The datagram being packed; allocated at the first record, see {@link packRarely}. */
  #staging: Uint8Array | undefined;
  #stagingLength = 0;
  #keepStaging = true;
  readonly #out: Uint8Array[] = [];
  /** Why the last {@link unprotect} call returned `undefined`. */
  lastDrop: RecordDrop | undefined;

  constructor(mtu: number) {
    this.#mtu = mtu;
  }

  /**
   * Once the handshake is over only a resent final flight or an alert is packed (application
   * data is sealed one record per datagram): the MTU-sized staging buffer is then freed after
   * each datagram instead of kept for the life of the association.
   */
  packRarely(): void {
    this.#keepStaging = false;
    if (this.#stagingLength === 0) this.#staging = undefined;
  }

  get mtu(): number {
    return this.#mtu;
  }

  /** The epoch whose records we currently accept as authenticated peer traffic. */
  get readEpoch(): number {
    return this.#readEpoch;
  }

  /** The highest epoch we have write keys for. */
  get writeEpoch(): number {
    return this.#write.length - 1;
  }

  /** Whether read keys for `epoch` are installed (it may not be switched to yet). */
  hasReadEpoch(epoch: number): boolean {
    return epoch < this.#read.length;
  }

  /** Installs the write cipher of the next epoch. */
  addWriteEpoch(cipher: RecordCipher): number {
    this.#write.push({ seq: 0, cipher });
    return this.#write.length - 1;
  }

  /** Installs the read cipher of the next epoch (switch to it with {@link switchReadEpoch}). */
  addReadEpoch(cipher: RecordCipher): number {
    this.#read.push({ cipher, window: new ReplayWindow() });
    return this.#read.length - 1;
  }

  switchReadEpoch(epoch: number): void {
    invariant(epoch < this.#read.length, `no read keys for epoch ${epoch}`);
    this.#readEpoch = epoch;
  }

  /** Record overhead (header + AEAD expansion) in `epoch`. */
  overhead(epoch: number): number {
    const c = this.#write[epoch]?.cipher;
    return RECORD_HEADER_LENGTH + (c ? c.overhead : 0);
  }

  /** Payload bytes a record of `epoch` can still carry in the datagram being packed. */
  room(epoch: number): number {
    return this.#mtu - this.#stagingLength - this.overhead(epoch);
  }

  /** Payload bytes a record of `epoch` can carry in an empty datagram. */
  maxPayload(epoch: number): number {
    return this.#mtu - this.overhead(epoch);
  }

  /** Whether a datagram is partly packed (not yet flushed). */
  get packing(): boolean {
    return this.#stagingLength > 0;
  }

  /**
   * Appends one record to the datagram being packed (starting a new datagram when it does not
   * fit). `seqOverride` sets the record sequence number explicitly (a stateless
   * HelloVerifyRequest echoes the ClientHello's, RFC 6347 §4.2.1).
   */
  appendRecord(
    contentType: number,
    epoch: number,
    payload: Uint8Array,
    seqOverride?: number,
  ): void {
    const size = this.overhead(epoch) + payload.byteLength;
    if (this.#stagingLength + size > this.#mtu) this.flush();
    if (size > this.#mtu) {
      this.#out.push(this.sealRecord(contentType, epoch, payload, seqOverride));
      return;
    }
    this.#staging ??= new Uint8Array(this.#mtu);
    this.#stagingLength = this.#sealInto(
      contentType,
      epoch,
      payload,
      this.#staging,
      this.#stagingLength,
      seqOverride,
    );
  }

  /** Closes the datagram being packed and queues it. */
  flush(): void {
    const staging = this.#staging;
    if (this.#stagingLength === 0 || !staging) return;
    if (this.#keepStaging) {
      this.#out.push(staging.slice(0, this.#stagingLength));
    } else {
      // The buffer itself becomes the datagram (no copy).
      this.#out.push(staging.subarray(0, this.#stagingLength));
      this.#staging = undefined;
    }
    this.#stagingLength = 0;
  }

  /** Removes and returns the queued datagrams. */
  takeDatagrams(): readonly Uint8Array[] {
    this.flush();
    if (this.#out.length === 0) return NO_DATAGRAMS;
    return this.#out.splice(0, this.#out.length);
  }

  /**
   * Seals one record into a buffer of its own size (application data path: one datagram each),
   * carved from a shared slab when small (see `recordBuffer`).
   */
  sealRecord(
    contentType: number,
    epoch: number,
    payload: Uint8Array,
    seqOverride?: number,
  ): Uint8Array {
    const out = recordBuffer(this.overhead(epoch) + payload.byteLength);
    this.#sealInto(contentType, epoch, payload, out, 0, seqOverride);
    return out;
  }

  #sealInto(
    contentType: number,
    epoch: number,
    payload: Uint8Array,
    out: Uint8Array,
    offset: number,
    seqOverride?: number,
  ): number {
    const state = this.#write[epoch];
    invariant(state !== undefined, `no write keys for epoch ${epoch}`);
    let seq = state.seq;
    if (seqOverride !== undefined) seq = seqOverride;
    invariant(seq <= MAX_SEQUENCE, "record sequence number exhausted");
    state.seq = Math.max(state.seq, seq + 1);
    const cipher = state.cipher;
    const length = cipher ? cipher.sealedLength(payload.byteLength) : payload.byteLength;
    const body = encodeRecordHeaderInto(contentType, DTLS_1_2, epoch, seq, length, out, offset);
    if (cipher === undefined) {
      out.set(payload, body);
      return body + payload.byteLength;
    }
    return cipher.sealInto(contentType, epoch, seq, payload, out, body);
  }

  /**
   * Authenticates a received record of an installed epoch and checks it against that epoch's
   * replay window (RFC 6347 §4.1.2.6, marked only after authentication; none in epoch 0). Returns the plaintext,
   * or `undefined` with the reason in {@link lastDrop}.
   */
  unprotect(record: DtlsRecord): Uint8Array | undefined {
    const state = this.#read[record.epoch];
    if (state === undefined) {
      this.lastDrop = "unknown-epoch";
      return undefined;
    }
    // Epoch 0 is unauthenticated, so its window would be spoofable: one forged record with a
    // high sequence number would push the real peer's hellos out of the window. Duplicate
    // plaintext handshake records are harmless (reassembly drops them), so epoch 0 has none.
    const checked = record.epoch > 0;
    if (checked && !state.window.isFresh(record.sequenceNumber)) {
      this.lastDrop = "replayed";
      return undefined;
    }
    let plaintext = record.fragment;
    if (state.cipher !== undefined) {
      const opened = state.cipher.open(
        record.contentType,
        record.version,
        record.epoch,
        record.sequenceNumber,
        record.fragment,
      );
      if (opened === undefined) {
        this.lastDrop = "bad-mac";
        return undefined;
      }
      plaintext = opened;
    }
    if (checked) state.window.mark(record.sequenceNumber);
    return plaintext;
  }
}
