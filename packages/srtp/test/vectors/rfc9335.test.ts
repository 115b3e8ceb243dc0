import { fromHex, toHex } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSrtpFailure, type SrtpProfile, SrtpSession } from "../../src/index.js";
import { PROVIDERS } from "../providers.js";

const h = (s: string) => fromHex(s.replace(/\s+/g, ""));

/** RFC 9335 Appendix A: one plaintext RTP packet and its SRTP form per case. */
interface Vector {
  readonly name: string;
  readonly plain: string;
  readonly cm: string;
  readonly gcm: string;
}

const AB = "abababab abababab abababab abababab";
const VECTORS: readonly Vector[] = [
  {
    name: "A.1/A.2 one-byte header extension",
    plain: `900f1235 decafbad cafebabe bede0001 51000200 ${AB}`,
    cm: "900f1235 decafbad cafebabe c0de0001 eb923652 51c3e036 f8de27e9 c27ee3e0 b4651d9f bc4218a7 0244522f 34a5",
    gcm: "900f1235 decafbad cafebabe c0de0001 39972dc9 572c4d99 e8fc355d e743fb2e 94f9d8ff 54e72f41 93bbc5c7 4ffab0fa 9fa0fbeb",
  },
  {
    name: "two-byte header extension",
    plain: `900f1236 decafbad cafebabe 10000001 05020002 ${AB}`,
    cm: "900f1236 decafbad cafebabe c2de0001 4ed9cc4e 6a712b30 96c5ca77 339d4204 ce0d7739 6cab6958 5fbce381 94a5",
    gcm: "900f1236 decafbad cafebabe c2de0001 bb75a4c5 45cd1f41 3bdb7daa 2b1e3263 de313667 c9632490 81b35a65 f5cb6c88 b394235f",
  },
  {
    name: "one-byte header extension and CSRCs",
    plain: `920f1238 decafbad cafebabe 0001e240 0000b26e bede0001 51000200 ${AB}`,
    cm: "920f1238 decafbad cafebabe 8bb6e12b 5cff16dd c0de0001 92838c8c 09e58393 e1de3a9a 74734d67 45671338 c3acf11d a2df8423 bee0",
    gcm: "920f1238 decafbad cafebabe 63bbccc4 a7f695c4 c0de0001 8ad7c71f ac70a80c 92866b4c 6ba98546 ef913586 e95ffaaf fe956885 bb0647a8 bc094ac8",
  },
  {
    name: "two-byte header extension and CSRCs",
    plain: `920f1239 decafbad cafebabe 0001e240 0000b26e 10000001 05020002 ${AB}`,
    cm: "920f1239 decafbad cafebabe f70e513e b90b9b25 c2de0001 bbed4848 faa64466 5f3d7f34 125914e9 f4d0ae92 3c6f479b 95a0f7b5 3133",
    gcm: "920f1239 decafbad cafebabe 3680524f 8d312b00 c2de0001 c78d1200 38422bc1 11a7187a 18246f98 0c059cc6 bc9df8b6 26394eca 344e4b05 d80fea83",
  },
  {
    name: "empty one-byte header extension and CSRCs",
    plain: `920f123a decafbad cafebabe 0001e240 0000b26e bede0000 ${AB}`,
    cm: "920f123a decafbad cafebabe 7130b6ab fe2ab0e3 c0de0000 e3d9f64b 25c9e74c b4cf8e43 fb92e378 1c2c0cea b6b3a499 a14c",
    gcm: "920f123a decafbad cafebabe 15b6bb43 37906fff c0de0000 b7b96453 7a2b03ab 7ba5389c e9331712 6b5d974d f30c6884 dcb651c5 e120c1da",
  },
  {
    name: "empty two-byte header extension and CSRCs",
    plain: `920f123b decafbad cafebabe 0001e240 0000b26e 10000000 ${AB}`,
    cm: "920f123b decafbad cafebabe cbf24c12 4330e1c8 c2de0000 599dd45b c9d687b6 03e8b59d 771fd38e 88b170e0 cd31e125 eabe",
    gcm: "920f123b decafbad cafebabe dcb38c9e 48bf95f4 c2de0000 61ee432c f9203170 76613258 d3ce4236 c06ac429 681ad084 13512dc9 8b5207d8",
  },
];

const PROFILES = {
  cm: {
    profile: "SRTP_AES128_CM_HMAC_SHA1_80" as SrtpProfile,
    key: {
      masterKey: h("e1f97a0d3e018be0d64fa32c06de4139"),
      masterSalt: h("0ec675ad498afeebb6960b3aabe6"),
    },
  },
  gcm: {
    profile: "SRTP_AEAD_AES_128_GCM" as SrtpProfile,
    key: {
      masterKey: h("000102030405060708090a0b0c0d0e0f"),
      masterSalt: h("a0a1a2a3a4a5a6a7a8a9aaab"),
    },
  },
} as const;

describe.each(PROVIDERS)("%s: cryptex (RFC 9335)", (_name, crypto) => {
  for (const kind of ["cm", "gcm"] as const) {
    const { profile, key } = PROFILES[kind];
    const session = () => new SrtpSession({ profile, key, crypto, config: { cryptex: true } });
    for (const v of VECTORS) {
      it(`Appendix A ${kind === "cm" ? "AES-CTR" : "AES-GCM"}: ${v.name} — protect matches, unprotect restores the RFC 8285 profile`, () => {
        expect(toHex(session().protect(h(v.plain)))).toBe(toHex(h(v[kind])));
        const back = session().unprotect(h(v[kind]));
        expect(isSrtpFailure(back)).toBe(false);
        expect(toHex(back as Uint8Array)).toBe(toHex(h(v.plain)));
      });
    }

    it(`${kind}: CSRCs without an extension get an empty 0xC0DE block and the X bit (§4.1)`, () => {
      const plain = h(`810f1240 decafbad cafebabe 0001e240 ${AB}`);
      const wire = session().protect(plain);
      expect(wire[0]).toBe(0x91);
      expect(toHex(wire.subarray(16, 20))).toBe("c0de0000");
      expect(toHex(wire.subarray(12, 16))).not.toBe("0001e240");
      const back = session().unprotect(wire) as Uint8Array;
      expect(toHex(back)).toBe(toHex(h(`910f1240 decafbad cafebabe 0001e240 bede0000 ${AB}`)));
    });

    it(`${kind}: no CSRC and no extension, or a non-RFC 8285 extension, is plain SRTP`, () => {
      const plainNoExt = h(`800f1241 decafbad cafebabe ${AB}`);
      const other = h(`900f1242 decafbad cafebabe 12340001 01020304 ${AB}`);
      for (const p of [plainNoExt, other]) {
        const withCryptex = session().protect(p);
        const without = new SrtpSession({ profile, key, crypto }).protect(p);
        expect(toHex(withCryptex)).toBe(toHex(without));
      }
    });

    it(`${kind}: a receiver without cryptex never exposes a decrypted header; one bit flipped anywhere fails authentication`, () => {
      const wire = h(VECTORS[2]![kind]);
      const plainRx = new SrtpSession({ profile, key, crypto }).unprotect(wire);
      if (kind === "cm") {
        // AES-CM authenticates the whole packet either way; the header stays as sent.
        expect(toHex((plainRx as Uint8Array).subarray(12, 24))).toBe(toHex(wire.subarray(12, 24)));
      } else {
        // GCM: plain SRTP would take the whole header as AAD, so the tag cannot match.
        expect(plainRx).toBe("auth-failed");
      }
      for (let bit = 0; bit < wire.length * 8; bit += 7) {
        const bad = wire.slice();
        bad[bit >>> 3] = bad[bit >>> 3]! ^ (1 << (bit & 7));
        const r = session().unprotect(bad);
        expect(isSrtpFailure(r), `bit ${bit}`).toBe(true);
      }
    });

    it(`${kind}: round trip of random CSRC lists, one- and two-byte extensions and payloads`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 15 }),
          fc.constantFrom(-1, 0xbede, 0x1000),
          fc.integer({ min: 0, max: 6 }),
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 0, max: 0xffff }),
          (cc, extProfile, extWords, payload, seq) => {
            const ext = extProfile < 0 ? 0 : 4 + extWords * 4;
            const p = new Uint8Array(12 + cc * 4 + ext + payload.length);
            p[0] = 0x80 | (extProfile < 0 ? 0 : 0x10) | cc;
            p[1] = 96;
            p[2] = seq >>> 8;
            p[3] = seq & 0xff;
            p.set([0xca, 0xfe, 0xba, 0xbe], 8);
            for (let i = 12; i < 12 + cc * 4; i++) p[i] = i * 13;
            const at = 12 + cc * 4;
            if (extProfile >= 0) {
              p[at] = extProfile >>> 8;
              p[at + 1] = extProfile & 0xff;
              p[at + 3] = extWords;
              for (let i = at + 4; i < at + ext; i++) p[i] = i;
            }
            p.set(payload, at + ext);
            const tx = session();
            const wire = tx.protect(p);
            const back = session().unprotect(wire);
            expect(isSrtpFailure(back)).toBe(false);
            const expected =
              extProfile < 0 && cc > 0
                ? Uint8Array.from([...p.subarray(0, at), 0xbe, 0xde, 0, 0, ...p.subarray(at)])
                : p;
            if (extProfile < 0 && cc > 0) expected[0] = expected[0]! | 0x10;
            expect(toHex(back as Uint8Array)).toBe(toHex(expected));
            // Nothing of the CSRCs or the extension body is sent in the clear.
            if (cc > 0 && p.subarray(12, at).some((b) => b !== 0))
              expect(toHex(wire.subarray(12, at))).not.toBe(toHex(p.subarray(12, at)));
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
