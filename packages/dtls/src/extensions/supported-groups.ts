import { ByteReader } from "@purertc/common";
import { encodeU16List, readU16List } from "./extension.js";

/**
 * supported_groups (RFC 8422 §5.1.1, RFC 7919): the client's named groups, most preferred first.
 *
 * ```
 *   struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
 * ```
 */
export function decodeSupportedGroups(data: Uint8Array): number[] {
  const r = new ByteReader(data, "dtls-ext");
  const list = readU16List(r);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return list;
}

export function encodeSupportedGroups(groups: readonly number[]): Uint8Array {
  return encodeU16List(groups);
}
