import { ByteReader, ByteWriter } from "@purertc/common";
import { LAYER, ParamType, pad4 } from "../constants.js";
import {
  decodeReceiveMtu,
  decodeSupportedExtensions,
  decodeZeroChecksumAcceptable,
  encodeSupportedExtensions,
  type ForwardTsnSupportedParam,
  type HeartbeatInfoParam,
  type ReceiveMtuParam,
  type StateCookieParam,
  type SupportedExtensionsParam,
  type UnrecognizedParameterParam,
  type ZeroChecksumAcceptableParam,
} from "./init-params.js";
import {
  type AddStreamsRequestParam,
  decodeAddStreamsRequest,
  decodeIncomingSsnResetRequest,
  decodeOutgoingSsnResetRequest,
  decodeReconfigResponse,
  decodeSsnTsnResetRequest,
  encodeIncomingSsnResetRequest,
  encodeOutgoingSsnResetRequest,
  encodeReconfigResponse,
  type IncomingSsnResetRequestParam,
  type OutgoingSsnResetRequestParam,
  type ReconfigResponseParam,
  type SsnTsnResetRequestParam,
} from "./reconfig-params.js";

/**
 * Variable-length parameters (RFC 9260 §3.2.1): a type-length-value list inside INIT,
 * INIT-ACK, HEARTBEAT and RE-CONFIG chunks, each padded to four bytes.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Parameter Type         |       Parameter Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                       Parameter Value                         /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */

/** A parameter this package does not interpret, kept verbatim. */
export interface UnknownParam {
  readonly kind: "unknown";
  readonly type: number;
  readonly value: Uint8Array;
}

export type Param =
  | StateCookieParam
  | SupportedExtensionsParam
  | ForwardTsnSupportedParam
  | ZeroChecksumAcceptableParam
  | ReceiveMtuParam
  | UnrecognizedParameterParam
  | HeartbeatInfoParam
  | OutgoingSsnResetRequestParam
  | IncomingSsnResetRequestParam
  | SsnTsnResetRequestParam
  | AddStreamsRequestParam
  | ReconfigResponseParam
  | UnknownParam;

/** The wire type code of a parameter. */
export function paramType(p: Param): number {
  switch (p.kind) {
    case "state-cookie":
      return ParamType.STATE_COOKIE;
    case "supported-extensions":
      return ParamType.SUPPORTED_EXTENSIONS;
    case "forward-tsn-supported":
      return ParamType.FORWARD_TSN_SUPPORTED;
    case "zero-checksum-acceptable":
      return ParamType.ZERO_CHECKSUM_ACCEPTABLE;
    case "receive-mtu":
      return ParamType.RECEIVE_MTU;
    case "unrecognized-parameter":
      return ParamType.UNRECOGNIZED_PARAMETER;
    case "heartbeat-info":
      return ParamType.HEARTBEAT_INFO;
    case "outgoing-ssn-reset-request":
      return ParamType.OUTGOING_SSN_RESET_REQUEST;
    case "incoming-ssn-reset-request":
      return ParamType.INCOMING_SSN_RESET_REQUEST;
    case "ssn-tsn-reset-request":
      return ParamType.SSN_TSN_RESET_REQUEST;
    case "add-outgoing-streams-request":
      return ParamType.ADD_OUTGOING_STREAMS_REQUEST;
    case "add-incoming-streams-request":
      return ParamType.ADD_INCOMING_STREAMS_REQUEST;
    case "re-config-response":
      return ParamType.RE_CONFIG_RESPONSE;
    case "unknown":
      return p.type;
  }
}

/** Length of the parameter's value (without the 4-byte header and padding). */
function valueLength(p: Param): number {
  switch (p.kind) {
    case "state-cookie":
      return p.cookie.byteLength;
    case "supported-extensions":
      return p.chunkTypes.length;
    case "forward-tsn-supported":
      return 0;
    case "zero-checksum-acceptable":
    case "receive-mtu":
      return 4;
    case "unrecognized-parameter":
      return p.parameter.byteLength;
    case "heartbeat-info":
      return p.info.byteLength;
    case "outgoing-ssn-reset-request":
      return 12 + 2 * p.streams.length;
    case "incoming-ssn-reset-request":
      return 4 + 2 * p.streams.length;
    case "ssn-tsn-reset-request":
      return 4;
    case "add-outgoing-streams-request":
    case "add-incoming-streams-request":
      return 8;
    case "re-config-response":
      return p.senderNextTsn !== undefined && p.receiverNextTsn !== undefined ? 16 : 8;
    case "unknown":
      return p.value.byteLength;
  }
}

/** The parameter's length field (header + value, without padding). */
export function encodedLengthParam(p: Param): number {
  return 4 + valueLength(p);
}

/**
 * Length of a parameter list inside a chunk: every parameter padded except the last
 * (RFC 9260 §3.2: the chunk length includes padding of all parameters but the last).
 */
export function encodedLengthParams(params: readonly Param[]): number {
  let n = 0;
  for (let i = 0; i < params.length; i++) {
    const len = encodedLengthParam(params[i]!);
    n += i === params.length - 1 ? len : pad4(len);
  }
  return n;
}

/** Writes one parameter with its padding. */
export function writeParam(p: Param, w: ByteWriter): void {
  const len = encodedLengthParam(p);
  w.u16(paramType(p)).u16(len);
  switch (p.kind) {
    case "state-cookie":
      w.bytes(p.cookie);
      break;
    case "supported-extensions":
      encodeSupportedExtensions(p, w);
      break;
    case "forward-tsn-supported":
      break;
    case "zero-checksum-acceptable":
      w.u32(p.edmid);
      break;
    case "receive-mtu":
      w.u32(p.mtu);
      break;
    case "unrecognized-parameter":
      w.bytes(p.parameter);
      break;
    case "heartbeat-info":
      w.bytes(p.info);
      break;
    case "outgoing-ssn-reset-request":
      encodeOutgoingSsnResetRequest(p, w);
      break;
    case "incoming-ssn-reset-request":
      encodeIncomingSsnResetRequest(p, w);
      break;
    case "ssn-tsn-reset-request":
      w.u32(p.requestSeq);
      break;
    case "add-outgoing-streams-request":
    case "add-incoming-streams-request":
      w.u32(p.requestSeq).u16(p.newStreams).u16(0);
      break;
    case "re-config-response":
      encodeReconfigResponse(p, w);
      break;
    case "unknown":
      w.bytes(p.value);
      break;
  }
  w.zeros(pad4(len) - len);
}

/** Writes a parameter list (the last one padded too: the padding is outside the chunk length). */
export function writeParams(params: readonly Param[], w: ByteWriter): void {
  for (const p of params) writeParam(p, w);
}

/** Encodes one parameter (unpadded), e.g. to echo it in an Unrecognized Parameter. */
export function encodeParam(p: Param): Uint8Array {
  const w = new ByteWriter(pad4(encodedLengthParam(p)));
  writeParam(p, w);
  return w.view().subarray(0, encodedLengthParam(p));
}

function decodeValue(type: number, r: ByteReader): Param {
  switch (type) {
    case ParamType.STATE_COOKIE:
      return { kind: "state-cookie", cookie: r.rest() };
    case ParamType.SUPPORTED_EXTENSIONS:
      return decodeSupportedExtensions(r);
    case ParamType.FORWARD_TSN_SUPPORTED:
      if (r.remaining !== 0) r.fail("bad-forward-tsn-supported", "non-empty");
      return { kind: "forward-tsn-supported" };
    case ParamType.ZERO_CHECKSUM_ACCEPTABLE:
      return decodeZeroChecksumAcceptable(r);
    case ParamType.RECEIVE_MTU:
      return decodeReceiveMtu(r);
    case ParamType.UNRECOGNIZED_PARAMETER:
      return { kind: "unrecognized-parameter", parameter: r.rest() };
    case ParamType.HEARTBEAT_INFO:
      return { kind: "heartbeat-info", info: r.rest() };
    case ParamType.OUTGOING_SSN_RESET_REQUEST:
      return decodeOutgoingSsnResetRequest(r);
    case ParamType.INCOMING_SSN_RESET_REQUEST:
      return decodeIncomingSsnResetRequest(r);
    case ParamType.SSN_TSN_RESET_REQUEST:
      return decodeSsnTsnResetRequest(r);
    case ParamType.ADD_OUTGOING_STREAMS_REQUEST:
      return decodeAddStreamsRequest(r, "add-outgoing-streams-request");
    case ParamType.ADD_INCOMING_STREAMS_REQUEST:
      return decodeAddStreamsRequest(r, "add-incoming-streams-request");
    case ParamType.RE_CONFIG_RESPONSE:
      return decodeReconfigResponse(r);
    default:
      return { kind: "unknown", type, value: r.rest() };
  }
}

/**
 * Decodes the parameters in `bytes[start..end)`. Views into `bytes` are returned for opaque
 * values (cookies, unknown parameters): they live as long as `bytes`.
 */
export function decodeParams(bytes: Uint8Array, start = 0, end = bytes.byteLength): Param[] {
  const r = new ByteReader(bytes, LAYER, start, end);
  const out: Param[] = [];
  while (r.remaining > 0) {
    const at = r.offset;
    if (r.remaining < 4) r.fail("truncated-parameter", `${r.remaining} trailing bytes`);
    const type = r.u16();
    const len = r.u16();
    if (len < 4) r.fail("bad-parameter-length", `length ${len}`, at);
    const value = r.sub(len - 4);
    out.push(decodeValue(type, value));
    const padding = Math.min(pad4(len) - len, r.remaining);
    r.skip(padding);
  }
  return out;
}

/** Decodes exactly one parameter TLV (for tests and Unrecognized Parameter contents). */
export function decodeParam(bytes: Uint8Array): Param {
  const params = decodeParams(bytes);
  if (params.length !== 1) {
    new ByteReader(bytes, LAYER).fail("bad-parameter-count", `${params.length} parameters`);
  }
  return params[0]!;
}
