import {
  decodeAbsSendTime,
  decodeAudioLevel,
  decodeSdesExtension,
  encodeAudioLevel,
  findHeaderExtension,
  isRtcpPacket,
  type RtpPacket,
} from "@purertc/rtp";
import type { TapRecord } from "@purertc/testkit";
import { describe, expect, it } from "vitest";
import type { PeerCoreEvent } from "../../src/index.js";
import type { SimPair } from "./helpers.js";
import { mediaPair } from "./media-helpers.js";

const MID_ID = 4;
const ABS_ID = 2;
const LEVEL_ID = 1;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Whether `needle` occurs in `hay`. */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Offerer's SRTP datagrams (RTP only) as captured on the simulated wire. */
function capture(s: SimPair): Uint8Array[] {
  const out: Uint8Array[] = [];
  s.sim.addTap((r: TapRecord) => {
    if (r.kind !== "sent" || r.from.address !== "10.0.0.1") return;
    const b0 = r.data[0] ?? 0;
    // RFC 7983: 128..191 is RTP/RTCP; keep RTP only.
    if (b0 >= 128 && b0 <= 191 && !isRtcpPacket(r.data)) out.push(r.data);
  });
  return out;
}

/** Connects, then sends 40 video frames and 40 audio packets (with an audio level) from a. */
function run(s: SimPair): void {
  s.driver.runUntil(() => s.offerer.core.media.keyed && s.answerer.core.media.keyed);
  for (let i = 0; i < 40; i++) {
    const now = s.driver.now;
    s.offerer.core.sendFrame(now, 0, new Uint8Array(200).fill(i), 1000 + i * 3000);
    const audio: RtpPacket = {
      header: {
        padding: false,
        marker: false,
        payloadType: 111,
        sequenceNumber: i,
        timestamp: i * 960,
        ssrc: 1,
        csrcs: [],
        extension: undefined,
      },
      payload: new Uint8Array(60).fill(7),
      paddingSize: 0,
    };
    const level = { id: LEVEL_ID, data: encodeAudioLevel({ voiceActivity: true, level: 30 }) };
    s.offerer.core.sendRtp(now, 1, audio, [level]);
    s.driver.flush();
    s.driver.runFor(20);
  }
  s.driver.runFor(200);
}

/** The extension body on the wire of each (SSRC, sequence number) the offerer sent. */
function wireExtensions(wire: Uint8Array[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const d of wire) {
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const words = v.getUint16(14);
    out.set(`${v.getUint32(8)}/${v.getUint16(2)}`, d.slice(16, 16 + words * 4));
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const rtpOf = (events: PeerCoreEvent[], receiverId: number) =>
  events.flatMap((e) => (e.type === "rtp" && e.receiverId === receiverId ? [e.packet] : []));

describe("cryptex (RFC 9335) negotiated between two purertc cores", () => {
  it("a=cryptex both ways: extensions are encrypted on the wire (0xC0DE) and read by the receiver", () => {
    const s = mediaPair(41, { latencyMs: 10 }, false, { cryptex: { offer: true, answer: true } });
    const wire = capture(s);
    run(s);
    expect(s.offerer.core.media.cryptex).toBe(true);
    expect(s.answerer.core.media.cryptex).toBe(true);
    expect(wire.length).toBeGreaterThanOrEqual(80);
    for (const d of wire) {
      // X bit set, extension profile 0xC0DE right after the 12-byte header (no CSRCs).
      expect(d[0]! & 0x10).toBe(0x10);
      expect([d[12], d[13]]).toEqual([0xc0, 0xde]);
    }
    // The receiver routed by MID (no a=ssrc signalled) — only possible after decryption.
    const video = rtpOf(s.answerer.events, 0);
    const audio = rtpOf(s.answerer.events, 1);
    expect(video.length).toBeGreaterThanOrEqual(40);
    expect(audio.length).toBe(40);
    const onWire = wireExtensions(wire);
    let compared = 0;
    for (const p of [...video, ...audio]) {
      const ext = p.header.extension!;
      // The same packet's extension bytes on the wire are ciphertext, not what was read.
      const w = onWire.get(`${p.header.ssrc}/${p.header.sequenceNumber}`);
      if (w) {
        compared++;
        expect(same(w, ext.data)).toBe(false);
      }
      expect(ext.profile).toBe(0xbede);
      const mid = decodeSdesExtension(findHeaderExtension(ext, MID_ID)!);
      expect(mid).toBe(p === audio[0] || audio.includes(p) ? "1" : "0");
      expect(decodeAbsSendTime(findHeaderExtension(ext, ABS_ID)!)).toBeGreaterThanOrEqual(0);
    }
    expect(compared).toBeGreaterThanOrEqual(80);
    for (const p of audio)
      expect(decodeAudioLevel(findHeaderExtension(p.header.extension!, LEVEL_ID)!)).toEqual({
        voiceActivity: true,
        level: 30,
      });
  });

  it("offered but not answered: plain SRTP, the MID readable on the wire (RFC 8285 0xBEDE)", () => {
    const s = mediaPair(42, { latencyMs: 10 }, false, { cryptex: { offer: true, answer: false } });
    const wire = capture(s);
    run(s);
    expect(s.offerer.core.media.cryptex).toBe(false);
    expect(wire.length).toBeGreaterThanOrEqual(80);
    for (const d of wire) expect([d[12], d[13]]).toEqual([0xbe, 0xde]);
    const onWire = wireExtensions(wire);
    const audio = rtpOf(s.answerer.events, 1);
    expect(audio.length).toBe(40);
    for (const p of audio) {
      const w = onWire.get(`${p.header.ssrc}/${p.header.sequenceNumber}`)!;
      expect(same(w, p.header.extension!.data)).toBe(true);
      expect(contains(w, utf8("1"))).toBe(true);
    }
  });
});
