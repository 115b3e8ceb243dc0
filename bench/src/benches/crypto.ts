/**
 * The two CryptoProvider backends against raw node:crypto one-shot calls, on the SRTP/DTLS hot
 * paths: AES-CM keystream XOR (RFC 3711 §4.1.1), HMAC-SHA1 (RFC 3711 §4.2) and AES-GCM
 * (RFC 7714) over 1000-byte payloads. `purertc` is nodeCrypto through its reusable contexts.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { CryptoProvider } from "@purertc/crypto";
import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { defineBench } from "../harness.js";

const PAYLOAD = 1000;
const key16 = new Uint8Array(randomBytes(16));
const key20 = new Uint8Array(randomBytes(20));
const iv = new Uint8Array(randomBytes(16));
const nonce = new Uint8Array(randomBytes(12));
const aad = new Uint8Array(randomBytes(12));
const data = new Uint8Array(randomBytes(PAYLOAD));

function ctr(p: CryptoProvider) {
  return () => {
    const ctx = p.createAesCtr(key16);
    const out = new Uint8Array(PAYLOAD);
    return () => ctx.xor(iv, data, out);
  };
}

function hmac(p: CryptoProvider) {
  return () => {
    const mac = p.createHmac("sha1", key20);
    return () => mac.compute(data);
  };
}

function gcmSeal(p: CryptoProvider) {
  return () => {
    const aead = p.createAead("aes-128-gcm", key16);
    return () => aead.seal(nonce, data, aad);
  };
}

function gcmOpen(p: CryptoProvider) {
  return () => {
    const aead = p.createAead("aes-128-gcm", key16);
    const sealed = aead.seal(nonce, data, aad);
    return () => {
      if (aead.open(nonce, sealed, aad) === undefined) throw new Error("open failed");
    };
  };
}

const sealedForRaw = nodeCrypto.createAead("aes-128-gcm", key16).seal(nonce, data, aad);

export default defineBench({
  name: "crypto",
  cases: [
    {
      name: "AES-128-CM keystream XOR, 1000 B",
      unit: "ops/s",
      contenders: {
        purertc: ctr(nodeCrypto),
        "purertc (noble)": ctr(nobleCrypto),
        "node:crypto one-shot": () => () => {
          const c = createCipheriv("aes-128-ctr", key16, iv);
          c.update(data);
          c.final();
        },
      },
    },
    {
      name: "HMAC-SHA1, 1000 B",
      unit: "ops/s",
      contenders: {
        purertc: hmac(nodeCrypto),
        "purertc (noble)": hmac(nobleCrypto),
        "node:crypto one-shot": () => () => createHmac("sha1", key20).update(data).digest(),
      },
    },
    {
      name: "AES-128-GCM seal, 1000 B",
      unit: "ops/s",
      contenders: {
        purertc: gcmSeal(nodeCrypto),
        "purertc (noble)": gcmSeal(nobleCrypto),
        "node:crypto one-shot": () => () => {
          const c = createCipheriv("aes-128-gcm", key16, nonce);
          c.setAAD(aad);
          c.update(data);
          c.final();
          c.getAuthTag();
        },
      },
    },
    {
      name: "AES-128-GCM open, 1000 B",
      unit: "ops/s",
      contenders: {
        purertc: gcmOpen(nodeCrypto),
        "purertc (noble)": gcmOpen(nobleCrypto),
        "node:crypto one-shot": () => () => {
          const d = createDecipheriv("aes-128-gcm", key16, nonce);
          d.setAAD(aad);
          d.setAuthTag(sealedForRaw.subarray(PAYLOAD));
          d.update(sealedForRaw.subarray(0, PAYLOAD));
          d.final();
        },
      },
    },
  ],
});
