import { DecodeError } from "@purertc/common";
import type { RtpExtensionBlock } from "./rtp-header.js";

/**
 * RFC 8285 header extension elements inside the RFC 3550 extension block.
 *
 * One-byte form (§4.2), profile 0xBEDE:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       0xBE    |    0xDE       |           length=3            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Two-byte form (§4.3), profile 0x100 followed by 4 "appbits":
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       0x10    |    0x00       |           length=3            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ID       |     L=0       |     ID        |     L=1       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       data    |    0 (pad)    |       ID      |      L=4      |
 * ```
 */
export interface HeaderExtension {
  /** Local identifier negotiated with `a=extmap` (1..14 one-byte, 1..255 two-byte). */
  readonly id: number;
  /** Element data; a view into the packet when decoded. */
  readonly data: Uint8Array;
}

/** Profile of the one-byte form (RFC 8285 §4.2). */
export const ONE_BYTE_PROFILE = 0xbede;
/** Profile of the two-byte form with appbits 0 (RFC 8285 §4.3); `profile & 0xfff0` identifies the form. */
export const TWO_BYTE_PROFILE = 0x1000;

/** Whether an extension block uses one of the RFC 8285 forms. */
export function isRfc8285Block(block: RtpExtensionBlock): boolean {
  return block.profile === ONE_BYTE_PROFILE || (block.profile & 0xfff0) === TWO_BYTE_PROFILE;
}

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtp", code, offset, detail);
}

/**
 * Calls `visit(id, start, end)` for each element of an RFC 8285 block; returns early when
 * `visit` returns true. Padding bytes (ID 0) are skipped; in the one-byte form ID 15 ends
 * processing ("the remainder of the header extension is ignored", §4.2).
 */
function walk(
  block: RtpExtensionBlock,
  visit: (id: number, start: number, end: number) => boolean,
): void {
  const d = block.data;
  const n = d.byteLength;
  let i = 0;
  if (block.profile === ONE_BYTE_PROFILE) {
    while (i < n) {
      const b = d[i]!;
      const id = b >>> 4;
      if (id === 0) {
        i++;
        continue;
      }
      if (id === 15) return;
      const len = (b & 0x0f) + 1;
      if (i + 1 + len > n) fail("truncated", i, `one-byte extension ${id} of ${len} bytes`);
      if (visit(id, i + 1, i + 1 + len)) return;
      i += 1 + len;
    }
  } else if ((block.profile & 0xfff0) === TWO_BYTE_PROFILE) {
    while (i < n) {
      const id = d[i]!;
      if (id === 0) {
        i++;
        continue;
      }
      if (i + 2 > n) fail("truncated", i, `two-byte extension ${id} header`);
      const len = d[i + 1]!;
      if (i + 2 + len > n) fail("truncated", i, `two-byte extension ${id} of ${len} bytes`);
      if (visit(id, i + 2, i + 2 + len)) return;
      i += 2 + len;
    }
  }
}

/**
 * All RFC 8285 elements of a block, in order (views into the packet). A block in another
 * profile yields no elements: read `block.data` directly.
 */
export function readHeaderExtensions(block: RtpExtensionBlock | undefined): HeaderExtension[] {
  const out: HeaderExtension[] = [];
  if (block === undefined) return out;
  const d = block.data;
  walk(block, (id, s, e) => {
    out.push({ id, data: d.subarray(s, e) });
    return false;
  });
  return out;
}

/** The data of the first element with `id`, or `undefined` (a view; no other allocation). */
export function findHeaderExtension(
  block: RtpExtensionBlock | undefined,
  id: number,
): Uint8Array | undefined {
  if (block === undefined) return undefined;
  const d = block.data;
  const n = d.byteLength;
  if (block.profile === ONE_BYTE_PROFILE) {
    let i = 0;
    while (i < n) {
      const b = d[i]!;
      const eid = b >>> 4;
      if (eid === 0) {
        i++;
        continue;
      }
      if (eid === 15) return undefined;
      const len = (b & 0x0f) + 1;
      if (i + 1 + len > n) fail("truncated", i, `one-byte extension ${eid} of ${len} bytes`);
      if (eid === id) return d.subarray(i + 1, i + 1 + len);
      i += 1 + len;
    }
    return undefined;
  }
  let found: Uint8Array | undefined;
  walk(block, (eid, s, e) => {
    if (eid !== id) return false;
    found = d.subarray(s, e);
    return true;
  });
  return found;
}

/** Which RFC 8285 form to write; `"auto"` picks one-byte whenever every element fits it. */
export type HeaderExtensionForm = "one-byte" | "two-byte" | "auto";

function fitsOneByte(e: HeaderExtension): boolean {
  return e.id >= 1 && e.id <= 14 && e.data.byteLength >= 1 && e.data.byteLength <= 16;
}

/** Size in bytes of the block data (padded to 4) that {@link buildExtensionBlock} writes. */
export function encodedLengthHeaderExtensions(
  elements: readonly HeaderExtension[],
  form: HeaderExtensionForm = "auto",
): number {
  const oneByte = resolveForm(elements, form);
  let n = 0;
  for (const e of elements) n += (oneByte ? 1 : 2) + e.data.byteLength;
  return (n + 3) & ~3;
}

function resolveForm(elements: readonly HeaderExtension[], form: HeaderExtensionForm): boolean {
  for (const e of elements) {
    if (!Number.isInteger(e.id) || e.id < 1 || e.id > 255) {
      throw new RangeError(`RFC 8285: extension id ${e.id} outside 1..255`);
    }
    if (e.data.byteLength > 255)
      throw new RangeError(`RFC 8285: extension ${e.id} data over 255 bytes`);
  }
  if (form === "two-byte") return false;
  const all = elements.every(fitsOneByte);
  if (form === "one-byte" && !all) {
    throw new RangeError("RFC 8285 §4.2: one-byte form needs ids 1..14 and 1..16 data bytes");
  }
  return all;
}

/**
 * Builds an RFC 8285 extension block from elements, zero-padded to a 32-bit boundary
 * (§4.1: "padding ... MUST be zero"). Two-byte form uses appbits 0.
 */
export function buildExtensionBlock(
  elements: readonly HeaderExtension[],
  form: HeaderExtensionForm = "auto",
): RtpExtensionBlock {
  const oneByte = resolveForm(elements, form);
  const data = new Uint8Array(
    encodedLengthHeaderExtensions(elements, oneByte ? "one-byte" : "two-byte"),
  );
  let o = 0;
  for (const e of elements) {
    if (oneByte) {
      data[o++] = (e.id << 4) | (e.data.byteLength - 1);
    } else {
      data[o++] = e.id;
      data[o++] = e.data.byteLength;
    }
    data.set(e.data, o);
    o += e.data.byteLength;
  }
  return { profile: oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE, data };
}
