/**
 * @purertc/dtls against werift's DTLS: a full mutual-auth ECDHE-ECDSA AES-128-GCM handshake with
 * the network taken out (purertc: sans-IO endpoints handing datagrams to each other in simulated
 * time; werift: its client and server joined by in-memory transports) measured as process CPU
 * time, so werift's internal flight timers do not count against it; and application-data records
 * of 1200 bytes sealed and opened. The "floor" contenders of the record cases are one bare
 * node:crypto AES-128-GCM operation on the same sizes (the one call per record that any DTLS on
 * node:crypto pays), so the table shows what the platform allows from JavaScript.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { seededRng } from "@purertc/common";
import {
  encodeEcPrivateKeyPkcs8,
  encodePem,
  fingerprint,
  generateCertificate,
} from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { DtlsEndpoint } from "@purertc/dtls";
import { DtlsClient, DtlsServer } from "werift";
import { defineBench } from "../harness.js";

/** Process CPU time (user + system) since `start`, in ms: werift's own timers are not counted. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

const RECORD = 1200;
const payload = new Uint8Array(RECORD).fill(0x5a);
const clientCert = generateCertificate(nodeCrypto, { commonName: "client", now: Date.now() });
const serverCert = generateCertificate(nodeCrypto, { commonName: "server", now: Date.now() });
const fp = (der: Uint8Array) => [
  { algorithm: "sha-256", value: fingerprint(nodeCrypto, der, "sha-256") },
];
const A = { address: "10.0.0.1", port: 1 };
const B = { address: "10.0.0.2", port: 2 };

/** A purertc client/server pair run to completion by hand (lossless, zero latency). */
function purertcPair(): { client: DtlsEndpoint; server: DtlsEndpoint } {
  const client = new DtlsEndpoint({
    role: "client",
    certificate: clientCert,
    remoteFingerprints: fp(serverCert.der),
    remoteAddress: B,
    crypto: nodeCrypto,
    rng: seededRng(1),
    cipherSuites: [0xc02b],
  });
  const server = new DtlsEndpoint({
    role: "server",
    certificate: serverCert,
    remoteFingerprints: fp(clientCert.der),
    crypto: nodeCrypto,
    rng: seededRng(2),
  });
  client.start(0);
  for (let i = 0; i < 10; i++) {
    let moved = false;
    for (let t = client.pollTransmit(); t; t = client.pollTransmit()) {
      server.handleDatagram(0, { from: A, data: t.data });
      moved = true;
    }
    for (let t = server.pollTransmit(); t; t = server.pollTransmit()) {
      client.handleDatagram(0, { from: B, data: t.data });
      moved = true;
    }
    if (!moved) break;
  }
  if (client.state !== "connected" || server.state !== "connected")
    throw new Error("purertc handshake failed");
  while (client.pollEvent());
  while (server.pollEvent());
  return { client, server };
}

interface WeriftTransport {
  type: string;
  address: { address: string; port: number; family: string };
  closed: boolean;
  onData: (data: Buffer, addr: unknown) => void;
  send: (data: Buffer) => Promise<void>;
  close: () => Promise<void>;
}

function memoryTransports(): [WeriftTransport, WeriftTransport] {
  const mk = (): WeriftTransport => ({
    type: "udp",
    address: { address: "127.0.0.1", port: 0, family: "IPv4" },
    closed: false,
    onData: () => {},
    send: async () => {},
    close: async () => {},
  });
  const a = mk();
  const b = mk();
  a.send = async (d) => b.onData(d, a.address);
  b.send = async (d) => a.onData(d, b.address);
  return [a, b];
}

const weriftKeys = {
  client: {
    cert: encodePem("CERTIFICATE", clientCert.der),
    key: encodePem("PRIVATE KEY", encodeEcPrivateKeyPkcs8(clientCert.keyPair)),
  },
  server: {
    cert: encodePem("CERTIFICATE", serverCert.der),
    key: encodePem("PRIVATE KEY", encodeEcPrivateKeyPkcs8(serverCert.keyPair)),
  },
};
const signatureHash = { hash: 4, signature: 3 } as const; // sha256 + ecdsa

async function weriftPair(): Promise<{ client: DtlsClient; server: DtlsServer }> {
  const [ta, tb] = memoryTransports();
  const common = { signatureHash, certificateRequest: true, extendedMasterSecret: true };
  const server = new DtlsServer({
    transport: tb as never,
    cert: weriftKeys.server.cert,
    key: weriftKeys.server.key,
    ...common,
  });
  const client = new DtlsClient({
    transport: ta as never,
    cert: weriftKeys.client.cert,
    key: weriftKeys.client.key,
    ...common,
  });
  const both = Promise.all([
    new Promise<void>((r) => client.onConnect.once(() => r())),
    new Promise<void>((r) => server.onConnect.once(() => r())),
  ]);
  await client.connect();
  await both;
  return { client, server };
}

/** One bare node:crypto AES-128-GCM seal or open of a 1200-byte record (13-byte AAD, RFC 5246 §6.2.3.3). */
function gcmFloor(direction: "seal" | "open") {
  return () => {
    const key = randomBytes(16);
    const nonce = randomBytes(12);
    const aad = randomBytes(13);
    const sealer = createCipheriv("aes-128-gcm", key, nonce);
    sealer.setAAD(aad);
    const ciphertext = Buffer.concat([sealer.update(payload), sealer.final()]);
    const tag = sealer.getAuthTag();
    if (direction === "seal") {
      return () => {
        const c = createCipheriv("aes-128-gcm", key, nonce);
        c.setAAD(aad);
        c.update(payload);
        c.final();
        c.getAuthTag();
      };
    }
    return () => {
      const d = createDecipheriv("aes-128-gcm", key, nonce);
      d.setAuthTag(tag);
      d.setAAD(aad);
      d.update(ciphertext);
      d.final();
    };
  };
}

export default defineBench({
  name: "dtls",
  cases: [
    {
      kind: "samples",
      name: "full DTLS 1.2 handshake (both sides), mutual ECDSA auth, CPU ms (lower is better)",
      samples: 40,
      contenders: {
        purertc: () => async () => {
          const t0 = process.cpuUsage();
          purertcPair();
          return cpuMs(t0);
        },
        werift: () => async () => {
          const t0 = process.cpuUsage();
          const { client, server } = await weriftPair();
          const dt = cpuMs(t0);
          client.close();
          server.close();
          return dt;
        },
      },
    },
    {
      name: "seal one 1200-byte application-data record (AES-128-GCM)",
      unit: "records/s",
      perOp: 1,
      contenders: {
        purertc: () => {
          const { client } = purertcPair();
          return () => {
            client.send(payload);
            client.pollTransmit();
          };
        },
        werift: async () => {
          const { client } = await weriftPair();
          const buf = Buffer.from(payload);
          // DtlsSocket.send: encrypt, serialize, hand to the (no-op) transport.
          (client.transport.socket as unknown as WeriftTransport).send = async () => {};
          return () => client.send(buf);
        },
        "floor: 1 node GCM op": gcmFloor("seal"),
      },
    },
    {
      name: "open one 1200-byte application-data record (AES-128-GCM)",
      unit: "records/s",
      perOp: 1,
      contenders: {
        purertc: () => {
          const { client, server } = purertcPair();
          // 200k distinct records (the receiver enforces its replay window), packed into one
          // backing buffer so the garbage collector does not walk 200k separate array buffers
          // (werift's contender keeps 20k, replayable since werift has no window).
          const COUNT = 200_000;
          client.send(payload);
          const size = client.pollTransmit()!.data.byteLength;
          const store = new Uint8Array(COUNT * size);
          const records: Uint8Array[] = [];
          for (let i = 0; i < COUNT; i++) {
            client.send(payload);
            const r = client.pollTransmit()!.data;
            store.set(r, i * size);
            records.push(store.subarray(i * size, i * size + r.byteLength));
          }
          let i = 0;
          return () => {
            server.handleDatagram(0, { from: A, data: records[i++ % records.length]! });
            server.pollEvent();
          };
        },
        werift: async () => {
          const { client, server } = await weriftPair();
          const records: Buffer[] = [];
          const clientTransport = client.transport.socket as unknown as WeriftTransport;
          clientTransport.send = async (d) => {
            records.push(d);
          };
          for (let i = 0; i < 20_000; i++) await client.send(Buffer.from(payload));
          const serverTransport = server.transport.socket as unknown as WeriftTransport;
          let i = 0;
          // The whole receive path, as for purertc: parse, decrypt, deliver to onData.
          // (werift keeps no replay window, so the same records can be fed again.)
          return () =>
            serverTransport.onData(records[i++ % records.length]!, serverTransport.address);
        },
        "floor: 1 node GCM op": gcmFloor("open"),
      },
    },
  ],
});
