/**
 * The data channel interop suite run against each other stack (native-wrtc.ts, native-ndc.ts,
 * native-werift.ts), with purertc as offerer and as answerer. The other side behaves by label:
 * `echo*` channels send every message back, `sink*` channels hash what arrives and answer the
 * text `end` with `<bytes>:<sha-256>`; other channels only record.
 */

import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { createHash } from "node:crypto";
import type { RTCDataChannel, RTCDataChannelInit, RTCPeerConnection } from "@purertc/peer";
import { afterEach, describe, it } from "vitest";
import {
  type CandidateMode,
  connect,
  type NativeChannel,
  type NativePeer,
  ours,
  type Role,
  type Signaled,
  waitFor,
  withTimeout,
} from "./native-signaling.js";

const KIB = 1024;
const MIB = 1024 * KIB;
/** Echo sizes: 1 B … 256 KiB (the `a=max-message-size` every stack here announces). */
const SIZES = [1, 2, 100, KIB, 16 * KIB, 64 * KIB - 1, 64 * KIB, 256 * KIB];
const BULK = 8 * MIB;
const BULK_CHUNK = 16 * KIB;

/** `n` UTF-8 bytes of text (two-byte characters), or `n` patterned bytes. */
export function message(n: number, text: boolean): string | Uint8Array {
  if (text) return "é".repeat(Math.floor(n / 2)) + (n % 2 ? "z" : "");
  return new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
}

/** The `seq`-th bulk chunk (content differs per chunk, so reordering would change the hash). */
function bulkChunk(seq: number): Uint8Array {
  return new Uint8Array(BULK_CHUNK).map((_, i) => (i * 7 + seq * 13) & 255);
}

/** Messages of one of our channels, awaited one at a time. */
export class Inbox {
  readonly items: (string | Uint8Array)[] = [];
  #read = 0;
  #wake: (() => void) | undefined;
  constructor(ch: RTCDataChannel) {
    ch.binaryType = "arraybuffer";
    ch.addEventListener("message", (e) => {
      const d = (e as MessageEvent).data as string | ArrayBuffer;
      this.items.push(typeof d === "string" ? d : new Uint8Array(d));
      this.#wake?.();
    });
  }
  async next(ms = 5000): Promise<string | Uint8Array> {
    if (this.#read >= this.items.length)
      await withTimeout(
        new Promise<void>((r) => {
          this.#wake = r;
        }),
        ms,
        `message #${this.#read}`,
      );
    const item = this.items[this.#read++];
    if (item === undefined) throw new Error("woken without a message");
    return item;
  }
}

function same(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}

function describeData(d: string | Uint8Array): string {
  return `${typeof d === "string" ? "text" : "binary"} of ${typeof d === "string" ? Buffer.byteLength(d) : d.length} B`;
}

/** The other side's behaviour for one channel, chosen by its label. */
function behave(ch: NativeChannel): void {
  if (ch.label.startsWith("echo")) {
    ch.onMessage = (d) => ch.send(d);
  } else if (ch.label.startsWith("sink")) {
    const hash = createHash("sha256");
    let bytes = 0;
    ch.onMessage = (d) => {
      if (d === "end") return ch.send(`${bytes}:${hash.digest("hex")}`);
      if (typeof d === "string") return;
      hash.update(d);
      bytes += d.length;
    };
  }
}

/** A connected purertc ↔ other-stack pair and both sides' channels by label. */
export interface Session {
  readonly pc: RTCPeerConnection;
  readonly other: NativePeer;
  readonly signaled: Signaled;
  /** Our channels (created or received) by label. */
  readonly mine: Map<string, RTCDataChannel>;
  /** The other stack's channels (created or received) by label. */
  readonly theirs: Map<string, NativeChannel>;
  /** The `echo` channel the offerer created before the offer, open on our side. */
  readonly echo: RTCDataChannel;
}

/** Our channel `label`, once open (ours from `createDataChannel` or a `datachannel` event). */
export async function mineOpen(s: Session, label: string): Promise<RTCDataChannel> {
  await waitFor(
    () => s.mine.get(label)?.readyState === "open",
    5000,
    () => `our ${label} open`,
  );
  const ch = s.mine.get(label);
  ok(ch);
  return ch;
}

/** Their channel `label`, once open. */
export async function theirsOpen(s: Session, label: string): Promise<NativeChannel> {
  await waitFor(
    () => s.theirs.has(label),
    5000,
    () => `${s.other.stack} has channel ${label}`,
  );
  const ch = s.theirs.get(label);
  ok(ch);
  await withTimeout(ch.opened, 5000, `${s.other.stack} ${label} open`);
  return ch;
}

/** Creates one of our channels and records it. */
export function create(s: Session, label: string, init?: RTCDataChannelInit): RTCDataChannel {
  const ch = s.pc.createDataChannel(label, init);
  s.mine.set(label, ch);
  return ch;
}

/** Creates one of their channels with its label's behaviour and records it. */
export function createTheirs(
  s: Pick<Session, "other" | "theirs">,
  label: string,
  init?: Parameters<NativePeer["createChannel"]>[1],
): NativeChannel {
  const ch = s.other.createChannel(label, init);
  behave(ch);
  s.theirs.set(label, ch);
  return ch;
}

/** Sends `msgs` on `ch` and checks the echoes arrive in order (or as a set when unordered). */
async function echoes(ch: RTCDataChannel, msgs: (string | Uint8Array)[], ordered = true) {
  const inbox = new Inbox(ch);
  for (const m of msgs) ch.send(m as string);
  const got: (string | Uint8Array)[] = [];
  for (let i = 0; i < msgs.length; i++) got.push(await inbox.next());
  msgs.forEach((m, i) => {
    const at = ordered ? (same(got[i] ?? "", m) ? i : -1) : got.findIndex((g) => same(g, m));
    ok(at >= 0, `echo #${i} (${describeData(m)}) on ${ch.label}, ordered=${ordered}`);
    if (!ordered) got.splice(at, 1);
  });
}

/** Bugs of the other stack that make a case fail through no fault of ours (each says which). */
export interface KnownIssues {
  /**
   * werift ≤ 0.25: when both ends reset a stream at once, werift runs its "streams reset"
   * handler twice (once for the peer's request, once for the response to its own) and the second
   * run closes and unregisters whatever channel holds that id by then — a negotiated channel
   * created on the freed id right after `close` is killed and its messages are dropped.
   */
  readonly reuseAfterSimultaneousClose?: boolean;
}

/**
 * Registers the suite for one stack. `make` builds the other side (both peers are closed after
 * each test); `known` skips the cases a bug of that stack breaks.
 */
export function dataChannelSuite(make: () => NativePeer, known: KnownIssues = {}): void {
  const open: { pc: RTCPeerConnection; other: NativePeer }[] = [];
  afterEach(() => {
    for (const { pc, other } of open.splice(0)) {
      pc.close();
      other.close();
    }
  });

  async function session(role: Role, mode: CandidateMode = "trickle"): Promise<Session> {
    const pc = new ours.RTCPeerConnection();
    const other = make();
    open.push({ pc, other });
    const mine = new Map<string, RTCDataChannel>();
    const theirs = new Map<string, NativeChannel>();
    pc.addEventListener("datachannel", (e) => {
      const ch = (e as Event & { channel: RTCDataChannel }).channel;
      mine.set(ch.label, ch);
    });
    other.onChannel = (ch) => {
      behave(ch);
      theirs.set(ch.label, ch);
    };
    if (role === "offerer") mine.set("echo", pc.createDataChannel("echo"));
    else createTheirs({ other, theirs }, "echo");
    const signaled = await connect(pc, other, role, mode);
    const s = { pc, other, signaled, mine, theirs, echo: undefined as unknown as RTCDataChannel };
    // Our end is always 127.0.0.1. libwebrtc cannot be told which interfaces to use: it pairs its
    // eth0 socket with our loopback candidate too, and now and then nominates that pair, which
    // we see as a peer-reflexive candidate of this same host.
    const selected = pc.sctp?.transport.iceTransport.getSelectedCandidatePair();
    strictEqual(selected?.local.address, "127.0.0.1");
    ok(
      selected?.remote.address === "127.0.0.1" || selected?.remote.type === "prflx",
      `selected remote ${selected?.remote.type} ${selected?.remote.address}`,
    );
    const echo = await mineOpen(s, "echo");
    await theirsOpen(s, "echo");
    return { ...s, echo };
  }

  describe.each<Role>(["offerer", "answerer"])("purertc as %s", (role) => {
    it("opens with trickled loopback candidates and echoes text and binary of 1 B … 256 KiB", async () => {
      const s = await session(role, "trickle");
      ok(s.signaled.remoteCandidates > 0 && s.signaled.localCandidates > 0, "trickled both ways");
      // werift announces a=max-message-size:65536; libwebrtc and libdatachannel 262144.
      const max = s.pc.sctp?.maxMessageSize ?? 0;
      ok(max >= 64 * KIB, `maxMessageSize ${max}`);
      const msgs = SIZES.filter((n) => n <= max).flatMap((n) => [
        message(n, true),
        message(n, false),
      ]);
      await echoes(s.echo, msgs);
      if (max < 256 * KIB)
        throws(() => s.echo.send(message(max + 1, false) as Uint8Array<ArrayBuffer>), TypeError);
    });

    it("connects with every candidate inside the SDP (no trickle)", async () => {
      const s = await session(role, "sdp");
      ok(s.signaled.remoteCandidates > 0 && s.signaled.localCandidates > 0, "candidates in SDP");
      await echoes(s.echo, [message(1000, true), message(1000, false)]);
    });

    it("sends 8 MiB to it with backpressure (bufferedamountlow), checksum matches", async () => {
      const s = await session(role);
      const ch = create(s, "sink-bulk");
      const inbox = new Inbox(ch);
      await mineOpen(s, "sink-bulk");
      ch.bufferedAmountLowThreshold = MIB;
      const hash = createHash("sha256");
      let lows = 0;
      let peak = 0;
      ch.addEventListener("bufferedamountlow", () => lows++);
      for (let seq = 0; seq * BULK_CHUNK < BULK; seq++) {
        if (ch.bufferedAmount > 4 * MIB)
          await withTimeout(
            new Promise((r) => ch.addEventListener("bufferedamountlow", r, { once: true })),
            10_000,
            () => `bufferedamountlow at ${ch.bufferedAmount} B buffered`,
          );
        const chunk = bulkChunk(seq);
        hash.update(chunk);
        ch.send(chunk);
        peak = Math.max(peak, ch.bufferedAmount);
      }
      ch.send("end");
      strictEqual(await inbox.next(30_000), `${BULK}:${hash.digest("hex")}`);
      ok(lows > 0, "bufferedamountlow fired");
      ok(peak <= 4 * MIB + BULK_CHUNK, `bufferedAmount peaked at ${peak}`);
      await waitFor(() => ch.bufferedAmount === 0, 5000, "bufferedAmount drains to 0");
    });

    it("receives 8 MiB it sends with its own backpressure, checksum matches", async () => {
      const s = await session(role);
      create(s, "quiet-bulk");
      const ch = await mineOpen(s, "quiet-bulk");
      const src = await theirsOpen(s, "quiet-bulk");
      const inbox = new Inbox(ch);
      const sent = createHash("sha256");
      for (let seq = 0; seq * BULK_CHUNK < BULK; seq++) {
        if (src.bufferedAmount() > 2 * MIB)
          await withTimeout(
            src.bufferedAmountLow(MIB / 2),
            10_000,
            () =>
              `${s.other.stack} drain: ${src.bufferedAmount()} B buffered, ${seq} chunks sent, ${inbox.items.length} received, ours ${JSON.stringify(s.pc.sctp?.state)}`,
          );
        const chunk = bulkChunk(seq);
        sent.update(chunk);
        src.send(chunk);
      }
      const got = createHash("sha256");
      let bytes = 0;
      while (bytes < BULK) {
        const m = await inbox.next(10_000);
        ok(typeof m !== "string");
        got.update(m);
        bytes += m.length;
      }
      strictEqual(bytes, BULK);
      strictEqual(got.digest("hex"), sent.digest("hex"));
    });

    it("unordered and maxRetransmits=0 channels: parameters reach it (DCEP) and messages echo", async () => {
      const s = await session(role);
      const unordered = create(s, "echo-unordered", { ordered: false });
      const rexmit0 = create(s, "echo-rexmit0", { ordered: false, maxRetransmits: 0 });
      const lifetime = create(s, "echo-lifetime", { maxPacketLifeTime: 500 });
      for (const ch of [unordered, rexmit0, lifetime]) await mineOpen(s, ch.label);
      const u = await theirsOpen(s, "echo-unordered");
      const r = await theirsOpen(s, "echo-rexmit0");
      await theirsOpen(s, "echo-lifetime");
      if (u.ordered !== undefined) strictEqual(u.ordered, false);
      if (r.ordered !== undefined) strictEqual(r.ordered, false);
      if (r.maxRetransmits !== undefined) strictEqual(r.maxRetransmits, 0);
      const msgs = Array.from({ length: 50 }, (_, i) => `m${i}`);
      await echoes(unordered, msgs, false);
      await echoes(rexmit0, msgs, false);
      await echoes(lifetime, msgs, true);
    });

    it("negotiated channels (same id on both sides, no DCEP) exchange messages", async () => {
      const s = await session(role);
      const ch = create(s, "echo-negotiated", { negotiated: true, id: 100 });
      createTheirs(s, "echo-negotiated", { negotiated: true, id: 100 });
      await mineOpen(s, "echo-negotiated");
      const t = await theirsOpen(s, "echo-negotiated");
      strictEqual(t.id, 100);
      strictEqual(ch.id, 100);
      await echoes(ch, [message(10, true), message(5000, false)]);
    });

    it("10 channels opened at once all open on both sides and echo on each", async () => {
      const s = await session(role);
      const labels = Array.from({ length: 10 }, (_, i) => `echo-${i}`);
      const chs = labels.map((l) => create(s, l, { protocol: `p${l}` }));
      for (const l of labels) await mineOpen(s, l);
      for (const l of labels) strictEqual((await theirsOpen(s, l)).protocol, `p${l}`);
      strictEqual(new Set(chs.map((c) => c.id)).size, 10, "distinct stream ids");
      await Promise.all(chs.map((c) => echoes(c, [`on ${c.label}`, message(300, false)])));
    });

    it("a channel we close is closed on its side; one it closes is closed on ours", async () => {
      const s = await session(role);
      const a = create(s, "quiet-a");
      const b = create(s, "quiet-b");
      await mineOpen(s, "quiet-a");
      await mineOpen(s, "quiet-b");
      const ta = await theirsOpen(s, "quiet-a");
      const tb = await theirsOpen(s, "quiet-b");
      a.close();
      await withTimeout(ta.closed, 5000, `${s.other.stack} sees our close`);
      const closed = new Promise((r) => b.addEventListener("close", r, { once: true }));
      tb.close();
      await withTimeout(closed, 5000, "we see its close");
      strictEqual(b.readyState, "closed");
      await echoes(s.echo, ["still open"]);
    });

    it("its peer connection closing closes our channels (SCTP ABORT/SHUTDOWN or DTLS close_notify)", async () => {
      const s = await session(role);
      const closed = new Promise((r) => s.echo.addEventListener("close", r, { once: true }));
      s.other.close();
      await withTimeout(
        closed,
        10_000,
        () => `our channel: ${s.echo.readyState}, pc ${s.pc.connectionState}`,
      );
      strictEqual(s.echo.readyState, "closed");
    });

    it.skipIf(known.reuseAfterSimultaneousClose)(
      "both close one channel at once; its stream id then carries a negotiated channel",
      async () => {
        const s = await session(role);
        const a = create(s, "quiet-both");
        await mineOpen(s, "quiet-both");
        const ta = await theirsOpen(s, "quiet-both");
        const id = a.id;
        ok(id !== null);
        const closed = new Promise((r) => a.addEventListener("close", r, { once: true }));
        a.close();
        ta.close();
        await withTimeout(closed, 5000, "our close");
        await withTimeout(ta.closed, 5000, `${s.other.stack} close`);
        const reused = create(s, "echo-reused", { negotiated: true, id });
        createTheirs(s, "echo-reused", { negotiated: true, id });
        await mineOpen(s, "echo-reused");
        await echoes(reused, ["again", message(2000, false)]);
      },
    );

    it("our peer connection closing closes its channels", async () => {
      const s = await session(role);
      const theirs = await theirsOpen(s, "echo");
      s.pc.close();
      await withTimeout(theirs.closed, 10_000, `${s.other.stack} sees its channel close`);
    });

    it("a second channel after connect (DCEP) from either side opens and carries messages", async () => {
      const s = await session(role);
      const late = create(s, "echo-late");
      await mineOpen(s, "echo-late");
      await echoes(late, ["late"]);
      const theirs = createTheirs(s, "quiet-theirs");
      await withTimeout(theirs.opened, 5000, "their late channel open");
      const ch = await mineOpen(s, "quiet-theirs");
      const inbox = new Inbox(ch);
      theirs.send("from them");
      strictEqual(await inbox.next(), "from them");
      const back = new Promise<string | Uint8Array>((r) => {
        theirs.onMessage = r;
      });
      ch.send(new Uint8Array([1, 2, 3]));
      deepStrictEqual(await withTimeout(back, 5000, "their message"), new Uint8Array([1, 2, 3]));
      ok(late.id !== ch.id);
    });
  });
}
