/**
 * Sim worlds: the server core with relay ports pre-attached on its host (the test kit's
 * `SimTurnServer`), a UDP echo peer, and clients added on demand.
 */
import type { Datagram, Endpoint, Millis, SocketAddress, Transmit } from "@purertc/common";
import { Fifo, seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { Driver, NetSim, SimTurnServer } from "@purertc/testkit";
import { TurnClient, type TurnClientEvent } from "../../src/client.js";
import type { TurnClientOptions } from "../../src/client-config.js";
import { TurnServer } from "../../src/server.js";
import type { TurnServerOptions } from "../../src/server-config.js";

/** A UDP peer that echoes every datagram and remembers them. */
export class EchoPeer
  implements Endpoint<{ type: "received"; from: SocketAddress; data: Uint8Array }>
{
  readonly received: { from: SocketAddress; data: Uint8Array }[] = [];
  readonly #out = new Fifo<Transmit>();
  echo = true;
  handleDatagram(_now: Millis, d: Datagram): void {
    this.received.push({ from: d.from, data: d.data });
    if (this.echo) this.#out.push({ to: d.from, data: d.data });
  }
  /** Sends a datagram on the next drain. */
  send(to: SocketAddress, data: Uint8Array): void {
    this.#out.push({ to, data });
  }
  handleTimeout(): void {}
  pollTransmit(): Transmit | undefined {
    return this.#out.shift();
  }
  pollEvent(): undefined {
    return undefined;
  }
  pollTimeout(): undefined {
    return undefined;
  }
}

export const SERVER_IP = "203.0.113.1";
export const SERVER_IP6 = "2001:db8::1";
export const SERVER: SocketAddress = { address: SERVER_IP, port: 3478 };
export const PEER: SocketAddress = { address: "198.51.100.7", port: 9000 };

/** A world: server (ports 3478 + 49152..), one echo peer, and clients added on demand. */
export function world(
  serverOptions: Partial<TurnServerOptions> = {},
  opts: { seed?: number; loss?: number; latencyMs?: number } = {},
) {
  const sim = new NetSim({ seed: opts.seed ?? 1 });
  sim.setDefaultLink({ latencyMs: opts.latencyMs ?? 20, loss: opts.loss ?? 0 });
  sim.addHost("server", [SERVER_IP, SERVER_IP6]);
  sim.addHost("peer", PEER.address);
  const driver = new Driver(sim, { timeoutMs: 4 * 3_600_000 });
  const relays: SocketAddress[] = [];
  for (let i = 0; i < 8; i++) {
    relays.push({ address: SERVER_IP, port: 49152 + i }, { address: SERVER_IP6, port: 49152 + i });
  }
  const core = new TurnServer({
    crypto: nobleCrypto,
    rng: seededRng(opts.seed ?? 1),
    realm: "example.org",
    users: { alice: "secret", bob: "hunter2" },
    ...serverOptions,
  });
  const server = new SimTurnServer(core, relays);
  const sd = driver.attach("server", server, [
    SERVER,
    { address: SERVER_IP6, port: 3478 },
    ...relays,
  ]);
  const peer = new EchoPeer();
  const pd = driver.attach("peer", peer, PEER);
  let clients = 0;
  const addClient = (options: Partial<TurnClientOptions> = {}, ip = `192.0.2.${10 + clients}`) => {
    clients++;
    sim.addHost(`client${clients}`, ip);
    const client = new TurnClient({
      server: SERVER,
      username: "alice",
      password: "secret",
      crypto: nobleCrypto,
      rng: seededRng(100 + clients),
      ...options,
    });
    const d = driver.attach(`client${clients}`, client, { address: ip, port: 5000 });
    return { client, d, events: () => d.events.map((e) => e.event as TurnClientEvent) };
  };
  return { sim, driver, core, server, sd, peer, pd, addClient };
}
