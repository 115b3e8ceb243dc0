/** Relay-only pairs of Node agents for the TURN tests (UDP, TCP and TLS to the server). */
import { utf8Encode } from "@purertc/common";
import { expect } from "vitest";
import type { IceCandidate, IceRelayProtocol } from "../../src/index.js";
import type { IceServerConfig, NodeIceAgent, NodeIceAgentOptions } from "../../src/node/index.js";
import { connected, make, signal, until } from "./helpers.js";

/** Two relay-only agents through the same `iceServers`; returns what each received. */
export function relayPair(
  iceServers: IceServerConfig[],
  options: Partial<NodeIceAgentOptions> = {},
) {
  return pairOf({ ...options, iceServers }, { ...options, iceServers });
}

/**
 * Two relay-only agents (controlling `a`, controlled `b`) with their own options, wired by
 * trickle, connected; returns what each received and signalled.
 */
export async function pairOf(oa: Partial<NodeIceAgentOptions>, ob: Partial<NodeIceAgentOptions>) {
  const got = { a: [] as string[], b: [] as string[] };
  const signalled = { a: [] as IceCandidate[], b: [] as IceCandidate[] };
  const a = await make({ ...oa, agent: { role: "controlling", transportPolicy: "relay" } }, got.a);
  const b = await make({ ...ob, agent: { role: "controlled", transportPolicy: "relay" } }, got.b);
  a.addEventListener("candidate", (e) => signalled.a.push(candidateOf(e)));
  b.addEventListener("candidate", (e) => signalled.b.push(candidateOf(e)));
  signal(a, b);
  a.gather();
  b.gather();
  await until(() => connected(a) && connected(b), 10_000);
  return { a, b, got, signalled };
}

export function candidateOf(e: Event): IceCandidate {
  const d = (e as Event & { detail: { candidate: IceCandidate } }).detail;
  return d.candidate;
}

export async function exchange(
  a: NodeIceAgent,
  b: NodeIceAgent,
  got: { a: string[]; b: string[] },
) {
  for (let i = 0; i < 10; i++) {
    expect(a.send(utf8Encode(`a${i}`))).toBe(true);
    expect(b.send(utf8Encode(`b${i}`))).toBe(true);
  }
  await until(() => got.a.length === 10 && got.b.length === 10);
  expect(got.b).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
  expect(got.a).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
}

/** Only relayed candidates from `url` (over `protocol`) were signalled and selected. */
export function expectRelayOnly(
  x: NodeIceAgent,
  signalled: IceCandidate[],
  url: string,
  protocol: IceRelayProtocol = "udp",
): void {
  expect(signalled.length).toBeGreaterThan(0);
  for (const c of signalled) {
    expect(c.type).toBe("relay");
    expect(c.url).toBe(url);
    expect(c.relayProtocol).toBe(protocol);
  }
  const sel = x.agent.selectedPair!;
  expect(sel.local.type).toBe("relay");
  expect(sel.remote.type).toBe("relay");
}

/**
 * Two relay-only agents through one TURN URL: only relayed candidates over `protocol` were
 * signalled and selected, and data flows both ways.
 */
export async function relayOnlyBothWays(
  url: string,
  protocol: IceRelayProtocol,
  options: Partial<NodeIceAgentOptions> = {},
): Promise<void> {
  const { a, b, got, signalled } = await relayPair(
    [{ urls: url, username: "alice", credential: "secret" }],
    options,
  );
  expectRelayOnly(a, signalled.a, url, protocol);
  expectRelayOnly(b, signalled.b, url, protocol);
  await exchange(a, b, got);
}
