import { DecodeError } from "@purertc/common";
import { contextTag, DerReader, TAG } from "../asn1/der-reader.js";
import {
  derBitString,
  derExplicit,
  derOctetString,
  derOid,
  derSequence,
  derSmallInteger,
} from "../asn1/der-writer.js";
import type { EcdsaCurve, EcdsaKeyPair } from "../provider.js";
import { CURVE_OIDS, OID } from "./oids.js";

/** Layer name on every {@link DecodeError} thrown while decoding a private key. */
const LAYER = "pkcs8";

const CURVE_OID: Readonly<Record<EcdsaCurve, string>> = { "P-256": OID.p256, "P-384": OID.p384 };
const CURVE_SIZE: Readonly<Record<EcdsaCurve, number>> = { "P-256": 32, "P-384": 48 };

/**
 * SEC1 `ECPrivateKey` (RFC 5915 §3), PEM label `EC PRIVATE KEY`:
 *
 * ```
 * ECPrivateKey ::= SEQUENCE {
 *   version        INTEGER { ecPrivkeyVer1(1) },
 *   privateKey     OCTET STRING,
 *   parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
 *   publicKey  [1] BIT STRING OPTIONAL }
 * ```
 */
export function encodeEcPrivateKeySec1(keyPair: EcdsaKeyPair): Uint8Array {
  return sec1(keyPair, true);
}

function sec1(keyPair: EcdsaKeyPair, withParameters: boolean): Uint8Array {
  const curveOid = CURVE_OID[keyPair.curve];
  if (curveOid === undefined) throw new TypeError(`unsupported curve: ${String(keyPair.curve)}`);
  const parts = [derSmallInteger(1), derOctetString(keyPair.privateKey)];
  if (withParameters) parts.push(derExplicit(0, derOid(curveOid)));
  parts.push(derExplicit(1, derBitString(keyPair.publicKey)));
  return derSequence(...parts);
}

/**
 * PKCS#8 `PrivateKeyInfo` (RFC 5208 §5, RFC 5915 §2 for EC), PEM label `PRIVATE KEY`:
 *
 * ```
 * PrivateKeyInfo ::= SEQUENCE {
 *   version             INTEGER (0),
 *   privateKeyAlgorithm AlgorithmIdentifier,   -- id-ecPublicKey, namedCurve
 *   privateKey          OCTET STRING }         -- ECPrivateKey without parameters
 * ```
 */
export function encodeEcPrivateKeyPkcs8(keyPair: EcdsaKeyPair): Uint8Array {
  const curveOid = CURVE_OID[keyPair.curve];
  if (curveOid === undefined) throw new TypeError(`unsupported curve: ${String(keyPair.curve)}`);
  return derSequence(
    derSmallInteger(0),
    derSequence(derOid(OID.ecPublicKey), derOid(curveOid)),
    derOctetString(sec1(keyPair, false)),
  );
}

/** A decoded EC private key; `publicKey` is present when the encoding carries it (ours always do). */
export interface DecodedEcPrivateKey {
  readonly curve: EcdsaCurve;
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array | undefined;
}

/** Decodes a PKCS#8 or SEC1 EC private key (P-256 or P-384); throws {@link DecodeError} (layer `"pkcs8"`). */
export function decodeEcPrivateKey(der: Uint8Array): DecodedEcPrivateKey {
  const top = new DerReader(der, LAYER);
  const seq = top.sequence("private key");
  top.finish("after private key");
  const version = seq.smallInteger("version");
  if (version === 0) {
    const alg = seq.sequence("privateKeyAlgorithm");
    const algOid = alg.oid("algorithm");
    if (algOid !== OID.ecPublicKey)
      throw new DecodeError(LAYER, "unsupported-algorithm", 0, algOid);
    const curve = curveOf(alg.oid("namedCurve"));
    alg.finish("privateKeyAlgorithm");
    const inner = seq.expect(TAG.OCTET_STRING, "privateKey");
    // Attributes [0] and the v2 public key [1] (RFC 5958) may follow; they are not needed.
    return decodeSec1(inner.value, curve);
  }
  if (version === 1) return decodeSec1(der, undefined);
  throw new DecodeError(LAYER, "bad-version", 0, `version ${version}`);
}

function curveOf(oid: string): EcdsaCurve {
  const curve = CURVE_OIDS[oid];
  if (curve !== "P-256" && curve !== "P-384")
    throw new DecodeError(LAYER, "unsupported-curve", 0, oid);
  return curve;
}

function decodeSec1(der: Uint8Array, outerCurve: EcdsaCurve | undefined): DecodedEcPrivateKey {
  const top = new DerReader(der, LAYER);
  const seq = top.sequence("ECPrivateKey");
  top.finish("after ECPrivateKey");
  if (seq.smallInteger("ECPrivateKey version") !== 1)
    throw new DecodeError(LAYER, "bad-version", 0, "ECPrivateKey");
  const privateKey = seq.expect(TAG.OCTET_STRING, "privateKey").value;
  let curve = outerCurve;
  const params = seq.optional(contextTag(0));
  if (params !== undefined) {
    const p = seq.enter(params);
    const c = curveOf(p.oid("namedCurve"));
    if (curve !== undefined && curve !== c)
      throw new DecodeError(LAYER, "curve-mismatch", params.offset);
    curve = c;
  }
  if (curve === undefined) throw new DecodeError(LAYER, "missing-curve", 0, "no named curve");
  const pub = seq.optional(contextTag(1));
  const publicKey = pub === undefined ? undefined : seq.enter(pub).bitString("publicKey");
  seq.finish("ECPrivateKey");
  const size = CURVE_SIZE[curve];
  if (privateKey.length !== size)
    throw new DecodeError(LAYER, "bad-key", 0, `private key of ${privateKey.length} bytes`);
  if (publicKey !== undefined && (publicKey.length !== 1 + 2 * size || publicKey[0] !== 0x04)) {
    throw new DecodeError(LAYER, "bad-key", 0, "public key is not an uncompressed point");
  }
  return { curve, privateKey: privateKey.slice(), publicKey: publicKey?.slice() };
}
