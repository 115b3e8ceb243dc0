import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/node/hash.js";
import { BlockHasher, HASH_BLOCK } from "../../src/shared/block-hash.js";
import {
  type FileSource,
  HIGH_WATER,
  receiveFile,
  sendFile,
} from "../../src/shared/file-transfer.js";
import { channelPair } from "./fake-channel.js";

const source = (data: Uint8Array): FileSource => ({
  name: "x.bin",
  size: data.byteLength,
  mime: "application/octet-stream",
  read: async (o, n) => data.subarray(o, o + n),
});

function reference(data: Uint8Array): string {
  const digests: Buffer[] = [];
  for (let o = 0; o < data.byteLength || o === 0; o += HASH_BLOCK) {
    digests.push(
      createHash("sha256")
        .update(data.subarray(o, o + HASH_BLOCK))
        .digest(),
    );
    if (data.byteLength === 0) break;
  }
  return createHash("sha256").update(Buffer.concat(digests)).digest("hex");
}

describe("block checksum", () => {
  it.each([0, 1, HASH_BLOCK - 1, HASH_BLOCK, HASH_BLOCK + 1, 3 * HASH_BLOCK + 77])(
    "equals sha256(concat of 1 MiB block sha256s) computed independently, %i bytes, fed in odd pieces",
    async (n) => {
      const data = randomBytes(n);
      const h = new BlockHasher(sha256);
      for (let o = 0; o < n; o += 65_537) h.update(data.subarray(o, o + 65_537));
      expect(await h.digest()).toBe(reference(data));
    },
  );
});

describe("file transfer", () => {
  it("delivers 9 MiB intact, both ends agree on the checksum, and never queues more than HIGH_WATER + one chunk", async () => {
    const [tx, rx] = channelPair();
    const data = randomBytes(9 * 1024 * 1024 + 5);
    const received: Uint8Array[] = [];
    const pump = setInterval(() => tx.drain(), 1);
    try {
      const [sent, got] = await Promise.all([
        sendFile(tx, source(data), { sha256, chunkSize: 16 * 1024 }),
        receiveFile(rx, { sha256, onData: (b) => received.push(b.slice()) }),
      ]);
      expect(sent.ok).toBe(true);
      expect(got.ok).toBe(true);
      expect(got.checksum).toBe(reference(data));
      expect(sent.remoteChecksum).toBe(got.checksum);
      expect(Buffer.concat(received).equals(data)).toBe(true);
      expect(tx.peak).toBeLessThanOrEqual(HIGH_WATER + 16 * 1024);
      expect(tx.peak).toBeGreaterThan(HIGH_WATER / 2); // the limit was actually reached
    } finally {
      clearInterval(pump);
    }
  });

  it("reports a mismatch when a byte changes on the way", async () => {
    const [tx, rx] = channelPair();
    const data = randomBytes(300_000);
    const send = tx.send.bind(tx);
    let n = 0;
    tx.send = (d) => {
      if (d instanceof Uint8Array && n++ === 2) {
        const copy = d.slice();
        copy[10] = (copy[10] as number) ^ 1;
        return send(copy);
      }
      return send(d);
    };
    const pump = setInterval(() => tx.drain(), 1);
    try {
      const [sent, got] = await Promise.all([
        sendFile(tx, source(data), { sha256, chunkSize: 16 * 1024 }),
        receiveFile(rx, { sha256 }),
      ]);
      expect(got.ok).toBe(false);
      expect(sent.ok).toBe(false);
    } finally {
      clearInterval(pump);
    }
  });

  it("fails the receiver when the sender's channel closes mid-file", async () => {
    const [tx, rx] = channelPair();
    const done = receiveFile(rx, { sha256 });
    tx.send(JSON.stringify({ t: "meta", name: "a", size: 10, mime: "" }));
    tx.send(new Uint8Array(4));
    tx.drain();
    await new Promise((r) => setTimeout(r, 5));
    tx.close();
    await expect(done).rejects.toThrow(/closed/);
  });
});
