import type { InitChunk } from "../chunks/init.js";
import { ChunkType, EDMID_DTLS } from "../constants.js";
import type { Param } from "../params/param.js";

/** Extensions both sides support, decided from the peer's INIT or INIT ACK. */
export interface Capabilities {
  /** PR-SCTP (RFC 3758). */
  readonly forwardTsn: boolean;
  /** Stream reconfiguration (RFC 6525). */
  readonly reConfig: boolean;
  /** I-DATA and I-FORWARD-TSN (RFC 8260). */
  readonly iData: boolean;
  /** Zero checksum with the DTLS method (RFC 9653). */
  readonly zeroChecksum: boolean;
  /** The largest SCTP packet the peer said it accepts (Receive MTU parameter), 0 if it did not. */
  readonly peerReceiveMtu: number;
}

/** What we offer. */
export interface Offer {
  readonly zeroChecksum: boolean;
  readonly interleaving: boolean;
  /** The Receive MTU we announce (0: none). */
  readonly receiveMtu: number;
}

/** The extension parameters we put in INIT and INIT ACK (RFC 5061 §4.2.7, RFC 3758 §3.1, RFC 9653 §4). */
export function offerParams(o: Offer): Param[] {
  const chunkTypes: number[] = [ChunkType.FORWARD_TSN, ChunkType.RE_CONFIG];
  if (o.interleaving) chunkTypes.push(ChunkType.I_DATA, ChunkType.I_FORWARD_TSN);
  const params: Param[] = [
    { kind: "supported-extensions", chunkTypes },
    { kind: "forward-tsn-supported" },
  ];
  if (o.zeroChecksum) params.push({ kind: "zero-checksum-acceptable", edmid: EDMID_DTLS });
  if (o.receiveMtu > 0) params.push({ kind: "receive-mtu", mtu: o.receiveMtu });
  return params;
}

/** Intersects our offer with the peer's INIT / INIT ACK parameters. */
export function negotiate(o: Offer, peer: InitChunk): Capabilities {
  let ext: readonly number[] = [];
  let fwd = false;
  let zero = false;
  let receiveMtu = 0;
  for (const p of peer.params) {
    if (p.kind === "receive-mtu") receiveMtu = Math.min(p.mtu, 0xffff);
    if (p.kind === "supported-extensions") ext = p.chunkTypes;
    else if (p.kind === "forward-tsn-supported") fwd = true;
    else if (p.kind === "zero-checksum-acceptable" && p.edmid === EDMID_DTLS) zero = true;
  }
  return {
    forwardTsn: fwd || ext.includes(ChunkType.FORWARD_TSN),
    reConfig: ext.includes(ChunkType.RE_CONFIG),
    iData:
      o.interleaving && ext.includes(ChunkType.I_DATA) && ext.includes(ChunkType.I_FORWARD_TSN),
    zeroChecksum: o.zeroChecksum && zero,
    peerReceiveMtu: receiveMtu,
  };
}

/**
 * Parameters of the peer's INIT we must report (RFC 9260 §3.2.1: unknown types whose upper
 * two bits are 01 or 11 are reported in an Unrecognized Parameter).
 */
export function unrecognizedToReport(peer: InitChunk): Param[] {
  const out: Param[] = [];
  for (const p of peer.params) {
    if (p.kind === "unknown" && (p.type & 0x4000) !== 0) {
      const tlv = new Uint8Array(4 + p.value.byteLength);
      tlv[0] = p.type >>> 8;
      tlv[1] = p.type & 0xff;
      tlv[2] = tlv.byteLength >>> 8;
      tlv[3] = tlv.byteLength & 0xff;
      tlv.set(p.value, 4);
      out.push({ kind: "unrecognized-parameter", parameter: tlv });
    }
  }
  return out;
}
