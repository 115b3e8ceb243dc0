/**
 * Media forwarding, what an SFU does per packet (issue 12): SRTP in → RTP → SRTP out for RTP
 * packets with 1000-byte VP8 payloads (AEAD-AES-128-GCM, Chromium's first choice), one process.
 *
 * - purertc: the peer core's media sessions as a forwarder runs them: `MediaSession.handleDatagram`
 *   (SRTP unprotect, RTP decode, routing by SSRC, receive statistics, jitter buffer for NACK/PLI
 *   and frame counting — no frame assembly, as for a received track that is only relayed — the
 *   `rtp` event), then `sendRtp` on a second session (SSRC / payload type / MID and transport-cc
 *   rewritten, send history for NACK, SRTP protect, `pollTransmit`).
 * - werift: its SRTP session decrypt, `RtpPacket.deSerialize`, SSRC and payload type rewritten,
 *   SRTP encrypt: the primitives its `track.onReceiveRtp` → `sender.sendRtp` path runs, without
 *   its receiver, NACK and event plumbing — a lower bound of what werift spends per packet.
 *
 * - floor: one bare node:crypto AES-GCM open and one seal of the payload and nothing else, the
 *   least any forwarder in Node spends per packet.
 *
 * Both receivers start a fresh SRTP session every 4096 packets (the ring of pre-protected input
 * repeats, and both enforce a replay window).
 *
 * End to end, the floor contender is three plain UDP sockets (publisher → relay → subscriber)
 * doing the same 4 AES-GCM operations and 2 loopback hops per packet, without any protocol.
 *
 * RSS per connected peer: a child process per sample connects 10 pairs of peers over loopback,
 * each peer with one audio and one video track (purertc: encoded tracks; werift: its
 * `MediaStreamTrack`; wrtc: libwebrtc's nonstandard `RTCAudioSource`/`RTCVideoSource` tracks),
 * idles 1 s, and reports (RSS after − RSS before, both after a GC) / 20.
 */
import { spawnSync } from "node:child_process";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { seededRng, silentLogger } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import {
  defaultCodecs,
  defaultExtmaps,
  type MediaReceiveConfig,
  type MediaSendConfig,
  MediaSession,
} from "@purertc/peer/core";
import { buildExtensionBlock, encodeRtpPacket, encodeSdesExtension } from "@purertc/rtp";
import { SrtpContext, type SrtpProfile, srtpProfileParameters } from "@purertc/srtp";
import { RtpPacket, SrtpSession as WeriftSrtpSession } from "werift";
import { defineBench, type Op } from "../harness.js";

const PROFILE: SrtpProfile = "SRTP_AEAD_AES_128_GCM";
const PAYLOAD = 1000;
const RING = 4096;
const IN_SSRC = 0x11223344;
const OUT_SSRC = 0x55667788;

function key() {
  const p = srtpProfileParameters(PROFILE);
  return {
    masterKey: new Uint8Array(randomBytes(p.keyLength)),
    masterSalt: new Uint8Array(randomBytes(p.saltLength)),
  };
}

/** One whole VP8 frame per packet (RFC 7741 §4.2 descriptor with S=1), MID extension, marker. */
function rtp(seq: number): Uint8Array {
  const payload = new Uint8Array(randomBytes(PAYLOAD));
  payload[0] = 0x10;
  payload[1] = payload[1]! & 0xfe; // P = 0 in the VP8 payload header: a key frame
  return encodeRtpPacket({
    header: {
      padding: false,
      marker: true,
      payloadType: 96,
      sequenceNumber: seq,
      timestamp: seq * 3000,
      ssrc: IN_SSRC,
      csrcs: [],
      extension: buildExtensionBlock([{ id: 4, data: encodeSdesExtension("0") }]),
    },
    payload,
    paddingSize: 0,
  });
}

/** The publisher's packets, protected once (outside the timed region). */
function ring(k: ReturnType<typeof key>): Uint8Array[] {
  const publisher = new SrtpContext({
    profile: PROFILE,
    local: k,
    remote: key(),
    crypto: nodeCrypto,
  });
  return Array.from({ length: RING }, (_, i) => publisher.protectRtp(rtp(i)));
}

function purertc(): Op {
  const kIn = key();
  const packets = ring(kIn);
  const video = { codecs: defaultCodecs("video"), extmaps: defaultExtmaps("video") };
  const rxConfig: MediaReceiveConfig = {
    id: 0,
    mid: "0",
    kind: "video",
    ...video,
    ssrcs: [IN_SSRC],
    rtxSsrcs: new Map(),
  };
  const txConfig: MediaSendConfig = {
    id: 0,
    mid: "0",
    kind: "video",
    ssrc: OUT_SSRC,
    rtxSsrc: OUT_SSRC + 1,
    ...video,
  };
  const rng = seededRng(1);
  const inbound = () => {
    const s = new MediaSession(rng, silentLogger, "sfu");
    s.setSrtp(
      0,
      new SrtpContext({ profile: PROFILE, local: key(), remote: kIn, crypto: nodeCrypto }),
    );
    s.configure(0, [], [rxConfig]);
    // What the W3C layer does for a received track that is only relayed: no frame assembly.
    s.setFrameAssembly(0, 0, false);
    return s;
  };
  const out = new MediaSession(rng, silentLogger, "sfu");
  out.setSrtp(
    0,
    new SrtpContext({ profile: PROFILE, local: key(), remote: key(), crypto: nodeCrypto }),
  );
  out.configure(0, [txConfig], []);
  let rx = inbound();
  let i = 0;
  let now = 0;
  let sink: Uint8Array | undefined;
  return () => {
    if (i === RING) {
      rx = inbound();
      i = 0;
    }
    now += 0.1;
    rx.handleDatagram(now, packets[i++]!);
    for (let e = rx.pollEvent(); e; e = rx.pollEvent())
      if (e.type === "rtp") out.sendRtp(now, 0, e.packet);
    for (let d = rx.pollTransmit(); d; d = rx.pollTransmit()) sink = d;
    for (let d = out.pollTransmit(); d; d = out.pollTransmit()) sink = d;
    if (sink === undefined) throw new Error("nothing forwarded");
  };
}

function weriftSession(remote: ReturnType<typeof key>, local: ReturnType<typeof key>) {
  return new WeriftSrtpSession({
    keys: {
      localMasterKey: Buffer.from(local.masterKey),
      localMasterSalt: Buffer.from(local.masterSalt),
      remoteMasterKey: Buffer.from(remote.masterKey),
      remoteMasterSalt: Buffer.from(remote.masterSalt),
    },
    profile: 7,
  });
}

function werift(): Op {
  const kIn = key();
  const kOut = key();
  const packets = ring(kIn).map((p) => Buffer.from(p));
  let rx = weriftSession(kIn, key());
  const tx = weriftSession(key(), kOut);
  let i = 0;
  let sink: Buffer | undefined;
  return () => {
    if (i === RING) {
      rx = weriftSession(kIn, key());
      i = 0;
    }
    const p = RtpPacket.deSerialize(rx.decrypt(packets[i++]!));
    p.header.ssrc = OUT_SSRC;
    p.header.payloadType = 96;
    sink = tx.encrypt(p.payload, p.header);
    if (sink === undefined) throw new Error("nothing forwarded");
  };
}

/** One AES-128-GCM seal of `payload` with `aad` (RFC 7714's shape: header as AAD, 16-byte tag). */
function seal(key: Buffer, iv: Buffer, aad: Buffer, payload: Buffer): Buffer {
  const c = createCipheriv("aes-128-gcm", key, iv);
  c.setAAD(aad);
  const body = c.update(payload);
  c.final();
  return Buffer.concat([aad, body, c.getAuthTag()]);
}

/** Opens what {@link seal} made (the first 12 bytes are the AAD); throws when it does not verify. */
function open(key: Buffer, iv: Buffer, packet: Buffer): Buffer {
  const d = createDecipheriv("aes-128-gcm", key, iv);
  d.setAAD(packet.subarray(0, 12));
  d.setAuthTag(packet.subarray(packet.length - 16));
  const plain = d.update(packet.subarray(12, packet.length - 16));
  d.final();
  return plain;
}

/**
 * The floor of any forwarder in Node: one bare node:crypto AES-GCM open and one seal of a
 * 1000-byte payload, nothing else (no RTP, no SRTP index, no replay window, no routing).
 */
function cryptoFloor(): Op {
  const key = randomBytes(16);
  const iv = randomBytes(12);
  const sealed = seal(key, iv, randomBytes(12), randomBytes(PAYLOAD));
  let sink: Buffer | undefined;
  return () => {
    const plain = open(key, iv, sealed);
    sink = seal(key, iv, sealed.subarray(0, 12), plain);
    if (sink === undefined) throw new Error("nothing sealed");
  };
}

const BATCH = 50;

/** A VP8 key-frame packet (each packet a whole frame) for a track's `writeRtp`. */
function frameRtp(seq: number) {
  const payload = new Uint8Array(randomBytes(PAYLOAD));
  payload[0] = 0x10;
  payload[1] = payload[1]! & 0xfe;
  return {
    header: {
      padding: false,
      marker: true,
      payloadType: 96,
      sequenceNumber: seq & 0xffff,
      timestamp: (seq * 3000) >>> 0,
      ssrc: IN_SSRC,
      csrcs: [],
      extension: undefined,
    },
    payload,
    paddingSize: 0,
  };
}

/**
 * Runs a connected topology's op for `ms` before it is timed: the harness warms up for 300 ms,
 * and both libraries need seconds of traffic before they forward at their steady rate (JIT,
 * heap sizing), which is what a long-lived SFU runs at.
 */
async function steady(op: () => Promise<void>, ms = 3000): Promise<() => Promise<void>> {
  const until = performance.now() + ms;
  while (performance.now() < until) await op();
  return op;
}

/** Resolves when `count()` reaches `target`, or after 1 s (a lost packet must not hang a round). */
async function delivered(count: () => number, target: number): Promise<void> {
  const until = performance.now() + 1000;
  while (count() < target && performance.now() < until) await new Promise(setImmediate);
}

/**
 * purertc end to end: publisher → SFU connection (remote track) → the same track added to a
 * second SFU connection (relayed without decoding) → subscriber; one op = 50 packets written by
 * the publisher and received by the subscriber.
 */
async function purertcSfu(): Promise<Op> {
  const { createWebRtc, EncodedMediaStreamTrack } = await import("@purertc/peer");
  const w = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });
  const pub = new w.RTCPeerConnection();
  const sfuIn = new w.RTCPeerConnection();
  const sfuOut = new w.RTCPeerConnection();
  const sub = new w.RTCPeerConnection();
  const track = new EncodedMediaStreamTrack({ kind: "video", codec: "video/VP8" });
  pub.addTransceiver(track, { direction: "sendonly" });
  const remote = new Promise<InstanceType<typeof EncodedMediaStreamTrack>>((r) =>
    sfuIn.addEventListener("track", (e) => r((e as unknown as { track: never }).track)),
  );
  await connect(pub as unknown as AnyPc, sfuIn as unknown as AnyPc);
  sfuOut.addTransceiver(await remote, { direction: "sendonly" });
  let got = 0;
  sub.addEventListener("track", (e) =>
    (e as unknown as { track: EventTarget }).track.addEventListener("rtp", () => got++),
  );
  await connect(sfuOut as unknown as AnyPc, sub as unknown as AnyPc);
  const packets = Array.from({ length: 4096 }, (_, i) => frameRtp(i));
  let seq = 0;
  return steady(async () => {
    const target = got + BATCH;
    for (let i = 0; i < BATCH; i++) {
      const p = packets[seq & 4095]!;
      track.writeRtp({
        ...p,
        header: { ...p.header, sequenceNumber: seq & 0xffff, timestamp: (seq * 3000) >>> 0 },
      });
      seq++;
    }
    await delivered(() => got, target);
  });
}

/** werift end to end, the same topology with `onReceiveRtp` → `sender.sendRtp`. */
async function weriftSfu(): Promise<Op> {
  const w = await import("werift");
  const pub = new w.RTCPeerConnection();
  const sfuIn = new w.RTCPeerConnection();
  const sfuOut = new w.RTCPeerConnection();
  const sub = new w.RTCPeerConnection();
  const track = new w.MediaStreamTrack({ kind: "video" });
  pub.addTransceiver(track, { direction: "sendonly" });
  const out = sfuOut.addTransceiver("video", { direction: "sendonly" });
  sfuIn.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => out.sender.sendRtp(rtp)));
  let got = 0;
  sub.onTrack.subscribe((t) => t.onReceiveRtp.subscribe(() => got++));
  await connect(pub as unknown as AnyPc, sfuIn as unknown as AnyPc);
  await connect(sfuOut as unknown as AnyPc, sub as unknown as AnyPc);
  const packets = Array.from({ length: 4096 }, (_, i) => {
    const p = frameRtp(i);
    return new w.RtpPacket(new w.RtpHeader({ ...p.header, marker: true }), Buffer.from(p.payload));
  });
  let seq = 0;
  return steady(async () => {
    const target = got + BATCH;
    for (let i = 0; i < BATCH; i++) {
      const p = packets[seq & 4095]!;
      p.header.sequenceNumber = seq & 0xffff;
      p.header.timestamp = (seq * 3000) >>> 0;
      track.writeRtp(p);
      seq++;
    }
    await delivered(() => got, target);
  });
}

/**
 * The floor of the end-to-end topology in Node: three UDP sockets on loopback, publisher → relay
 * → subscriber, each datagram sealed by the publisher, opened and sealed again by the relay,
 * opened by the subscriber (4 bare AES-GCM operations and 2 UDP hops per packet, as in the
 * WebRTC topology), with nothing else: no RTP, no RTCP, no ICE, no jitter buffer, no events.
 */
async function udpFloor(): Promise<Op> {
  const key = randomBytes(16);
  const iv = randomBytes(12);
  const aad = randomBytes(12);
  const payload = randomBytes(PAYLOAD);
  const bind = async () => {
    const s = createSocket("udp4");
    await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
    return s;
  };
  const [pub, relay, sub] = [await bind(), await bind(), await bind()];
  const relayPort = relay.address().port;
  const subPort = sub.address().port;
  relay.on("message", (m) =>
    relay.send(seal(key, iv, aad, open(key, iv, m)), subPort, "127.0.0.1"),
  );
  let got = 0;
  sub.on("message", (m) => {
    open(key, iv, m);
    got++;
  });
  return steady(async () => {
    const target = got + BATCH;
    for (let i = 0; i < BATCH; i++) pub.send(seal(key, iv, aad, payload), relayPort, "127.0.0.1");
    await delivered(() => got, target);
  });
}

const PAIRS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The W3C-shaped surface the three libraries share, as far as this case uses it. */
interface AnyPc {
  connectionState: string;
  iceGatheringState: string;
  localDescription: { type: string; sdp: string } | null;
  setLocalDescription(d?: unknown): Promise<void>;
  setRemoteDescription(d: unknown): Promise<void>;
  createOffer(): Promise<{ type: string; sdp: string }>;
  createAnswer(): Promise<{ type: string; sdp: string }>;
  close(): void | Promise<void>;
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await sleep(10);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

/** Non-trickle offer/answer, then both connected. */
async function connect(a: AnyPc, b: AnyPc): Promise<void> {
  await a.setLocalDescription(await a.createOffer());
  await waitFor(() => a.iceGatheringState === "complete", "gathering");
  await b.setRemoteDescription({ type: "offer", sdp: a.localDescription!.sdp });
  await b.setLocalDescription(await b.createAnswer());
  await waitFor(() => b.iceGatheringState === "complete", "gathering");
  await a.setRemoteDescription({ type: "answer", sdp: b.localDescription!.sdp });
  await waitFor(
    () => a.connectionState === "connected" && b.connectionState === "connected",
    "connected",
  );
}

/** A factory of peers with one audio and one video track, per library. */
async function peerFactory(lib: string): Promise<() => AnyPc> {
  if (lib === "purertc") {
    const { createWebRtc, EncodedMediaStreamTrack, MediaStream } = await import("@purertc/peer");
    const w = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });
    return () => {
      const pc = new w.RTCPeerConnection();
      const a = new EncodedMediaStreamTrack({ kind: "audio" });
      const v = new EncodedMediaStreamTrack({ kind: "video" });
      const s = new MediaStream([a, v]);
      pc.addTrack(a, s);
      pc.addTrack(v, s);
      return pc as unknown as AnyPc;
    };
  }
  if (lib === "werift") {
    const w = await import("werift");
    return () => {
      const pc = new w.RTCPeerConnection();
      pc.addTransceiver(new w.MediaStreamTrack({ kind: "audio" }), { direction: "sendrecv" });
      pc.addTransceiver(new w.MediaStreamTrack({ kind: "video" }), { direction: "sendrecv" });
      return pc as unknown as AnyPc;
    };
  }
  const wrtc = (await import("@roamhq/wrtc")).default as unknown as {
    RTCPeerConnection: new () => AnyPc & { addTrack(t: unknown, s: unknown): void };
    MediaStream: new (tracks: unknown[]) => unknown;
    nonstandard: {
      RTCAudioSource: new () => { createTrack(): unknown };
      RTCVideoSource: new () => { createTrack(): unknown };
    };
  };
  return () => {
    const pc = new wrtc.RTCPeerConnection();
    const a = new wrtc.nonstandard.RTCAudioSource().createTrack();
    const v = new wrtc.nonstandard.RTCVideoSource().createTrack();
    const s = new wrtc.MediaStream([a, v]);
    pc.addTrack(a, s);
    pc.addTrack(v, s);
    return pc;
  };
}

/** Child mode: prints the KiB of RSS each connected peer costs. */
async function rssChild(lib: string): Promise<void> {
  const make = await peerFactory(lib);
  const gc = (globalThis as { gc?: () => void }).gc;
  const warm = [make(), make()];
  await connect(warm[0]!, warm[1]!);
  gc?.();
  await sleep(200);
  const before = process.memoryUsage().rss;
  const pcs: AnyPc[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = make();
    const b = make();
    pcs.push(a, b);
    await connect(a, b);
  }
  await sleep(1000);
  gc?.();
  await sleep(200);
  const after = process.memoryUsage().rss;
  process.stdout.write(`${JSON.stringify({ kibPerPeer: (after - before) / 1024 / pcs.length })}\n`);
  for (const pc of [...pcs, ...warm]) await pc.close();
  process.exit(0);
}

if (process.argv[2] === "--rss-child") await rssChild(process.argv[3]!);

function rss(lib: string) {
  return () => async () => {
    const r = spawnSync(
      process.execPath,
      [
        "--expose-gc",
        "--conditions=@purertc/source",
        "--import",
        "tsx",
        fileURLToPath(import.meta.url),
        "--rss-child",
        lib,
      ],
      { cwd: dirname(fileURLToPath(import.meta.url)), encoding: "utf8", timeout: 120_000 },
    );
    const line = r.stdout.trim().split("\n").at(-1) ?? "";
    if (r.status !== 0 || !line.startsWith("{"))
      throw new Error(`child failed: ${r.stderr.slice(-300)}`);
    return (JSON.parse(line) as { kibPerPeer: number }).kibPerPeer;
  };
}

export default defineBench({
  name: "media",
  cases: [
    {
      name: "forward 1000 B VP8 packets: SRTP in → RTP → SRTP out (AEAD-AES-128-GCM)",
      unit: "packets/s",
      contenders: {
        purertc: () => purertc(),
        "werift (primitives)": () => werift(),
        "floor: bare AES-GCM open + seal": () => cryptoFloor(),
      },
    },
    {
      name: "forward end to end: publisher → SFU (receive track, relay to a 2nd connection) → subscriber, 1000 B VP8",
      unit: "packets/s",
      perOp: BATCH,
      contenders: {
        purertc: purertcSfu,
        werift: weriftSfu,
        "floor: 4 bare AES-GCM + 2 UDP hops": udpFloor,
      },
    },
    {
      kind: "samples",
      name: "RSS per connected peer (one audio + one video track, 10 pairs)",
      unit: "KiB/peer",
      samples: 3,
      contenders: { purertc: rss("purertc"), werift: rss("werift"), wrtc: rss("wrtc") },
    },
  ],
});
