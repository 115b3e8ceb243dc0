/**
 * @purertc/sctp against werift's SCTP, both as two associations over an in-memory link (pure
 * CPU: no sockets, no DTLS): MB/s for 16 KiB messages and messages/s for 100 B messages.
 * "purertc" computes CRC-32C like werift does; "purertc zero-checksum" is what a Chromium
 * peer negotiates (RFC 9653) and is the WebRTC case.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { seededRng } from "@purertc/common";
import { SctpAssociation } from "@purertc/sctp";
import { defineBench } from "../harness.js";

const require = createRequire(import.meta.url);

/** Moves packets between two associations, advancing simulated time when both are quiet. */
function pump(
  a: SctpAssociation,
  b: SctpAssociation,
  clock: { now: number },
  done: () => boolean,
): void {
  for (let guard = 0; !done(); guard++) {
    let moved = false;
    for (let p = a.pollTransmit(); p !== undefined; p = a.pollTransmit()) {
      b.handleDatagram(clock.now, p);
      moved = true;
    }
    for (let p = b.pollTransmit(); p !== undefined; p = b.pollTransmit()) {
      a.handleDatagram(clock.now, p);
      moved = true;
    }
    if (!moved) {
      const t = Math.min(a.pollTimeout() ?? Infinity, b.pollTimeout() ?? Infinity);
      if (t === Infinity || guard > 10_000_000) throw new Error("sctp bench: stalled");
      clock.now = Math.max(clock.now, t);
      a.handleTimeout(clock.now);
      b.handleTimeout(clock.now);
    }
  }
}

function purertc(size: number, count: number, zeroChecksum: boolean) {
  return () => {
    const clock = { now: 0 };
    const a = new SctpAssociation({ rng: seededRng(1), zeroChecksum, maxMessageSize: 0 });
    const b = new SctpAssociation({ rng: seededRng(2), zeroChecksum });
    a.connect(0);
    pump(a, b, clock, () => b.state === "established" && a.state === "established");
    const msg = new Uint8Array(size).fill(7);
    let received = 0;
    const drain = () => {
      for (let e = b.pollEvent(); e !== undefined; e = b.pollEvent())
        if (e.type === "message") received++;
      while (a.pollEvent() !== undefined);
      return received >= target;
    };
    let target = 0;
    return () => {
      target = received + count;
      for (let i = 0; i < count; i++) a.send(clock.now, 1, 53, msg);
      pump(a, b, clock, drain);
    };
  };
}

interface WeriftSctp {
  state: string;
  stateChanged: { connected: { subscribe(f: () => void): void } };
  onReceive: { subscribe(f: (sid: number, ppid: number, data: Uint8Array) => void): void };
  start(port: number): Promise<void>;
  send(sid: number, ppid: number, data: Buffer, o?: { ordered?: boolean }): Promise<void>;
}

function werift(size: number, count: number) {
  return async () => {
    const root = dirname(require.resolve("werift"));
    const { SCTP } = require(join(root, "../../sctp/src/index.js")) as {
      SCTP: { client(t: unknown): WeriftSctp; server(t: unknown): WeriftSctp };
    };
    type T = { onData?: (b: Buffer) => void; send(b: Buffer): Promise<void>; close(): void };
    const ta: T = { send: async (buf) => void setImmediate(() => tb.onData?.(buf)), close() {} };
    const tb: T = { send: async (buf) => void setImmediate(() => ta.onData?.(buf)), close() {} };
    const a = SCTP.client(ta);
    const b = SCTP.server(tb);
    const up = Promise.all(
      [a, b].map(
        (s) =>
          new Promise<void>((r) =>
            s.state === "connected" ? r() : s.stateChanged.connected.subscribe(r),
          ),
      ),
    );
    await Promise.all([a.start(5000), b.start(5000)]);
    await up;
    const msg = Buffer.alloc(size, 7);
    let received = 0;
    let target = 0;
    let resolve: () => void = () => {};
    b.onReceive.subscribe(() => {
      if (++received >= target) resolve();
    });
    return async () => {
      target = received + count;
      const done = new Promise<void>((r) => (resolve = r));
      for (let i = 0; i < count; i++) void a.send(1, 53, msg);
      await done;
    };
  };
}

const BIG = 16 * 1024;
const BIG_COUNT = 64;
const SMALL = 100;
const SMALL_COUNT = 1000;

export default defineBench({
  name: "sctp",
  cases: [
    {
      name: `16 KiB messages over an in-memory link (${BIG_COUNT} per op)`,
      unit: "MB/s",
      perOp: BIG * BIG_COUNT,
      contenders: {
        purertc: purertc(BIG, BIG_COUNT, false),
        "purertc zero-checksum": purertc(BIG, BIG_COUNT, true),
        werift: werift(BIG, BIG_COUNT),
      },
    },
    {
      name: `100 B messages over an in-memory link (${SMALL_COUNT} per op)`,
      unit: "msg/s",
      perOp: SMALL_COUNT,
      contenders: {
        purertc: purertc(SMALL, SMALL_COUNT, false),
        "purertc zero-checksum": purertc(SMALL, SMALL_COUNT, true),
        werift: werift(SMALL, SMALL_COUNT),
      },
    },
  ],
});
