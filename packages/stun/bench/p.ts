import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import {
  attr,
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  IceControlling,
  Priority,
  StunIntegrityKey,
  UseCandidate,
  Username,
  verifyFingerprint,
  verifyMessageIntegrity,
} from "../src/index.js";

for (const crypto of [nodeCrypto, nobleCrypto]) {
  const key = StunIntegrityKey.shortTerm("abcdefghijklmnopqrstuv", crypto);
  const tid = new Uint8Array(12).fill(7);
  const msg = {
    method: 1,
    class: "request" as const,
    transactionId: tid,
    attributes: [
      attr(Username, "abcd:efgh"),
      attr(Priority, 1853824767),
      attr(IceControlling, 0x1234567890abcdefn),
      attr(UseCandidate),
    ],
  };
  const opts = { integrity: key, fingerprint: true };
  const bytes = encodeStunMessage(msg, opts);
  console.log(bytes.length);
  function bench(name: string, f: () => void) {
    for (let i = 0; i < 20000; i++) f();
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < 1000) {
      for (let i = 0; i < 1000; i++) f();
      n += 1000;
    }
    console.log(crypto.name, name, Math.round(n / ((performance.now() - t) / 1000)));
  }
  bench("encode", () => encodeStunMessage(msg, opts));
  bench("decode+verify", () => {
    const m = decodeStunMessage(bytes);
    if (!verifyMessageIntegrity(m, key) || !verifyFingerprint(m)) throw 1;
    getAttribute(m, Username);
    getAttribute(m, Priority);
  });
  bench("decode", () => {
    decodeStunMessage(bytes);
  });
  bench("hmac", () => {
    key.mac("sha1").compute(bytes);
  });
}
