/**
 * Peer connections with data channels, side by side through their W3C-shaped APIs on loopback
 * in one process: setup (both peers created → `open` on both sides), 1 KiB round trip, and bulk
 * 16 KiB messages (1 MiB per op, acknowledged by the receiver's count) — purertc, werift,
 * @roamhq/wrtc (libwebrtc) and node-datachannel (libdatachannel polyfill).
 */
import { createWebRtc } from "@purertc/peer";
import wrtc from "@roamhq/wrtc";
import { RTCPeerConnection as NdcPeerConnection } from "node-datachannel/polyfill";
import { RTCPeerConnection as WeriftPeerConnection } from "werift";
import { defineBench } from "../harness.js";

// biome-ignore lint/suspicious/noExplicitAny: four libraries' W3C-shaped classes, typed differently
type AnyPc = any;
type PcCtor = new () => AnyPc;

const purertc = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });
const CTORS: Record<string, PcCtor> = {
  purertc: purertc.RTCPeerConnection as unknown as PcCtor,
  werift: WeriftPeerConnection as unknown as PcCtor,
  wrtc: wrtc.RTCPeerConnection as unknown as PcCtor,
  "node-datachannel": NdcPeerConnection as unknown as PcCtor,
};

interface Pair {
  a: AnyPc;
  b: AnyPc;
  ca: AnyPc;
  cb: AnyPc;
}

async function connect(Ctor: PcCtor): Promise<Pair> {
  const a = new Ctor();
  const b = new Ctor();
  a.onicecandidate = (e: AnyPc) => e.candidate && b.addIceCandidate(e.candidate).catch(() => {});
  b.onicecandidate = (e: AnyPc) => e.candidate && a.addIceCandidate(e.candidate).catch(() => {});
  const ca = a.createDataChannel("bench");
  const opened = new Promise<void>((r) => {
    ca.onopen = () => r();
  });
  const incoming = new Promise<AnyPc>((r) => {
    b.ondatachannel = (e: AnyPc) => r(e.channel);
  });
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const cb = await incoming;
  await opened;
  if (cb.readyState !== "open")
    await new Promise<void>((r) => {
      cb.onopen = () => r();
    });
  return { a, b, ca, cb };
}

function close(p: Pair): void {
  p.a.close();
  p.b.close();
}

const cases = {
  setup: Object.fromEntries(
    Object.entries(CTORS).map(([name, Ctor]) => [
      name,
      () => async () => {
        const t0 = performance.now();
        const p = await connect(Ctor);
        const ms = performance.now() - t0;
        close(p);
        return ms;
      },
    ]),
  ),
  rtt: Object.fromEntries(
    Object.entries(CTORS).map(([name, Ctor]) => [
      name,
      async () => {
        const p = await connect(Ctor);
        p.cb.onmessage = (e: AnyPc) => p.cb.send(e.data);
        const msg = new Uint8Array(1024);
        let resolve: () => void = () => {};
        p.ca.onmessage = () => resolve();
        return () =>
          new Promise<number>((r) => {
            const t0 = performance.now();
            resolve = () => r(performance.now() - t0);
            p.ca.send(msg);
          });
      },
    ]),
  ),
  bulk: Object.fromEntries(
    Object.entries(CTORS).map(([name, Ctor]) => [
      name,
      async () => {
        const p = await connect(Ctor);
        const chunk = new Uint8Array(16384);
        let got = 0;
        let want = 0;
        let done: () => void = () => {};
        p.cb.onmessage = () => {
          if (++got === want) done();
        };
        p.ca.bufferedAmountLowThreshold = 256 * 1024;
        return async () => {
          want += 64;
          const arrived = new Promise<void>((r) => {
            done = r;
          });
          for (let i = 0; i < 64; i++) {
            if (p.ca.bufferedAmount > 1024 * 1024)
              await new Promise<void>((r) => {
                p.ca.onbufferedamountlow = () => r();
              });
            p.ca.send(chunk);
          }
          await arrived;
        };
      },
    ]),
  ),
};

export default defineBench({
  name: "peer",
  cases: [
    {
      kind: "samples",
      name: "setup: create both → open on both (ms)",
      samples: 30,
      contenders: cases.setup,
    },
    { kind: "samples", name: "1 KiB round trip (ms)", samples: 500, contenders: cases.rtt },
    { name: "bulk 16 KiB messages", unit: "MB/s", perOp: 64 * 16384, contenders: cases.bulk },
  ],
});
