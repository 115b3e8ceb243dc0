import { utf8Decode, utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { DTLS_SRTP_EXPORTER_LABEL, SrtpProtectionProfile } from "../../src/index.js";
import { eventsOf, isConnected, simPair } from "../helpers.js";

describe("DTLS 1.2 handshake in simulated time", () => {
  it("RFC 6347 §4.2: client and server complete a full handshake with cookie exchange and mutual auth", () => {
    const { driver, a, b, client, server } = simPair();
    client.start(driver.now);
    driver.runUntil(() => isConnected(a.events) && isConnected(b.events));
    const ca = eventsOf(a.events, "connected")[0]!;
    const cb = eventsOf(b.events, "connected")[0]!;
    expect(ca.cipherSuite).toBe("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    expect(cb.cipherSuite).toBe(ca.cipherSuite);
    expect(ca.srtpProfile).toBe(SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM);
    expect(cb.srtpProfile).toBe(ca.srtpProfile);
    const km1 = client.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 88);
    const km2 = server.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 88);
    expect(km1).toEqual(km2);
    client.send(utf8Encode("ping"));
    driver.runUntil(() => eventsOf(b.events, "data").length > 0);
    expect(utf8Decode(eventsOf(b.events, "data")[0]!.data)).toBe("ping");
    server.send(utf8Encode("pong"));
    driver.runUntil(() => eventsOf(a.events, "data").length > 0);
    expect(utf8Decode(eventsOf(a.events, "data")[0]!.data)).toBe("pong");
  });
});
