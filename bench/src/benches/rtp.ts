/**
 * @purertc/rtp against werift's RTP code on the same input: RTP header decode+encode (with a
 * one-byte header extension), VP8 and H.264 depacketization per packet (GStreamer-made RTP of
 * 320x240 video: FU-A and STAP-A for H.264), and transport-cc feedback encoding.
 */

import {
  buildExtensionBlock,
  decodeRtcp,
  decodeRtpPacket,
  decodeVp8Descriptor,
  encodeRtcpPacket,
  encodeRtcpPacketInto,
  encodeRtpPacketInto,
  H264Codec,
  type TransportCcFeedback,
} from "@purertc/rtp";
import { readFixture } from "@purertc/testkit/node";
import {
  H264RtpPayload,
  RtcpHeader,
  RtcpTransportLayerFeedback,
  RtpPacket,
  Vp8RtpPayload,
} from "werift";
import { defineBench } from "../harness.js";

function rfc4571(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o + 2 <= stream.byteLength; ) {
    const len = (stream[o]! << 8) | stream[o + 1]!;
    out.push(stream.subarray(o + 2, o + 2 + len));
    o += 2 + len;
  }
  return out;
}

const vp8Packets = rfc4571(readFixture("rtp", "vp8-320x240.rtpstream"));
const h264Packets = rfc4571(readFixture("rtp", "h264-320x240.rtpstream"));
const vp8Payloads = vp8Packets.map((p) => decodeRtpPacket(p).payload);
const h264Decoded = h264Packets.map((p) => decodeRtpPacket(p));
/** H.264 frames as lists of payloads (split at the marker bit). */
const h264Frames: Uint8Array[][] = [];
{
  let cur: Uint8Array[] = [];
  for (const p of h264Decoded) {
    cur.push(p.payload);
    if (p.header.marker) {
      h264Frames.push(cur);
      cur = [];
    }
  }
}
const h264Count = h264Decoded.length;

/** A 1200-byte RTP packet with abs-send-time, transport-wide-cc and mid extensions. */
const sample = decodeRtpPacket(h264Packets[0]!);
const rtpBytes = (() => {
  const extension = buildExtensionBlock([
    { id: 2, data: Uint8Array.of(1, 2, 3) },
    { id: 3, data: Uint8Array.of(0, 7) },
    { id: 4, data: Uint8Array.of(0x30) },
  ]);
  const packet = {
    header: { ...sample.header, extension },
    payload: new Uint8Array(1150).fill(7),
    paddingSize: 0,
  };
  const out = new Uint8Array(1200);
  return out.subarray(0, encodeRtpPacketInto(packet, out, 0));
})();

/** A transport-cc feedback for 100 packets: runs, a few losses and some large deltas. */
const twcc: TransportCcFeedback = (() => {
  const statuses = new Uint8Array(100);
  const deltas: number[] = [];
  for (let i = 0; i < 100; i++) {
    if (i % 17 === 5) continue;
    const d = i % 23 === 0 ? 400 : 20 + (i % 7);
    statuses[i] = d > 255 ? 2 : 1;
    deltas.push(d);
  }
  return {
    type: "transport-cc",
    senderSsrc: 1,
    mediaSsrc: 2,
    baseSequenceNumber: 1000,
    referenceTime: 12345,
    feedbackPacketCount: 3,
    statuses,
    deltas: Int32Array.from(deltas),
  };
})();
const twccBytes = encodeRtcpPacket(twcc);

export default defineBench({
  name: "rtp",
  cases: [
    {
      name: "RTP header decode + encode (1200 B, 3 extensions)",
      unit: "packets/s",
      contenders: {
        purertc: () => {
          const out = new Uint8Array(1500);
          return () => {
            const p = decodeRtpPacket(rtpBytes);
            encodeRtpPacketInto(p, out, 0);
          };
        },
        werift: () => {
          const buf = Buffer.from(rtpBytes);
          return () => RtpPacket.deSerialize(buf).serialize();
        },
      },
    },
    {
      name: "VP8 depacketize per packet (GStreamer rtpvp8pay)",
      unit: "packets/s",
      perOp: vp8Payloads.length,
      contenders: {
        purertc: () => () => {
          let n = 0;
          for (const p of vp8Payloads)
            n += p.subarray(decodeVp8Descriptor(p).descriptorLength).byteLength;
          return n;
        },
        werift: () => {
          const bufs = vp8Payloads.map((p) => Buffer.from(p));
          return () => {
            let n = 0;
            for (const b of bufs) n += Vp8RtpPayload.deSerialize(b).payload.byteLength;
            return n;
          };
        },
      },
    },
    {
      name: "H.264 depacketize per packet (GStreamer rtph264pay, FU-A + STAP-A)",
      unit: "packets/s",
      perOp: h264Count,
      contenders: {
        purertc: () => {
          const codec = new H264Codec();
          return () => {
            let n = 0;
            for (const f of h264Frames) n += codec.depacketize(f).byteLength;
            return n;
          };
        },
        werift: () => {
          const frames = h264Frames.map((f) => f.map((p) => Buffer.from(p)));
          return () => {
            let n = 0;
            for (const f of frames) {
              let fragment: Buffer | undefined;
              for (const b of f) {
                const r = H264RtpPayload.deSerialize(b, fragment);
                fragment = r.fragment;
                n += r.payload?.byteLength ?? 0;
              }
            }
            return n;
          };
        },
      },
    },
    {
      name: "transport-cc feedback encode (100 packets)",
      unit: "ops/s",
      contenders: {
        purertc: () => {
          const out = new Uint8Array(1500);
          return () => encodeRtcpPacketInto(twcc, out, 0);
        },
        werift: () => {
          const header = new RtcpHeader({
            padding: (twccBytes[0]! & 0x20) !== 0,
            count: 15,
            type: 205,
            length: twccBytes.byteLength / 4 - 1,
          });
          const parsed = RtcpTransportLayerFeedback.deSerialize(
            Buffer.from(twccBytes.subarray(4)),
            header,
          );
          return () => parsed.serialize();
        },
      },
    },
  ],
});

// Sanity: both sides understand the same feedback bytes.
if (decodeRtcp(twccBytes)[0]?.type !== "transport-cc")
  throw new Error("rtp bench: bad transport-cc input");
