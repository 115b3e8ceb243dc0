/** Two peer cores negotiated with JsepSession over a NetSim link, in simulated time. */
import { type Rng, seededRng } from "@purertc/common";
import { fingerprint, type GeneratedCertificate, generateCertificate } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { generateCredentials } from "@purertc/ice";
import { Driver, type LinkConditions, NetSim, type Pair } from "@purertc/testkit";
import {
  JsepSession,
  type LocalTransportInit,
  PeerCore,
  type PeerCoreConfig,
  type PeerCoreEvent,
} from "../../src/index.js";

export interface SimPeer {
  readonly core: PeerCore;
  readonly jsep: JsepSession;
  readonly cert: GeneratedCertificate;
  readonly rng: Rng;
  readonly events: PeerCoreEvent[];
}

const certs: GeneratedCertificate[] = [];
function cert(i: number): GeneratedCertificate {
  certs[i] ??= generateCertificate(nodeCrypto, { now: 1_700_000_000_000 });
  return certs[i]!;
}

function local(p: SimPeer): LocalTransportInit {
  return {
    credentials: p.core.localCredentials,
    fingerprints: [{ algorithm: "sha-256", value: fingerprint(nodeCrypto, p.cert.der, "sha-256") }],
    candidates: p.core.localCandidates,
    endOfCandidates: false,
    maxMessageSize: 262144,
    sctpPort: 5000,
  };
}

/** Applies a transport description to a core, as the W3C layer does. */
export function applyTransport(p: SimPeer, now: number): void {
  const r = p.jsep.remoteTransport;
  if (r?.ufrag && r.pwd) p.core.setRemoteCredentials(now, { ufrag: r.ufrag, pwd: r.pwd }, r.lite);
  for (const c of r?.candidates ?? []) p.core.addRemoteCandidate(now, c);
  const role = p.jsep.dtlsRole;
  if (role && r?.data && !p.core.hasSctp)
    p.core.setTransportParameters(now, {
      dtlsRole: role,
      fingerprints: r.fingerprints,
      localSctpPort: 5000,
      remoteSctpPort: r.data.sctpPort,
      remoteMaxMessageSize: r.data.maxMessageSize,
    });
}

export interface SimPair extends Pair<PeerCoreEvent, PeerCoreEvent> {
  readonly offerer: SimPeer;
  readonly answerer: SimPeer;
}

/**
 * Builds two cores at 10.0.0.1:5000 (offerer, controlling) and 10.0.0.2:5000, negotiates a data
 * section with JsepSession and trickles candidates through `onEvent`.
 */
export function simPair(
  seed: number,
  link: Partial<LinkConditions> = {},
  config: Pick<Partial<PeerCoreConfig>, "dtls" | "sctp"> = {},
): SimPair {
  const mk = (i: number): SimPeer => {
    const rng = seededRng(seed * 10 + i);
    return {
      core: new PeerCore({
        iceRole: i === 0 ? "controlling" : "controlled",
        certificate: cert(i),
        crypto: nodeCrypto,
        rng,
        ice: { credentials: generateCredentials(rng), mdns: "disabled" },
        ...config,
      }),
      jsep: new JsepSession(String(1000 + i)),
      cert: cert(i),
      rng,
      events: [],
    };
  };
  const offerer = mk(0);
  const answerer = mk(1);
  const sim = new NetSim({ seed, link });
  sim.addHost("a", "10.0.0.1");
  sim.addHost("b", "10.0.0.2");
  const driver = new Driver(sim, { timeoutMs: 120_000 });
  const route = (me: SimPeer, other: SimPeer) => ({
    onEvent: (e: PeerCoreEvent, now: number) => {
      me.events.push(e);
      if (e.type === "ice-candidate") other.core.addRemoteCandidate(now, e.candidate);
    },
  });
  return {
    sim,
    driver,
    a: driver.attach(
      "a",
      offerer.core,
      { address: "10.0.0.1", port: 5000 },
      route(offerer, answerer),
    ),
    b: driver.attach(
      "b",
      answerer.core,
      { address: "10.0.0.2", port: 5000 },
      route(answerer, offerer),
    ),
    offerer,
    answerer,
  };
}

/** Offer/answer with a data section, then host candidates and gathering on both sides. */
export function negotiate(s: SimPair): void {
  const now = s.driver.now;
  const { offerer: o, answerer: a } = s;
  o.core.addHostCandidate(now, { address: "10.0.0.1", port: 5000 });
  a.core.addHostCandidate(now, { address: "10.0.0.2", port: 5000 });
  const offer = o.jsep.createOffer(local(o), true);
  o.jsep.setLocal("offer", offer);
  o.core.gather(now);
  a.jsep.setRemote("offer", offer);
  applyTransport(a, now);
  const answer = a.jsep.createAnswer(local(a));
  a.jsep.setLocal("answer", answer);
  applyTransport(a, now);
  a.core.gather(now);
  o.jsep.setRemote("answer", answer);
  applyTransport(o, now);
}
