/**
 * The STUN messages of ICE connectivity checks (RFC 8445 §7.1, §7.3.1): Binding requests with
 * USERNAME, PRIORITY, USE-CANDIDATE, ICE-CONTROLLING/ICE-CONTROLLED, MESSAGE-INTEGRITY and
 * FINGERPRINT, and their success and error responses.
 */
import { DecodeError, type SocketAddress } from "@purertc/common";
import {
  attr,
  type DecodedStunMessage,
  defineStunAttribute,
  ErrorCode,
  encodeStunMessage,
  getAttribute,
  IceControlled,
  IceControlling,
  Priority,
  type StunAttribute,
  type StunIntegrityKey,
  StunMethod,
  UseCandidate,
  Username,
  XorMappedAddress,
} from "@purertc/stun";

/**
 * NOMINATION (draft-thatcher-ice-renomination-01 §4, Chromium's `STUN_ATTR_NOMINATION`, type
 * 0xC001, comprehension-optional): a 32-bit nomination value. The controlled agent selects the
 * nominated pair with the highest value; a bare USE-CANDIDATE counts as 1.
 */
export const Nomination = defineStunAttribute<number>({
  type: 0xc001,
  name: "NOMINATION",
  valueLength: () => 4,
  write: (n, buf, off) => new DataView(buf.buffer, buf.byteOffset).setUint32(off, n),
  read: (v) => {
    if (v.length !== 4) throw new DecodeError("ice", "bad-nomination-length", 0, `${v.length}`);
    return new DataView(v.buffer, v.byteOffset, 4).getUint32(0);
  },
});

/** RFC 8445 §20.3: "487 Role Conflict". */
export const ROLE_CONFLICT = 487;

/** The agent's role (RFC 8445 §6.1.1). */
export type IceRole = "controlling" | "controlled";

/** What {@link encodeCheckRequest} writes. */
export interface CheckRequest {
  readonly transactionId: Uint8Array;
  /** RFC 8445 §7.2.2: "RFRAG:LFRAG" (remote ufrag, colon, local ufrag). */
  readonly username: string;
  /** RFC 8445 §7.1.1: the priority a peer-reflexive candidate learned from this check gets. */
  readonly priority: number;
  readonly role: IceRole;
  readonly tieBreaker: bigint;
  /** RFC 8445 §7.1.2: the controlling agent nominates with USE-CANDIDATE. */
  readonly useCandidate: boolean;
  /** Renomination: the NOMINATION value sent with USE-CANDIDATE (0: none). */
  readonly nomination?: number;
  /** The remote password's key (RFC 8445 §7.2.2: short-term credential). */
  readonly key: StunIntegrityKey;
}

/** Encodes a connectivity check (RFC 8445 §7.1, §7.2.2). */
export function encodeCheckRequest(r: CheckRequest): Uint8Array {
  const attributes: StunAttribute[] = [
    attr(Username, r.username),
    attr(Priority, r.priority),
    r.role === "controlling"
      ? attr(IceControlling, r.tieBreaker)
      : attr(IceControlled, r.tieBreaker),
  ];
  if (r.useCandidate) attributes.push(attr(UseCandidate));
  if (r.nomination) attributes.push(attr(Nomination, r.nomination));
  return encodeStunMessage(
    { method: StunMethod.Binding, class: "request", transactionId: r.transactionId, attributes },
    { integrity: r.key, fingerprint: true },
  );
}

/**
 * RFC 8445 §7.3.1.4 / RFC 8489 §7.3.1: the success response carries XOR-MAPPED-ADDRESS = the
 * source of the request, and is signed with the same (local) password.
 */
export function encodeCheckSuccess(
  transactionId: Uint8Array,
  mapped: SocketAddress,
  key: StunIntegrityKey,
): Uint8Array {
  return encodeStunMessage(
    {
      method: StunMethod.Binding,
      class: "success",
      transactionId,
      attributes: [attr(XorMappedAddress, mapped)],
    },
    { integrity: key, fingerprint: true },
  );
}

/** An error response; signed when `key` is given (RFC 8445 §7.3.1.1 for 487). */
export function encodeCheckError(
  transactionId: Uint8Array,
  code: number,
  reason: string,
  key?: StunIntegrityKey,
): Uint8Array {
  return encodeStunMessage(
    {
      method: StunMethod.Binding,
      class: "error",
      transactionId,
      attributes: [attr(ErrorCode, { code, reason })],
    },
    key ? { integrity: key, fingerprint: true } : { fingerprint: true },
  );
}

/** The ICE attributes of a received Binding request. */
export interface ReceivedCheck {
  readonly username: string | undefined;
  readonly priority: number | undefined;
  readonly useCandidate: boolean;
  readonly controlling: bigint | undefined;
  readonly controlled: bigint | undefined;
  /** NOMINATION (renomination), if present. */
  readonly nomination: number | undefined;
}

/** Reads the ICE attributes of a request. May throw `DecodeError` on a malformed value. */
export function readCheck(msg: DecodedStunMessage): ReceivedCheck {
  return {
    username: getAttribute(msg, Username),
    priority: getAttribute(msg, Priority),
    useCandidate: getAttribute(msg, UseCandidate) === true,
    controlling: getAttribute(msg, IceControlling),
    controlled: getAttribute(msg, IceControlled),
    nomination: getAttribute(msg, Nomination),
  };
}
