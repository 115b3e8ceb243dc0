/**
 * The data-channel cases run against every foreign stack, with purertc as offerer and as
 * answerer: one connection per role, opened in `beforeAll`, each case on channels of its own.
 */
import { createHash } from "node:crypto";
import type { RTCDataChannel, RTCDataChannelEvent, RTCPeerConnection } from "@purertc/peer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForeignEvent, ForeignPeer } from "./foreign-peer.js";
import { connected, Inbox, negotiate, once, ROLES, webrtc } from "./session.js";

/** What a stack's suite needs: how to start its peer, and what it announces. */
export interface StackUnderTest {
  readonly name: string;
  /** Starts a fresh peer process, or undefined when the stack is not installed. */
  readonly start: () => ForeignPeer | undefined;
  /** The largest message the stack really receives, when below what it announces. */
  readonly maxReceivedMessage?: number;
  /** What the application section of the stack's own offer looks like (checked as answerer). */
  readonly offerSctp?: RegExp;
}

const BULK_BYTES = 4 * 1024 * 1024;
const CHUNK = 16 * 1024;

/** Byte i of a bulk transfer; the Go and Python peers compute the same. */
export function bulkPattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i * 31) ^ (i >>> 8)) & 0xff;
  return out;
}

const sha256 = (parts: Iterable<Uint8Array>): string => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
};

/** Text of `n` ASCII characters (n bytes in UTF-8) that differs from its neighbours' lengths. */
const text = (n: number): string => {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + ((i * 7 + n) % 26));
  return s;
};
const binary = (n: number): Uint8Array => bulkPattern(n + 3).subarray(3);

const channelEvent = (label: string) => (e: ForeignEvent) =>
  e.event === "channel" && e.label === label;
const closeEvent = (label: string) => (e: ForeignEvent) =>
  e.event === "channel-close" && e.label === label;

/**
 * Waits for the remote-created channel `label` on `pc` (registered before the peer opens it); its
 * inbox is attached inside the `datachannel` handler (a case below attaches one later).
 */
function incoming(
  pc: RTCPeerConnection,
  label: string,
): Promise<{ channel: RTCDataChannel; inbox: Inbox }> {
  return new Promise((resolve) => {
    const on = (e: Event) => {
      const channel = (e as RTCDataChannelEvent).channel;
      if (channel.label !== label) return;
      pc.removeEventListener("datachannel", on);
      resolve({ channel, inbox: new Inbox(channel) });
    };
    pc.addEventListener("datachannel", on);
  });
}

async function opened(ch: RTCDataChannel): Promise<RTCDataChannel> {
  if (ch.readyState !== "open") await once(ch, "open");
  return ch;
}

/** Sends each message and checks the echoes come back equal, in order. */
async function expectEcho(ch: RTCDataChannel, inbox: Inbox, messages: (string | Uint8Array)[]) {
  for (const m of messages) ch.send(m as string);
  for (const m of messages) {
    const got = await inbox.next();
    if (typeof m === "string") expect(got).toBe(m);
    else {
      expect(got).toBeInstanceOf(ArrayBuffer);
      expect(Buffer.from(got as ArrayBuffer).equals(m)).toBe(true);
    }
  }
}

export function dataChannelSuite(stack: StackUnderTest): void {
  for (const role of ROLES)
    describe(`${stack.name} data channels, purertc ${role}`, () => {
      let peer: ForeignPeer | undefined;
      let pc: RTCPeerConnection;
      let echo: RTCDataChannel;
      let echoInbox: Inbox;
      let echoOpen: Promise<{ channel: RTCDataChannel; inbox: Inbox }>;

      beforeAll(async () => {
        peer = stack.start();
        if (!peer) return;
        pc = new webrtc.RTCPeerConnection();
        if (role === "offerer") {
          const channel = pc.createDataChannel("echo");
          echoOpen = Promise.resolve({ channel, inbox: new Inbox(channel) });
        } else {
          echoOpen = incoming(pc, "echo");
          await peer.request("open", { label: "echo" });
        }
        await negotiate(pc, peer, role);
        await connected(pc);
        ({ channel: echo, inbox: echoInbox } = await echoOpen);
        await opened(echo);
      });

      afterAll(async () => {
        pc?.close();
        await peer?.close();
      });

      it("opens a reliable ordered channel seen with the same label and id on both sides", async (ctx) => {
        if (!peer) return ctx.skip();
        expect(echo.ordered).toBe(true);
        expect(echo.maxRetransmits).toBeNull();
        expect(echo.maxPacketLifeTime).toBeNull();
        if (role === "answerer" && stack.offerSctp)
          expect(pc.remoteDescription!.sdp).toMatch(stack.offerSctp);
        if (role === "offerer") {
          const seen = await peer.event(channelEvent("echo"));
          expect(seen).toMatchObject({ ordered: true, channelId: echo.id, negotiated: false });
        }
      });

      it("sctp.maxMessageSize is what the peer announces (RFC 8841 §6: 64 KiB when absent)", async (ctx) => {
        if (!peer) return ctx.skip();
        const announced = /a=max-message-size:(\d+)/.exec(pc.remoteDescription!.sdp)?.[1];
        expect(pc.sctp!.maxMessageSize).toBe(announced ? Number(announced) : 65536);
      });

      it("echoes text and binary messages of 1 B … maxMessageSize byte for byte", async (ctx) => {
        if (!peer) return ctx.skip();
        const max = Math.min(pc.sctp!.maxMessageSize, stack.maxReceivedMessage ?? 65536);
        const sizes = [1, 2, 7, 100, 1000, 1200, 4096, 16383, 16384, 16385, 32768, 65535, max];
        const wanted = [...new Set(sizes.filter((n) => n <= max))];
        await expectEcho(echo, echoInbox, wanted.map(text));
        await expectEcho(echo, echoInbox, wanted.map(binary));
      });

      it("4 MiB from purertc in 16 KiB messages, paced by bufferedamountlow, arrives with the same SHA-256", async (ctx) => {
        if (!peer) return ctx.skip();
        const ch = await opened(pc.createDataChannel("bulk-up"));
        const inbox = new Inbox(ch);
        const data = bulkPattern(BULK_BYTES);
        ch.bufferedAmountLowThreshold = 256 * 1024;
        let waits = 0;
        for (let o = 0; o < data.byteLength; o += CHUNK) {
          ch.send(data.subarray(o, o + CHUNK));
          if (ch.bufferedAmount > 1024 * 1024) {
            waits++;
            await once(ch, "bufferedamountlow");
          }
        }
        ch.send("end");
        const reply = JSON.parse((await inbox.next(30_000)) as string) as Record<string, unknown>;
        expect(reply).toEqual({ bytes: BULK_BYTES, sha256: sha256([data]) });
        expect(waits).toBeGreaterThan(0);
        ch.close();
      });

      it(`4 MiB from ${stack.name} with its own backpressure arrives complete with the same SHA-256`, async (ctx) => {
        if (!peer) return ctx.skip();
        const channel = incoming(pc, "bulk-down");
        const sent = peer.request<{ bytes: number; sha256: string }>(
          "send-bulk",
          { label: "bulk-down", bytes: BULK_BYTES },
          30_000,
        );
        const { inbox } = await channel;
        const parts: Uint8Array[] = [];
        for (let m = await inbox.next(); m !== "end"; m = await inbox.next())
          parts.push(new Uint8Array(m as ArrayBuffer));
        const result = await sent;
        expect(parts.reduce((n, p) => n + p.byteLength, 0)).toBe(BULK_BYTES);
        expect(sha256(parts)).toBe(result.sha256);
        expect(result.sha256).toBe(sha256([bulkPattern(BULK_BYTES)]));
      });

      // webrtc-pc §6.2 queues one task per received message: a listener attached after
      // `await`ing the `datachannel` event still gets the first messages, which a peer that
      // sends at once after DCEP OPEN (Pion; RFC 8832 §6 allows it) puts in the same datagrams.
      it("a listener attached a microtask after the datachannel event still gets the first messages (webrtc-pc §6.2)", async (ctx) => {
        if (!peer) return ctx.skip();
        const channel = new Promise<RTCDataChannel>((resolve) =>
          pc.addEventListener("datachannel", (e) => {
            const ch = (e as RTCDataChannelEvent).channel;
            if (ch.label === "late-listener") resolve(ch);
          }),
        );
        const sent = peer.request("send-bulk", { label: "late-listener", bytes: 16 * CHUNK });
        const inbox = new Inbox(await channel);
        for (let i = 0; i < 16; i++) expect(await inbox.next()).toBeInstanceOf(ArrayBuffer);
        expect(await inbox.next()).toBe("end");
        await sent;
      });

      it("an unordered maxRetransmits=0 channel opened here is seen so by the peer and echoes", async (ctx) => {
        if (!peer) return ctx.skip();
        const ch = pc.createDataChannel("unreliable-ours", { ordered: false, maxRetransmits: 0 });
        const inbox = new Inbox(ch);
        await opened(ch);
        const seen = await peer.event(channelEvent("unreliable-ours"));
        expect(seen).toMatchObject({ ordered: false, maxRetransmits: 0, channelId: ch.id });
        const sent = Array.from({ length: 50 }, (_, i) => `u${i}`);
        for (const m of sent) ch.send(m);
        const got: string[] = [];
        for (let i = 0; i < sent.length; i++) got.push((await inbox.next()) as string);
        expect(got.sort()).toEqual([...sent].sort());
      });

      it("an unordered maxRetransmits=0 channel opened by the peer is seen so here (DCEP) and echoes", async (ctx) => {
        if (!peer) return ctx.skip();
        const channel = incoming(pc, "unreliable-theirs");
        await peer.request("open", {
          label: "unreliable-theirs",
          ordered: false,
          maxRetransmits: 0,
        });
        const { channel: ch, inbox } = await channel;
        await opened(ch);
        expect(ch.ordered).toBe(false);
        expect(ch.maxRetransmits).toBe(0);
        await expectEcho(ch, inbox, ["u", binary(300)]);
      });

      it("a negotiated channel (id 40, no DCEP) carries messages both ways", async (ctx) => {
        if (!peer) return ctx.skip();
        const info = await peer.request("open", { label: "neg", negotiated: true, channelId: 40 });
        expect(info).toMatchObject({ negotiated: true, channelId: 40 });
        const ch = await opened(pc.createDataChannel("neg", { negotiated: true, id: 40 }));
        expect(ch.id).toBe(40);
        await expectEcho(ch, new Inbox(ch), ["negotiated", binary(2000)]);
      });

      it("8 channels opened at once all open and each echoes on its own stream", async (ctx) => {
        if (!peer) return ctx.skip();
        const channels = Array.from({ length: 8 }, (_, i) => pc.createDataChannel(`many-${i}`));
        const inboxes = channels.map((ch) => new Inbox(ch));
        await Promise.all(channels.map(opened));
        expect(new Set(channels.map((c) => c.id)).size).toBe(8);
        for (const [i, ch] of channels.entries()) ch.send(`hello ${i}`);
        for (const [i, inbox] of inboxes.entries()) expect(await inbox.next()).toBe(`hello ${i}`);
      });

      it("closing a channel here closes it at the peer (stream reset, RFC 8831 §6.7)", async (ctx) => {
        if (!peer) return ctx.skip();
        const ch = await opened(pc.createDataChannel("close-ours"));
        await peer.event(channelEvent("close-ours"));
        const closed = once(ch, "close");
        ch.close();
        await peer.event(closeEvent("close-ours"));
        await closed;
        expect(ch.readyState).toBe("closed");
      });

      it("a channel the peer closes fires close here", async (ctx) => {
        if (!peer) return ctx.skip();
        const channel = incoming(pc, "close-theirs");
        await peer.request("open", { label: "close-theirs" });
        const ch = await opened((await channel).channel);
        const closed = once(ch, "close");
        await peer.request("close", { label: "close-theirs" });
        await closed;
        expect(ch.readyState).toBe("closed");
        expect(echo.readyState).toBe("open");
      });
    });
}
