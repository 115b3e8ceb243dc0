import { utf8Decode, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import type { DtlsEvent } from "../../src/index.js";
import { DtlsSocket } from "../../src/node/index.js";
import { sha256Fingerprint, testCertificate } from "../helpers.js";

describe("DtlsSocket (node:dgram adapter) on loopback", () => {
  it("two sockets on ephemeral ports handshake, exchange data, close cleanly and leave no handles", async () => {
    const clientCert = testCertificate("client");
    const serverCert = testCertificate("server");
    const serverEvents: DtlsEvent[] = [];
    const server = await DtlsSocket.open({
      config: {
        role: "server",
        certificate: serverCert,
        remoteFingerprints: [sha256Fingerprint(clientCert.der)],
      },
      onEvent: (e) => serverEvents.push(e),
    });
    const client = await DtlsSocket.open({
      config: {
        role: "client",
        certificate: clientCert,
        remoteFingerprints: [sha256Fingerprint(serverCert.der)],
      },
    });
    expect(server.localAddress.port).toBeGreaterThan(0);
    server.start();
    client.start(server.localAddress);
    const [a, b] = await Promise.all([client.connected(), server.connected()]);
    expect(a.cipherSuite).toBe(b.cipherSuite);
    const got = new Promise<string>((resolve) => {
      const check = setInterval(() => {
        const d = serverEvents.find((e) => e.type === "data");
        if (d && d.type === "data") {
          clearInterval(check);
          resolve(utf8Decode(d.data));
        }
      }, 5);
    });
    client.send(utf8Encode("over real UDP"));
    expect(await got).toBe("over real UDP");
    await client.close();
    await server.close();
    expect(client.endpoint.state).toBe("closed");
    // Closing twice is harmless.
    await client.close();
  });
});
