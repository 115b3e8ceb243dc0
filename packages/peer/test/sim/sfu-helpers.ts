/**
 * An SFU topology in simulated time: clients at 10.0.1.N:5000, each with a media leg (one
 * video section, mid "0", sendrecv) to its own core on the SFU host 10.0.0.100:(6000 + N).
 */
import { type Rng, seededRng } from "@purertc/common";
import { fingerprint, type GeneratedCertificate, generateCertificate } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { generateCredentials } from "@purertc/ice";
import type { MediaSection } from "@purertc/sdp";
import { Driver, type LinkConditions, NetSim } from "@purertc/testkit";
import {
  defaultCodecs,
  defaultExtmaps,
  JsepSession,
  type LocalTransportInit,
  PeerCore,
  type PeerCoreEvent,
} from "../../src/index.js";

export interface LegEnd {
  readonly core: PeerCore;
  readonly jsep: JsepSession;
  readonly events: PeerCoreEvent[];
  /** Our video SSRC (and RTX SSRC + 1). */
  readonly ssrc: number;
}

/** One client and the SFU core that serves it. */
export interface Leg {
  readonly client: LegEnd;
  readonly sfu: LegEnd;
}

export interface SfuSim {
  readonly driver: Driver;
  readonly sim: NetSim;
  readonly legs: Leg[];
}

/** Called for every event of every core (after it is logged); may issue commands. */
export type SfuHook = (leg: number, side: "client" | "sfu", e: PeerCoreEvent, now: number) => void;

let certs: GeneratedCertificate[] | undefined;
function cert(i: 0 | 1): GeneratedCertificate {
  certs ??= [0, 1].map(() => generateCertificate(nodeCrypto, { now: 1_700_000_000_000 }));
  return certs[i]!;
}

function end(rng: Rng, controlling: boolean, ssrc: number, certIndex: 0 | 1): LegEnd {
  return {
    core: new PeerCore({
      iceRole: controlling ? "controlling" : "controlled",
      certificate: cert(certIndex),
      crypto: nodeCrypto,
      rng,
      ice: { credentials: generateCredentials(rng), mdns: "disabled" },
    }),
    jsep: new JsepSession(String(ssrc)),
    events: [],
    ssrc,
  };
}

function local(e: LegEnd, certIndex: 0 | 1): LocalTransportInit {
  return {
    credentials: e.core.localCredentials,
    fingerprints: [
      { algorithm: "sha-256", value: fingerprint(nodeCrypto, cert(certIndex).der, "sha-256") },
    ],
    candidates: e.core.localCandidates,
    endOfCandidates: false,
    maxMessageSize: 262144,
    sctpPort: 5000,
  };
}

function apply(e: LegEnd, now: number): void {
  const r = e.jsep.remoteTransport!;
  e.core.setRemoteCredentials(now, { ufrag: r.ufrag!, pwd: r.pwd! }, r.lite);
  for (const c of r.candidates) e.core.addRemoteCandidate(now, c);
  const role = e.jsep.dtlsRole;
  if (role && !e.core.dtlsRole)
    e.core.setTransportParameters(now, {
      dtlsRole: role,
      fingerprints: r.fingerprints,
      localSctpPort: 5000,
      remoteSctpPort: 5000,
      remoteMaxMessageSize: 65536,
      sctp: false,
    });
}

/** Sender and receiver of the video section, with the peer's SSRCs signalled. */
function configure(e: LegEnd, peer: LegEnd, m: MediaSection, now: number): void {
  e.core.configureMedia(
    now,
    [
      {
        id: 0,
        mid: m.mid!,
        kind: "video",
        ssrc: e.ssrc,
        rtxSsrc: e.ssrc + 1,
        codecs: m.codecs,
        extmaps: m.extmaps,
      },
    ],
    [
      {
        id: 0,
        mid: m.mid!,
        kind: "video",
        codecs: m.codecs,
        extmaps: m.extmaps,
        ssrcs: [peer.ssrc],
        rtxSsrcs: new Map([[peer.ssrc + 1, peer.ssrc]]),
      },
    ],
  );
}

/** `clients` client↔SFU legs over links with `link` conditions, negotiated and gathering. */
export function sfuSim(
  seed: number,
  clients: number,
  link: Partial<LinkConditions>,
  hook: SfuHook = () => {},
): SfuSim {
  const sim = new NetSim({ seed, link });
  const driver = new Driver(sim, { timeoutMs: 120_000 });
  sim.addHost("sfu", "10.0.0.100");
  const legs: Leg[] = [];
  const now = driver.now;
  for (let i = 0; i < clients; i++) {
    const ip = `10.0.1.${i + 1}`;
    sim.addHost(`c${i}`, ip);
    const client = end(seededRng(seed * 100 + i * 2), true, 0x10000 * (i + 1), 0);
    const sfu = end(seededRng(seed * 100 + i * 2 + 1), false, 0x10000 * (i + 1) + 0x100, 1);
    const route = (me: LegEnd, other: LegEnd, side: "client" | "sfu") => ({
      onEvent: (e: PeerCoreEvent, t: number) => {
        me.events.push(e);
        if (e.type === "ice-candidate") other.core.addRemoteCandidate(t, e.candidate);
        hook(i, side, e, t);
      },
      logEvents: false,
    });
    driver.attach(`c${i}`, client.core, { address: ip, port: 5000 }, route(client, sfu, "client"));
    driver.attach(
      `s${i}`,
      sfu.core,
      { address: "10.0.0.100", port: 6000 + i },
      route(sfu, client, "sfu"),
    );
    client.core.addHostCandidate(now, { address: ip, port: 5000 });
    sfu.core.addHostCandidate(now, { address: "10.0.0.100", port: 6000 + i });
    const offer = client.jsep.createOffer(local(client, 0), false, [
      {
        kind: "video",
        mid: "0",
        direction: "sendrecv",
        codecs: defaultCodecs("video"),
        extmaps: defaultExtmaps("video"),
      },
    ]);
    client.jsep.setLocal("offer", offer);
    sfu.jsep.setRemote("offer", offer);
    apply(sfu, now);
    const answer = sfu.jsep.createAnswer(local(sfu, 1), {
      codecs: { audio: defaultCodecs("audio"), video: defaultCodecs("video") },
      media: { "0": { direction: "sendrecv" } },
    });
    sfu.jsep.setLocal("answer", answer);
    apply(sfu, now);
    client.jsep.setRemote("answer", answer);
    apply(client, now);
    const m = sfu.jsep.localTransport!.model.media[0]!;
    configure(client, sfu, m, now);
    configure(sfu, client, m, now);
    client.core.gather(now);
    sfu.core.gather(now);
    legs.push({ client, sfu });
  }
  return { driver, sim, legs };
}
