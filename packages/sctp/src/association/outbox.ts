import { Fifo } from "@purertc/common";
import { type Chunk, encodeChunkInto, encodedLengthChunk } from "../chunks/chunk.js";
import { pad4 } from "../constants.js";
import { COMMON_HEADER_LENGTH, writeChecksum, writeCommonHeader } from "../packet.js";

/**
 * Control output waiting for `pollTransmit()`: chunks bundled at the front of the next packet,
 * and packets that must travel alone (INIT, INIT ACK, ABORT, SHUTDOWN COMPLETE: RFC 9260 §6.10)
 * or carry a verification tag of their own.
 */
export class Outbox {
  readonly solo = new Fifo<Uint8Array>();
  readonly control = new Fifo<Uint8Array>();
  readonly #localPort: number;
  readonly #remotePort: number;
  /** RFC 9653 negotiated: packets go out with a zero checksum. */
  zeroChecksum = false;

  constructor(localPort: number, remotePort: number) {
    this.#localPort = localPort;
    this.#remotePort = remotePort;
  }

  /** Queues a control chunk for the next packet. */
  chunk(c: Chunk): void {
    const buf = new Uint8Array(pad4(encodedLengthChunk(c)));
    encodeChunkInto(c, buf, 0);
    this.control.push(buf);
  }

  /** Queues a packet holding only `c` with verification tag `tag`; `crc` forces CRC-32C. */
  packet(tag: number, c: Chunk, crc = false): void {
    const buf = new Uint8Array(COMMON_HEADER_LENGTH + pad4(encodedLengthChunk(c)));
    writeCommonHeader(buf, this.#localPort, this.#remotePort, tag);
    encodeChunkInto(c, buf, COMMON_HEADER_LENGTH);
    if (crc || !this.zeroChecksum) writeChecksum(buf);
    this.solo.push(buf);
  }

  clear(): void {
    this.control.clear();
  }
}
