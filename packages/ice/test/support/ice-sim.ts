/**
 * Two ICE agents over a NetSim with optional NATs, a STUN server, the test relay and a real
 * TURN server core from @purertc/turn.
 */
import { type Datagram, type Endpoint, type SocketAddress, seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { isStunMessage, StunServer } from "@purertc/stun";
import {
  type DrivenEndpoint,
  Driver,
  type LinkConditions,
  type NatBehavior,
  NetSim,
  type SimTurnServer,
} from "@purertc/testkit";
import type { TurnServer } from "@purertc/turn";
import {
  IceAgent,
  type IceAgentConfig,
  type IceAgentEvent,
  type IceCandidate,
  type IceRole,
  TurnRelayClient,
} from "../../src/index.js";
import { TestRelayClient, TestRelayServer } from "./relay-double.js";
import { simTurnServer, TURN_PASSWORD, TURN_USER } from "./sim-turn-server.js";

/** none, or RFC 4787 mapping + filtering of the same kind. */
export type NatKind = "none" | "eim" | "adm" | "apdm";

const BEHAVIOR: Record<Exclude<NatKind, "none">, NatBehavior> = {
  eim: "endpoint-independent",
  adm: "address-dependent",
  apdm: "address-and-port-dependent",
};

export interface SideSpec {
  readonly nat?: NatKind;
  readonly role?: IceRole;
  readonly lite?: boolean;
  readonly stun?: boolean;
  readonly relay?: boolean;
  /** A TURN relay (RFC 8656) through the real server core at {@link TURN_ADDR}. */
  readonly turn?: boolean;
  readonly ipv6?: boolean;
  readonly config?: Partial<IceAgentConfig>;
}

export interface Side {
  readonly name: string;
  readonly agent: IceAgent;
  readonly endpoint: DrivenEndpoint<IceAgentEvent>;
  readonly relay: TestRelayClient | undefined;
  readonly turn: TurnRelayClient | undefined;
  /** Data received (via relay events or the `data` hook the harness installs). */
  readonly received: Uint8Array[];
  /** Signalling messages not yet delivered (manual mode). */
  readonly outbox: Signal[];
}

export type Signal =
  | { readonly kind: "candidate"; readonly candidate: IceCandidate }
  | { readonly kind: "end" };

export interface IceSimOptions {
  readonly a?: SideSpec;
  readonly b?: SideSpec;
  readonly seed?: number;
  readonly link?: Partial<LinkConditions>;
  /** `auto` (default) delivers candidates and end-of-candidates at once; `manual` queues them. */
  readonly signalling?: "auto" | "manual";
  /** Exchange credentials up front (default true). */
  readonly exchangeCredentials?: boolean;
}

export interface IceSim {
  readonly sim: NetSim;
  readonly driver: Driver;
  readonly a: Side;
  readonly b: Side;
  readonly relayServer: TestRelayServer;
  readonly turnServer: SimTurnServer<TurnServer>;
  /** Delivers `side`'s queued signals to its peer (manual mode). */
  flushSignals(from: Side): void;
  /** Gives each agent the other's credentials. */
  exchangeCredentials(): void;
}

export const STUN_ADDR: SocketAddress = { address: "198.51.100.1", port: 3478 };
export const RELAY_ADDR: SocketAddress = { address: "198.51.100.2", port: 3478 };
export const TURN_ADDR: SocketAddress = { address: "198.51.100.3", port: 3478 };

/** Builds the network, the agents and the signalling between them, at simulated time 0. */
export function iceSim(options: IceSimOptions = {}): IceSim {
  const seed = options.seed ?? 1;
  const sim = new NetSim({ seed, link: { latencyMs: 20, ...options.link } });
  sim.addHost("stun", STUN_ADDR.address);
  sim.addHost("relay", RELAY_ADDR.address);
  const driver = new Driver(sim, { timeoutMs: 120_000 });
  const stun = new StunServer();
  driver.attach("stun", stun, STUN_ADDR);
  const relayed = Array.from({ length: 8 }, (_, i) => ({
    address: RELAY_ADDR.address,
    port: 49152 + i,
  }));
  const relayServer = new TestRelayServer(RELAY_ADDR, relayed);
  driver.attach("relay", relayServer, [RELAY_ADDR, ...relayed]);
  sim.addHost("turn", TURN_ADDR.address);
  const turnServer = simTurnServer(TURN_ADDR, seed);
  driver.attach("turn", turnServer, [TURN_ADDR, ...turnServer.relayPorts]);
  const manual = options.signalling === "manual";
  const sides: Side[] = [];
  const build = (name: "a" | "b", spec: SideSpec, index: number): Side => {
    const nat = spec.nat ?? "none";
    const v4 = nat === "none" ? `198.51.100.${10 * (index + 1)}` : `192.168.${index + 1}.10`;
    if (nat !== "none") {
      sim.addNat(`nat-${name}`, {
        publicAddress: `203.0.113.${index + 1}`,
        mapping: BEHAVIOR[nat],
        filtering: BEHAVIOR[nat],
      });
    }
    const addrs: string[] = [v4];
    if (spec.ipv6) addrs.push(`2001:db8::${index + 1}`);
    sim.addHost(
      name,
      addrs.map((address) => ({
        address,
        ...(nat !== "none" && !address.includes(":") ? { behind: `nat-${name}` } : {}),
      })),
    );
    const agent = new IceAgent({
      role: spec.role ?? (index === 0 ? "controlling" : "controlled"),
      lite: spec.lite ?? false,
      rng: seededRng(seed * 100 + index),
      crypto: nobleCrypto,
      stunServers: spec.stun ? [STUN_ADDR] : [],
      ...spec.config,
    });
    const sockets = addrs.map((address) => ({ address, port: 5000 }));
    const relay = spec.relay ? new TestRelayClient(RELAY_ADDR, sockets[0]!) : undefined;
    const turn = spec.turn
      ? new TurnRelayClient({
          server: TURN_ADDR,
          username: TURN_USER,
          password: TURN_PASSWORD,
          crypto: nobleCrypto,
          rng: seededRng(seed * 100 + 50 + index),
          local: sockets[0]!,
        })
      : undefined;
    const received: Uint8Array[] = [];
    const outbox: Signal[] = [];
    const side: Side = {
      name,
      agent,
      relay,
      turn,
      received,
      outbox,
      endpoint: driver.attach(name, peerShim(agent, received), sockets, {
        onEvent: (ev, now) => {
          const peer = sides[1 - index];
          if (ev.type === "data") received.push(ev.data);
          const signal: Signal | undefined =
            ev.type === "candidate"
              ? { kind: "candidate", candidate: ev.candidate }
              : ev.type === "gathering-state" && ev.state === "complete"
                ? { kind: "end" }
                : undefined;
          if (!signal) return;
          if (manual || !peer) outbox.push(signal);
          else deliver(peer.agent, signal, now);
        },
      }),
    };
    for (const s of sockets) agent.addHostCandidate(0, { ...s, interfaceRank: 0 });
    if (relay) agent.addRelay(0, relay);
    if (turn) agent.addRelay(0, turn);
    return side;
  };
  const a = build("a", options.a ?? {}, 0);
  const b = build("b", options.b ?? {}, 1);
  sides.push(a, b);
  const deliver = (to: IceAgent, s: Signal, now: number) => {
    if (s.kind === "candidate") to.addRemoteCandidate(now, s.candidate);
    else to.addRemoteEndOfCandidates(now);
  };
  const exchange = () => {
    a.agent.setRemoteCredentials(driver.now, b.agent.localCredentials, { lite: b.agent.lite });
    b.agent.setRemoteCredentials(driver.now, a.agent.localCredentials, { lite: a.agent.lite });
  };
  if (options.exchangeCredentials !== false) exchange();
  a.agent.gather(0);
  b.agent.gather(0);
  return {
    sim,
    driver,
    a,
    b,
    relayServer,
    turnServer,
    exchangeCredentials: exchange,
    flushSignals(from: Side) {
      const to = from === a ? b : a;
      for (const s of from.outbox.splice(0)) deliver(to.agent, s, driver.now);
    },
  };
}

/** Whether both agents have a selected pair and are connected or completed. */
export function bothConnected(s: IceSim): boolean {
  const ok = (st: string) => st === "connected" || st === "completed";
  return (
    ok(s.a.agent.state) &&
    ok(s.b.agent.state) &&
    !!s.a.agent.selectedPair &&
    !!s.b.agent.selectedPair
  );
}

/**
 * What a peer connection does in front of its agent (RFC 7983): STUN and relay-server traffic
 * go to the agent, anything else is application data.
 */
function peerShim(agent: IceAgent, received: Uint8Array[]): Endpoint<IceAgentEvent> {
  return {
    handleDatagram(now: number, d: Datagram) {
      const fromRelay = [RELAY_ADDR, TURN_ADDR].some(
        (r) => d.from.address === r.address && d.from.port === r.port,
      );
      if (fromRelay || isStunMessage(d.data)) agent.handleDatagram(now, d);
      else {
        received.push(d.data);
        agent.noteReceived(now, d.from, d.data.length);
      }
    },
    handleTimeout: (now) => agent.handleTimeout(now),
    pollTransmit: () => agent.pollTransmit(),
    pollEvent: () => agent.pollEvent(),
    pollTimeout: () => agent.pollTimeout(),
  };
}
