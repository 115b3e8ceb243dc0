import { concatBytes, fromHex, type Rng, randomInt, seededRng, toHex } from "@purertc/common";
import { afterAll, describe, expect, it } from "vitest";
import {
  isSrtpFailure,
  SRTP_PROFILES,
  SrtcpSession,
  type SrtpMasterKey,
  type SrtpProfile,
  SrtpSession,
} from "../../src/index.js";
import { PROVIDERS } from "../providers.js";
import { buildLibsrtpHelper, runHelper } from "./libsrtp.js";

const helper = buildLibsrtpHelper();
if ("missing" in helper) {
  console.warn(`\n[srtp] SKIPPING libsrtp2 interop tests: ${helper.missing}\n`);
}
afterAll(() => {
  if ("cleanup" in helper) helper.cleanup();
});

/** Hex of one packet (usable in `map`, unlike `toHex` whose 2nd parameter is a separator). */
const hex = (b: Uint8Array): string => toHex(b);

/** `n` seeded random bytes. */
function bytes(rng: Rng, n: number): Uint8Array {
  return rng.fill(new Uint8Array(n));
}

const PROFILES = Object.keys(SRTP_PROFILES) as SrtpProfile[];

/** RTP packets with CSRCs, extensions, padding bit and sizes 0..1200, across the 2^16 wrap. */
function rtpPackets(seed: number): Uint8Array[] {
  const rng = seededRng(seed);
  const out: Uint8Array[] = [];
  const ssrcs = [0x11223344, 0xdeadbeef];
  for (let i = 0; i < 40; i++) {
    const seq = (65520 + i) & 0xffff;
    const cc = i % 5 === 0 ? 2 : 0;
    const ext = i % 3 === 0 ? 8 : 0;
    const payload = bytes(rng, i === 7 ? 0 : 1 + randomInt(rng, 1200));
    const h = new Uint8Array(12 + cc * 4 + (ext ? 4 + ext : 0));
    h[0] = 0x80 | (ext ? 0x10 : 0) | cc;
    h[1] = 96 | (i % 4 === 0 ? 0x80 : 0);
    h[2] = seq >>> 8;
    h[3] = seq & 0xff;
    h.set(bytes(rng, 4), 4);
    const ssrc = ssrcs[i % 2]!;
    h.set([ssrc >>> 24, (ssrc >>> 16) & 0xff, (ssrc >>> 8) & 0xff, ssrc & 0xff], 8);
    h.set(bytes(rng, cc * 4), 12);
    if (ext) h.set([0xbe, 0xde, 0, ext / 4, ...bytes(rng, ext)], 12 + cc * 4);
    out.push(concatBytes(h, payload));
  }
  return out;
}

/** Compound-looking RTCP packets (SR/RR headers) for two SSRCs. */
function rtcpPackets(seed: number): Uint8Array[] {
  const rng = seededRng(seed);
  return Array.from({ length: 12 }, (_, i) => {
    const words = 1 + randomInt(rng, 60);
    const p = concatBytes(new Uint8Array(4), bytes(rng, words * 4));
    p[0] = 0x80;
    p[1] = i % 2 ? 200 : 201;
    p[2] = words >>> 8;
    p[3] = words & 0xff;
    p[4] = 0xca;
    p[5] = 0xfe;
    p[6] = 0xba;
    p[7] = i % 3;
    return p;
  });
}

function keyFor(profile: SrtpProfile, seed: number): SrtpMasterKey {
  const p = SRTP_PROFILES[profile];
  const rng = seededRng(seed);
  return { masterKey: bytes(rng, p.keyLength), masterSalt: bytes(rng, p.saltLength) };
}

const cases = PROVIDERS.flatMap(([name, crypto]) =>
  PROFILES.flatMap((profile) =>
    [false, true].map((withMki) => [name, profile, withMki, crypto] as const),
  ),
);

describe.skipIf("missing" in helper)("byte-identical with libsrtp2", () => {
  const bin = "path" in helper ? helper.path : "";

  it.each(cases)(
    "%s %s (MKI %s): SRTP protect/unprotect both ways",
    (_n, profile, withMki, crypto) => {
      const base = keyFor(profile, 7);
      const mki = withMki ? fromHex("a1b2c3d4") : undefined;
      const key = { ...base, mki };
      const keyHex = toHex(concatBytes(base.masterKey, base.masterSalt));
      const mkiHex = mki ? toHex(mki) : "-";
      const plain = rtpPackets(1);
      const ours = new SrtpSession({ profile, key, crypto });
      const oursOut = plain.map((p) => toHex(ours.protect(p)));
      const theirs = runHelper(bin, profile, keyHex, "protect-rtp", plain.map(hex), mkiHex);
      expect(oursOut).toEqual(theirs);

      const back = runHelper(bin, profile, keyHex, "unprotect-rtp", oursOut, mkiHex);
      expect(back).toEqual(plain.map(hex));

      const rx = new SrtpSession({ profile, key, crypto });
      const opened = theirs.map((h) => {
        const r = rx.unprotect(fromHex(h));
        return isSrtpFailure(r) ? r : toHex(r);
      });
      expect(opened).toEqual(plain.map(hex));
    },
  );

  it.each(cases)(
    "%s %s (MKI %s): SRTCP protect/unprotect both ways",
    (_n, profile, withMki, crypto) => {
      const base = keyFor(profile, 9);
      const mki = withMki ? fromHex("0102") : undefined;
      const key = { ...base, mki };
      const keyHex = toHex(concatBytes(base.masterKey, base.masterSalt));
      const mkiHex = mki ? toHex(mki) : "-";
      const plain = rtcpPackets(2);
      const ours = new SrtcpSession({ profile, key, crypto });
      const oursOut = plain.map((p) => toHex(ours.protect(p)));
      const theirs = runHelper(bin, profile, keyHex, "protect-rtcp", plain.map(hex), mkiHex);
      expect(oursOut).toEqual(theirs);

      // libsrtp 2.5 rejects its own SRTCP with an MKI under the _32 profiles (bad_mki: it locates
      // the MKI with the 4-byte SRTP tag length, not the 10-byte SRTCP one), so that leg is skipped.
      if (!(withMki && SRTP_PROFILES[profile].rtpTagLength === 4)) {
        const back = runHelper(bin, profile, keyHex, "unprotect-rtcp", oursOut, mkiHex);
        expect(back).toEqual(plain.map(hex));
      }

      const rx = new SrtcpSession({ profile, key, crypto });
      const opened = theirs.map((h) => {
        const r = rx.unprotect(fromHex(h));
        return isSrtpFailure(r) ? r : toHex(r);
      });
      expect(opened).toEqual(plain.map(hex));
    },
  );
});
