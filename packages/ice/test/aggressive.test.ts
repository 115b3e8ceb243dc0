import { type SocketAddress, seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import {
  attr,
  decodeStunMessage,
  encodeStunMessage,
  StunIntegrityKey,
  StunMethod,
  XorMappedAddress,
} from "@purertc/stun";
import { describe, expect, it } from "vitest";
import { encodeCheckRequest, IceAgent } from "../src/index.js";

const US = { address: "10.0.0.1", port: 5000 };
const PEER = { ufrag: "oldPeer0", pwd: "oldPeerPasswordoldPeerPassword" };

/** An old controlling peer that nominates aggressively: USE-CANDIDATE on every check. */
function aggressiveCheck(agent: IceAgent, priority: number, tid: number): Uint8Array {
  return encodeCheckRequest({
    transactionId: new Uint8Array(12).fill(tid),
    username: `${agent.localCredentials.ufrag}:${PEER.ufrag}`,
    priority,
    role: "controlling",
    tieBreaker: 1n,
    useCandidate: true,
    key: StunIntegrityKey.shortTerm(agent.localCredentials.pwd, nobleCrypto),
  });
}

/** Answers the agent's own checks as the peer would. */
function answer(agent: IceAgent, now: number, from: SocketAddress): void {
  const peerKey = StunIntegrityKey.shortTerm(PEER.pwd, nobleCrypto);
  for (let t = agent.pollTransmit(); t; t = agent.pollTransmit()) {
    const m = decodeStunMessage(t.data);
    if (m.class !== "request" || t.to.port !== from.port) continue;
    const data = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: "success",
        transactionId: m.transactionId,
        attributes: [attr(XorMappedAddress, US)],
      },
      { integrity: peerKey, fingerprint: true },
    );
    agent.handleDatagram(now, { from, to: US, data });
  }
}

describe("RFC 8445 §8.2 / RFC 5245 aggressive nomination accepted as controlled", () => {
  it("selects the first nominated pair, then switches to a higher-priority nominated pair", () => {
    const agent = new IceAgent({
      role: "controlled",
      rng: seededRng(4),
      crypto: nobleCrypto,
      mdns: "disabled",
    });
    agent.addHostCandidate(0, US);
    agent.setRemoteCredentials(0, PEER, {});
    agent.gather(0);
    const low = { address: "10.0.0.9", port: 7000 };
    const high = { address: "10.0.0.9", port: 7001 };
    agent.handleDatagram(1, { from: low, to: US, data: aggressiveCheck(agent, 1000, 1) });
    for (let now = 1; now < 200; now += 10) {
      agent.handleTimeout(now);
      answer(agent, now, low);
    }
    expect(agent.selectedPair?.remote.port).toBe(7000);
    agent.handleDatagram(300, {
      from: high,
      to: US,
      data: aggressiveCheck(agent, 2_000_000_000, 2),
    });
    for (let now = 300; now < 500; now += 10) {
      agent.handleTimeout(now);
      answer(agent, now, high);
    }
    expect(agent.selectedPair?.remote.port).toBe(7001);
    // A later, lower-priority nomination does not take the selection back.
    agent.handleDatagram(600, { from: low, to: US, data: aggressiveCheck(agent, 1000, 3) });
    for (let now = 600; now < 800; now += 10) {
      agent.handleTimeout(now);
      answer(agent, now, low);
    }
    expect(agent.selectedPair?.remote.port).toBe(7001);
  });
});
