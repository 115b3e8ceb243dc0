import { seededRng, type Transmit } from "@purertc/common";
import { type DtlsConfig, DtlsEndpoint, type DtlsEvent } from "../src/index.js";
import { sha256Fingerprint, testCertificate } from "./helpers.js";

/** Hand-driven endpoints: the test moves each datagram itself (exact control of loss and timing). */
export const CLIENT_ADDR = { address: "10.0.0.1", port: 5000 };
export const SERVER_ADDR = { address: "10.0.0.2", port: 5000 };

export function endpoints(extra: Partial<DtlsConfig> = {}) {
  const cc = testCertificate("client");
  const sc = testCertificate("server");
  const client = new DtlsEndpoint({
    role: "client",
    certificate: cc,
    remoteFingerprints: [sha256Fingerprint(sc.der)],
    remoteAddress: SERVER_ADDR,
    rng: seededRng(1),
    ...extra,
  });
  const server = new DtlsEndpoint({
    role: "server",
    certificate: sc,
    remoteFingerprints: [sha256Fingerprint(cc.der)],
    rng: seededRng(2),
    ...extra,
  });
  return { client, server };
}

export function drain(e: DtlsEndpoint): { out: Transmit[]; events: DtlsEvent[] } {
  const out: Transmit[] = [];
  const events: DtlsEvent[] = [];
  for (let t = e.pollTransmit(); t; t = e.pollTransmit()) out.push(t);
  for (let ev = e.pollEvent(); ev; ev = e.pollEvent()) events.push(ev);
  return { out, events };
}

export function deliver(
  to: DtlsEndpoint,
  from: typeof CLIENT_ADDR,
  datagrams: Transmit[],
  now: number,
): void {
  for (const d of datagrams) to.handleDatagram(now, { from, data: d.data });
}

/** Runs a lossless handshake by hand; returns the events each side emitted. */
export function handshake(
  client: DtlsEndpoint,
  server: DtlsEndpoint,
  now = 0,
): { client: DtlsEvent[]; server: DtlsEvent[] } {
  const events = { client: [] as DtlsEvent[], server: [] as DtlsEvent[] };
  client.start(now);
  for (let i = 0; i < 10; i++) {
    const c = drain(client);
    events.client.push(...c.events);
    deliver(server, CLIENT_ADDR, c.out, now);
    const s = drain(server);
    events.server.push(...s.events);
    deliver(client, SERVER_ADDR, s.out, now);
    if (c.out.length === 0 && s.out.length === 0) break;
  }
  events.client.push(...drain(client).events);
  return events;
}
