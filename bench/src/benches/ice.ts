/**
 * ICE: (1) a whole 10 × 10 candidate session to a selected pair in simulated time (CPU cost
 * per session; the simulated time it took is printed once), and (2) connectivity checks
 * answered per second by one agent, as a single-port server does for thousands of peers:
 * decode, verify MESSAGE-INTEGRITY and FINGERPRINT, role check, respond (signed), update the
 * pair. werift has no sans-IO agent to drive; its contender does the per-check work its
 * `Connection` does (parse, build the signed response).
 */
import { seededRng } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import { IceAgent } from "@purertc/ice";
import {
  attr,
  encodeStunMessage,
  IceControlling,
  Priority,
  StunIntegrityKey,
  StunMethod,
  Username,
} from "@purertc/stun";
import { Driver, NetSim } from "@purertc/testkit";
import { classes, Message, methods, parseMessage } from "werift";
import { defineBench } from "../harness.js";

/** Two agents with 10 host candidates each over a 20 ms link; returns the simulated ms. */
function session(seed: number): number {
  const sim = new NetSim({ seed, link: { latencyMs: 20 } });
  const addrs = (p: string) => Array.from({ length: 10 }, (_, i) => `${p}.${i + 1}`);
  const aAddrs = addrs("10.0.1");
  const bAddrs = addrs("10.0.2");
  sim.addHost("a", aAddrs);
  sim.addHost("b", bAddrs);
  const driver = new Driver(sim, { timeoutMs: 60_000 });
  const a = new IceAgent({ role: "controlling", rng: seededRng(seed), crypto: nodeCrypto });
  const b = new IceAgent({ role: "controlled", rng: seededRng(seed + 1), crypto: nodeCrypto });
  const wire = (to: IceAgent) => ({
    onEvent: (ev: ReturnType<IceAgent["pollEvent"]>, now: number) => {
      if (ev?.type === "candidate") to.addRemoteCandidate(now, ev.candidate);
      if (ev?.type === "gathering-state" && ev.state === "complete")
        to.addRemoteEndOfCandidates(now);
    },
    logEvents: false,
  });
  driver.attach(
    "a",
    a,
    aAddrs.map((address) => ({ address, port: 5000 })),
    wire(b),
  );
  driver.attach(
    "b",
    b,
    bAddrs.map((address) => ({ address, port: 5000 })),
    wire(a),
  );
  for (const [i, address] of aAddrs.entries())
    a.addHostCandidate(0, { address, port: 5000, interfaceRank: i });
  for (const [i, address] of bAddrs.entries())
    b.addHostCandidate(0, { address, port: 5000, interfaceRank: i });
  a.setRemoteCredentials(0, b.localCredentials);
  b.setRemoteCredentials(0, a.localCredentials);
  a.gather(0);
  b.gather(0);
  driver.runUntil(() => a.selectedPair !== undefined && b.selectedPair !== undefined);
  return driver.now;
}

const SERVER_CREDS = { ufrag: "srvUfragsrvUfrag", pwd: "serverPasswordserverPassword" };
const CLIENT_CREDS = { ufrag: "cliUfragcliUfrag", pwd: "clientPasswordclientPassword" };
const FROM = { address: "198.51.100.7", port: 40000 };
const TO = { address: "10.0.0.1", port: 3478 };

function checkRequest(): Uint8Array {
  return encodeStunMessage(
    {
      method: StunMethod.Binding,
      class: "request",
      transactionId: Uint8Array.from({ length: 12 }, (_, i) => i + 1),
      attributes: [
        attr(Username, `${SERVER_CREDS.ufrag}:${CLIENT_CREDS.ufrag}`),
        attr(Priority, 1853824767),
        attr(IceControlling, 0x1234567890abcdefn),
      ],
    },
    { integrity: StunIntegrityKey.shortTerm(SERVER_CREDS.pwd, nodeCrypto), fingerprint: true },
  );
}

export default defineBench({
  name: "ice",
  cases: [
    {
      name: "10×10 host candidates → selected pair (whole simulated session)",
      unit: "sessions/s",
      contenders: {
        purertc: () => {
          console.log(
            `  ice: simulated time to selected pair with 10×10 candidates: ${session(1)} ms`,
          );
          let seed = 1;
          return () => session(seed++);
        },
      },
    },
    {
      name: "connectivity checks answered by one agent (single-port server load)",
      unit: "checks/s",
      contenders: {
        purertc: () => {
          const agent = new IceAgent({
            lite: true,
            credentials: SERVER_CREDS,
            rng: seededRng(1),
            crypto: nodeCrypto,
            mdns: "disabled",
          });
          agent.addHostCandidate(0, TO);
          agent.setRemoteCredentials(0, CLIENT_CREDS);
          const data = checkRequest();
          const dgram = { from: FROM, to: TO, data };
          let now = 0;
          return () => {
            agent.handleDatagram(++now, dgram);
            if (!agent.pollTransmit()) throw new Error("no response");
            while (agent.pollEvent());
          };
        },
        "werift (parse + signed response, as its Connection does)": () => {
          const data = Buffer.from(checkRequest());
          const pwd = Buffer.from(SERVER_CREDS.pwd);
          return () => {
            const msg = parseMessage(data, pwd);
            if (!msg) throw new Error("parse failed");
            msg.getAttributeValue("USERNAME");
            new Message(methods.BINDING, classes.RESPONSE, msg.transactionId)
              .setAttribute("XOR-MAPPED-ADDRESS", [FROM.address, FROM.port])
              .addMessageIntegrity(pwd)
              .addFingerprint().bytes;
          };
        },
      },
    },
  ],
});
