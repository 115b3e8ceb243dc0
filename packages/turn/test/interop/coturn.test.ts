/**
 * Interop with coturn (Debian `coturn`): our client allocates and relays through coturn's
 * `turnserver`, and coturn's `turnutils_uclient` allocates and relays through our server, over
 * UDP and TCP. Everything on 127.0.0.1 with random ports; coturn runs with `-n` (no config
 * file), its files in a temporary directory, and is stopped by PID.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { type Coturn, coturnAvailable, startCoturn } from "@purertc/testkit/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeTurnClient, type NodeTurnServer, startTurnServer } from "../../src/node/index.js";
import { echoPeer } from "../node/helpers.js";

const UCLIENT = "/usr/bin/turnutils_uclient";
const available = coturnAvailable("the TURN coturn interop tests") && existsSync(UCLIENT);
if (!existsSync(UCLIENT)) {
  console.warn(
    "\n!!! turnutils_uclient is missing: SKIPPING the TURN coturn interop tests (apt-get install coturn) !!!\n",
  );
}
const run = promisify(execFile);

describe.skipIf(!available)("coturn interop (127.0.0.1, random ports)", () => {
  describe("our client through coturn's turnserver", () => {
    let coturn: Coturn;
    let port: number;
    beforeAll(async () => {
      coturn = await startCoturn({ users: { alice: "secret" }, realm: "coturn.test" });
      port = coturn.port;
    }, 20_000);
    afterAll(async () => {
      await coturn?.stop();
    });

    for (const transport of ["udp", "tcp"] as const) {
      it(`allocates over ${transport}, relays with Send indications and ChannelData, refreshes, deallocates`, async () => {
        const peer = await echoPeer();
        const client = await NodeTurnClient.allocate({
          server: { address: "127.0.0.1", port },
          transport,
          username: "alice",
          password: "secret",
        });
        try {
          const relayed = client.relayedAddresses[0]!;
          expect(relayed.address).toBe("127.0.0.1");
          expect(relayed.port).toBeGreaterThan(port);
          expect(client.core.realm).toBe("coturn.test");
          const got: string[] = [];
          client.onData = (_p, d, ch) =>
            got.push(`${ch === undefined ? "data" : "channel"}:${new TextDecoder().decode(d)}`);
          const dest = { address: "127.0.0.1", port: peer.port };
          client.sendTo(dest, new TextEncoder().encode("send-indication"));
          await waitUntil(() => got.length === 1).catch((e) => {
            throw new Error(
              `${e.message}: ${JSON.stringify(client.core.stats())} peer got ${peer.received.length}`,
            );
          });
          expect(peer.received[0]!.port).toBe(relayed.port);
          await client.bindChannel(dest);
          for (let i = 0; i < 20; i++) client.sendTo(dest, new TextEncoder().encode(`cd${i}`));
          await waitUntil(() => got.length === 21);
          expect(got[0]).toBe("data:send-indication");
          expect(got.slice(1).every((g) => g.startsWith("channel:cd"))).toBe(true);
          // A Refresh right away (as the timer would do a minute before expiry).
          await client.createPermission(dest);
        } finally {
          await client.close();
          await peer.close();
        }
      }, 20_000);
    }

    it("coturn's 401 for a wrong password surfaces as TurnError 401", async () => {
      await expect(
        NodeTurnClient.allocate({
          server: { address: "127.0.0.1", port },
          username: "alice",
          password: "wrong",
        }),
      ).rejects.toMatchObject({ code: 401 });
    });
  });

  describe("coturn's turnutils_uclient through our server", () => {
    let server: NodeTurnServer;
    beforeAll(async () => {
      server = await startTurnServer({
        listeners: [
          { transport: "udp", address: "127.0.0.1", port: 0 },
          { transport: "tcp", address: "127.0.0.1", port: 0 },
        ],
        users: { alice: "secret" },
        realm: "purertc.test",
        allowedPeers: ["127.0.0.0/8"],
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    for (const transport of ["udp", "tcp"] as const) {
      it(`uclient -y (client to client) over ${transport}: every message relayed`, async () => {
        const port = server.addresses[transport][0]!.port;
        const before = server.core.stats();
        const args = [
          "-y",
          "-c",
          "-n",
          "20",
          "-m",
          "2",
          "-l",
          "120",
          "-z",
          "5",
          "-u",
          "alice",
          "-w",
          "secret",
          "-p",
          String(port),
        ];
        if (transport === "tcp") args.unshift("-t");
        const { stdout, stderr } = await run(UCLIENT, [...args, "127.0.0.1"], {
          timeout: 30_000,
        }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
          throw new Error(`${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`.slice(-3000));
        });
        const out = stdout + stderr;
        const after = server.core.stats();
        expect(after.allocationsCreated - before.allocationsCreated).toBeGreaterThanOrEqual(2);
        const lost = /Total lost packets (\d+)/.exec(out);
        expect(lost, out.slice(-2000)).not.toBeNull();
        expect(Number(lost![1])).toBe(0);
        const total = /start_mclient: tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/.exec(out);
        expect(total?.slice(1).map(Number)).toEqual([40, 40]);
        expect(after.packetsToPeer - before.packetsToPeer).toBeGreaterThanOrEqual(40);
      }, 40_000);
    }
  });
});

async function waitUntil(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
