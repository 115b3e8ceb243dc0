import { seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import {
  decodeStunMessage,
  getAttribute,
  StunIntegrityKey,
  Username,
  verifyFingerprint,
  verifyMessageIntegrity,
  XorMappedAddress,
} from "@purertc/stun";
import { listFixtures, readFixture, readTextFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import { IceAgent, parseIceCandidate, readCheck } from "../../src/index.js";

const creds = JSON.parse(readTextFixture("stun", "chromium-ice-credentials.json")) as Record<
  string,
  string
>;
const CHROME = { address: "192.0.2.2", port: 49539 };
const US = { address: "192.0.2.2", port: 53778 };

describe("Chromium 156 captured ICE checks", () => {
  it("reads PRIORITY, USE-CANDIDATE and ICE-CONTROLLING from a real nominating check", () => {
    const m = decodeStunMessage(readFixture("stun", "chromium-binding-request-use-candidate.bin"));
    const c = readCheck(m);
    expect(c.username).toBe("1n5p:NWjr");
    expect(c.useCandidate).toBe(true);
    expect(c.controlling).toBeDefined();
    expect(c.priority).toBe(0x6e001eff);
  });

  it("answers Chromium's nominating check (signed success, XOR-MAPPED-ADDRESS) and checks back with Chromium's password", () => {
    const agent = new IceAgent({
      role: "controlled",
      credentials: { ufrag: "1n5p", pwd: creds["1n5p"]! },
      rng: seededRng(1),
      crypto: nobleCrypto,
      mdns: "disabled",
    });
    agent.addHostCandidate(0, US);
    agent.setRemoteCredentials(0, { ufrag: "NWjr", pwd: creds.NWjr! });
    agent.gather(0);
    agent.addRemoteEndOfCandidates(0);
    const data = readFixture("stun", "chromium-binding-request-use-candidate.bin");
    agent.handleDatagram(10, { from: CHROME, to: US, data });
    const out = [];
    for (let t = agent.pollTransmit(); t; t = agent.pollTransmit()) out.push(t);
    const response = decodeStunMessage(out[0]!.data);
    expect(out[0]!.to).toEqual(CHROME);
    expect(response.class).toBe("success");
    expect(verifyFingerprint(response)).toBe(true);
    expect(
      verifyMessageIntegrity(response, StunIntegrityKey.shortTerm(creds["1n5p"]!, nobleCrypto)),
    ).toBe(true);
    expect(getAttribute(response, XorMappedAddress)).toEqual(CHROME);
    // The triggered check back to Chromium is signed with Chromium's password (RFC 8445 §7.3.1.4).
    const check = decodeStunMessage(out[1]!.data);
    expect(getAttribute(check, Username)).toBe("NWjr:1n5p");
    expect(
      verifyMessageIntegrity(check, StunIntegrityKey.shortTerm(creds.NWjr!, nobleCrypto)),
    ).toBe(true);
    // Chromium's own success response is signed with the same (answerer's) password we use.
    const reply = readFixture("stun", "chromium-binding-success.bin");
    expect(
      verifyMessageIntegrity(
        decodeStunMessage(reply),
        StunIntegrityKey.shortTerm(creds["1n5p"]!, nobleCrypto),
      ),
    ).toBe(true);
  });

  it("rejects the captured check under the wrong password with 401 and no state change", () => {
    const agent = new IceAgent({
      credentials: { ufrag: "1n5p", pwd: "wrongwrongwrongwrongwrong" },
      rng: seededRng(1),
      crypto: nobleCrypto,
      mdns: "disabled",
    });
    agent.addHostCandidate(0, US);
    agent.handleDatagram(0, {
      from: CHROME,
      to: US,
      data: readFixture("stun", "chromium-binding-request-controlled.bin"),
    });
    const t = agent.pollTransmit()!;
    expect(decodeStunMessage(t.data).class).toBe("error");
    expect(agent.stats().unauthenticated).toBe(1);
    expect(agent.stats().remoteCandidates).toHaveLength(0);
  });
});

describe("candidate lines of real browser SDP (testkit fixtures)", () => {
  const lines = listFixtures("sdp")
    .filter((n) => n.endsWith(".sdp"))
    .flatMap((n) =>
      readTextFixture("sdp", n)
        .split(/\r?\n/)
        .filter((l) => l.startsWith("a=candidate:")),
    );

  it("has candidate lines to test", () => {
    expect(lines.length).toBeGreaterThan(4);
  });
  it("every UDP candidate parses; TCP candidates are refused (UDP-only agent)", () => {
    for (const l of lines) {
      const c = parseIceCandidate(l);
      if (/ tcp /i.test(l)) expect(c).toBeUndefined();
      else expect(c, l).toBeDefined();
    }
  });
});
