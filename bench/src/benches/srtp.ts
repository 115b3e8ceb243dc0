/**
 * SRTP protect/unprotect of RTP packets with 1000-byte payloads (RFC 3711 AES-CM-HMAC-SHA1-80 and
 * RFC 7714 AEAD-AES-128-GCM): purertc on nodeCrypto and on nobleCrypto, werift's SrtpSession, and
 * libsrtp2 (OpenSSL build from Debian) through packages/srtp/test/libsrtp/helper.c.
 *
 * Unprotect cycles through 4096 distinct packets; purertc (which enforces the replay window)
 * and werift start a fresh receive session every 4096 packets, as the libsrtp helper does. The libsrtp contender runs its C loop in a child process for 50,000
 * packets at a time and counts one op per packet, so process start-up (a few ms per chunk) is
 * charged to it.
 *
 * "floor" contenders are not SRTP: they are the single node:crypto call a packet cannot avoid
 * (AES-CM: one HMAC-SHA1 over the 1016 authenticated bytes; GCM: one `createCipheriv`
 * + AAD + 1000-byte update + final + tag), so the table shows what the platform allows from JS.
 */
import { spawnSync } from "node:child_process";
import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toHex } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { isSrtpFailure, type SrtpProfile, SrtpSession, srtpProfileParameters } from "@purertc/srtp";
import { RtpHeader, SrtpSession as WeriftSrtpSession } from "werift";
import { defineBench, type Op } from "../harness.js";

const PAYLOAD = 1000;
const RING = 4096;
const SSRC = 0x11223344;
const payload = new Uint8Array(randomBytes(PAYLOAD));

function rtp(seq: number): Uint8Array {
  const p = new Uint8Array(12 + PAYLOAD);
  p.set([0x80, 96, seq >>> 8, seq & 0xff, 0, 0, 0x10, 0, 0x11, 0x22, 0x33, 0x44]);
  p.set(payload, 12);
  return p;
}

function keys(profile: SrtpProfile) {
  const p = srtpProfileParameters(profile);
  return {
    masterKey: new Uint8Array(randomBytes(p.keyLength)),
    masterSalt: new Uint8Array(randomBytes(p.saltLength)),
  };
}

function purertcProtect(profile: SrtpProfile, crypto: CryptoProvider) {
  return (): Op => {
    const s = new SrtpSession({ profile, key: keys(profile), crypto });
    const packets = Array.from({ length: RING }, (_, i) => rtp(i));
    // A sender's sequence numbers keep increasing (as werift's contender does): never protect the
    // same index twice, which would reuse keystream.
    let seq = 0;
    return () => {
      const p = packets[seq & (RING - 1)]!;
      p[2] = (seq >>> 8) & 0xff;
      p[3] = seq & 0xff;
      seq++;
      s.protect(p);
    };
  };
}

function purertcUnprotect(profile: SrtpProfile, crypto: CryptoProvider) {
  return (): Op => {
    const key = keys(profile);
    const tx = new SrtpSession({ profile, key, crypto });
    const ring = Array.from({ length: RING }, (_, i) => tx.protect(rtp(i)));
    let rx = new SrtpSession({ profile, key, crypto });
    let i = 0;
    return () => {
      if (i === RING) {
        rx = new SrtpSession({ profile, key, crypto });
        i = 0;
      }
      if (isSrtpFailure(rx.unprotect(ring[i++]!))) throw new Error("unprotect failed");
    };
  };
}

const WERIFT_PROFILE: Partial<Record<SrtpProfile, number>> = {
  SRTP_AES128_CM_HMAC_SHA1_80: 1,
  SRTP_AEAD_AES_128_GCM: 7,
};

function weriftSession(profile: SrtpProfile, k = keys(profile)) {
  const key = Buffer.from(k.masterKey);
  const salt = Buffer.from(k.masterSalt);
  return new WeriftSrtpSession({
    keys: {
      localMasterKey: key,
      localMasterSalt: salt,
      remoteMasterKey: key,
      remoteMasterSalt: salt,
    },
    profile: WERIFT_PROFILE[profile] as 1 | 7,
  });
}

function weriftProtect(profile: SrtpProfile) {
  return (): Op => {
    const s = weriftSession(profile);
    const body = Buffer.from(payload);
    const header = new RtpHeader({ payloadType: 96, ssrc: SSRC, timestamp: 4096 });
    let seq = 0;
    return () => {
      header.sequenceNumber = seq++ & 0xffff;
      s.encrypt(body, header);
    };
  };
}

function weriftUnprotect(profile: SrtpProfile) {
  return (): Op => {
    const k = keys(profile);
    const tx = weriftSession(profile, k);
    const body = Buffer.from(payload);
    // werift may reuse its output buffer between calls: keep copies.
    const ring = Array.from({ length: RING }, (_, i) =>
      Buffer.from(
        tx.encrypt(body, new RtpHeader({ payloadType: 96, ssrc: SSRC, sequenceNumber: i })),
      ),
    );
    // Like purertc, a fresh receive session per 4096 packets (werift rejects seq 0 after 4095).
    let rx = weriftSession(profile, k);
    let i = 0;
    return () => {
      if (i === RING) {
        rx = weriftSession(profile, k);
        i = 0;
      }
      rx.decrypt(ring[i++]!);
    };
  };
}

let helperPath: string | undefined;

/** Builds the libsrtp2 helper once (throws, making the contender "unavailable", if it cannot). */
function libsrtpHelper(): string {
  if (helperPath !== undefined) return helperPath;
  const flags = spawnSync("pkg-config", ["--cflags", "--libs", "libsrtp2"], { encoding: "utf8" });
  if (flags.status !== 0) throw new Error("libsrtp2-dev/pkg-config not installed");
  const out = join(mkdtempSync(join(tmpdir(), "purertc-bench-libsrtp-")), "helper");
  const source = fileURLToPath(
    new URL("../../../packages/srtp/test/libsrtp/helper.c", import.meta.url),
  );
  const cc = spawnSync("gcc", ["-O2", "-o", out, source, ...flags.stdout.trim().split(/\s+/)], {
    encoding: "utf8",
  });
  if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`);
  helperPath = out;
  return out;
}

function libsrtp(profile: SrtpProfile, mode: "bench-protect-rtp" | "bench-unprotect-rtp") {
  return (): Op => {
    const bin = libsrtpHelper();
    const k = keys(profile);
    const keyHex = toHex(k.masterKey) + toHex(k.masterSalt);
    const CHUNK = 50_000;
    let budget = 0;
    return () => {
      if (budget === 0) {
        const r = spawnSync(bin, [profile, keyHex, mode, "-", String(CHUNK), String(PAYLOAD)]);
        if (r.status !== 0) throw new Error(`libsrtp helper exited ${r.status}`);
        budget = CHUNK;
      }
      budget--;
    };
  };
}

/** The one node:crypto operation per packet that any SRTP on node:crypto pays (see the header). */
function floor(profile: SrtpProfile) {
  return (): Op => {
    const key = new Uint8Array(randomBytes(20));
    const data = new Uint8Array(randomBytes(12 + PAYLOAD + 4));
    if (profile === "SRTP_AEAD_AES_128_GCM") {
      const k = key.subarray(0, 16);
      const iv = new Uint8Array(randomBytes(12));
      const header = data.subarray(0, 12);
      const body = data.subarray(12, 12 + PAYLOAD);
      return () => {
        const c = createCipheriv("aes-128-gcm", k, iv);
        c.setAAD(header);
        c.update(body);
        c.final();
        c.getAuthTag();
      };
    }
    return () => {
      createHmac("sha1", key).update(data).digest();
    };
  };
}

function cases(profile: SrtpProfile, label: string) {
  const floorName =
    profile === "SRTP_AEAD_AES_128_GCM" ? "floor: 1 node GCM op" : "floor: 1 node HMAC-SHA1";
  return [
    {
      name: `protect ${label}, 1000 B payload`,
      unit: "packets/s",
      contenders: {
        purertc: purertcProtect(profile, nodeCrypto),
        "purertc-noble": purertcProtect(profile, nobleCrypto),
        werift: weriftProtect(profile),
        libsrtp2: libsrtp(profile, "bench-protect-rtp"),
        [floorName]: floor(profile),
      },
    },
    {
      name: `unprotect ${label}, 1000 B payload`,
      unit: "packets/s",
      contenders: {
        purertc: purertcUnprotect(profile, nodeCrypto),
        "purertc-noble": purertcUnprotect(profile, nobleCrypto),
        werift: weriftUnprotect(profile),
        libsrtp2: libsrtp(profile, "bench-unprotect-rtp"),
        [floorName]: floor(profile),
      },
    },
  ];
}

export default defineBench({
  name: "srtp",
  cases: [
    ...cases("SRTP_AES128_CM_HMAC_SHA1_80", "AES-CM-128-HMAC-SHA1-80"),
    ...cases("SRTP_AEAD_AES_128_GCM", "AEAD-AES-128-GCM"),
  ],
});
