import { utf8Decode, utf8Encode } from "@purertc/common";
import { type DerElement, type DerReader, TAG } from "../asn1/der-reader.js";
import { derOid, derSequence, derSet, derTlv } from "../asn1/der-writer.js";
import { OID } from "./oids.js";

/**
 * X.501 `Name` (RFC 5280 §4.1.2.4): `SEQUENCE OF SET OF AttributeTypeAndValue`. WebRTC
 * certificates carry a single common name; that is what we write and what we extract.
 *
 * ```
 * Name ::= SEQUENCE OF RelativeDistinguishedName
 * RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 * AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
 * ```
 */

/** `Name` with one RDN: `CN=<commonName>` as UTF8String. */
export function encodeCommonNameName(commonName: string): Uint8Array {
  return derSequence(
    derSet(derSequence(derOid(OID.commonName), derTlv(TAG.UTF8_STRING, utf8Encode(commonName)))),
  );
}

/** Decodes a directory string (UTF8String, PrintableString, IA5String, T61String, BMPString, UniversalString). */
function decodeDirectoryString(e: DerElement, r: DerReader): string {
  const v = e.value;
  switch (e.tag) {
    case TAG.UTF8_STRING:
      return utf8Decode(v);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING: {
      let s = "";
      for (const b of v) s += String.fromCharCode(b);
      return s;
    }
    case TAG.BMP_STRING: {
      if (v.length % 2 !== 0) throw r.error("bad-string", e.valueOffset, "odd BMPString length");
      let s = "";
      for (let i = 0; i < v.length; i += 2)
        s += String.fromCharCode(((v[i] as number) << 8) | (v[i + 1] as number));
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (v.length % 4 !== 0)
        throw r.error("bad-string", e.valueOffset, "UniversalString length not a multiple of 4");
      let s = "";
      for (let i = 0; i < v.length; i += 4) {
        const cp =
          (((v[i] as number) << 24) |
            ((v[i + 1] as number) << 16) |
            ((v[i + 2] as number) << 8) |
            (v[i + 3] as number)) >>>
          0;
        if (cp > 0x10ffff)
          throw r.error("bad-string", e.valueOffset + i, "code point out of range");
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      throw r.error("unexpected-tag", e.offset, `unsupported string type 0x${e.tag.toString(16)}`);
  }
}

/** A decoded `Name`: its DER and the first common name, if any. */
export interface DecodedName {
  readonly der: Uint8Array;
  readonly commonName: string | undefined;
}

/** Reads a `Name` from `r`, validating its structure. */
export function decodeName(r: DerReader, what: string): DecodedName {
  const nameElement = r.expect(TAG.SEQUENCE, what);
  const rdns = r.enter(nameElement);
  let commonName: string | undefined;
  while (!rdns.atEnd) {
    const set = rdns.enter(rdns.expect(TAG.SET, `${what} RDN`));
    if (set.atEnd) throw set.error("bad-name", set.offset, `${what}: empty RDN`);
    while (!set.atEnd) {
      const atv = set.sequence(`${what} attribute`);
      const type = atv.oid(`${what} attribute type`);
      const value = atv.read();
      atv.finish(`${what} attribute`);
      if (type === OID.commonName && commonName === undefined)
        commonName = decodeDirectoryString(value, atv);
    }
  }
  return { der: nameElement.raw, commonName };
}
