/**
 * Local and remote candidates (RFC 8445 §5.1) and how they are paired (§6.1.2.2): host
 * candidates from the caller's sockets, server-reflexive ones from the gatherer, relayed ones
 * from relay allocations, remote ones from signalling and mDNS resolution (RFC 8828).
 */
import {
  type Datagram,
  ipFamily,
  type Millis,
  normalizeIp,
  type SocketAddress,
  sameSocketAddress,
} from "@purertc/common";
import type { HostCandidateOptions } from "../agent.js";
import {
  candidateFoundation,
  candidatePriority,
  type IceCandidate,
  isMdnsName,
  localPreference,
} from "../candidate.js";
import type { CandidatePair, LocalCandidate, RemoteCandidate } from "../candidate-pair.js";
import type { GathererEvent } from "../gatherer.js";
import { type MdnsEvent, randomMdnsName } from "../mdns/mdns-resolver.js";
import type { IceRelayClient, IceRelayEvent } from "../relay.js";
import type { AgentContext, RelaySlot } from "./context.js";
import { MAX_REMOTE_CANDIDATES } from "./trickle-buffer.js";

/**
 * A host candidate for a socket (RFC 8445 §5.1.1.1), announced and paired unless it exists
 * (`added: false`).
 */
export function addHost(
  ctx: AgentContext,
  now: Millis,
  options: HostCandidateOptions,
): { local: LocalCandidate; added: boolean } {
  const address = normalizeIp(options.address);
  const family = ipFamily(address);
  if (family === undefined) throw new TypeError(`not an IP address: ${options.address}`);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
    throw new RangeError(`port must be 1..65535, got ${options.port}`);
  const base = { address, port: options.port };
  const existing = ctx.locals.find(
    (l) => l.candidate.type === "host" && sameSocketAddress(l.base, base),
  );
  if (existing) return { local: existing, added: false };
  let shown = options.announcedAddress ? normalizeIp(options.announcedAddress) : address;
  if (ctx.config.mdns === "query-and-gather" && !options.announcedAddress && ctx.mdns) {
    shown = randomMdnsName(ctx.rng);
    ctx.mdns.publish(shown, address);
  }
  const candidate: IceCandidate = {
    foundation: candidateFoundation("host", address),
    component: 1,
    transport: "udp",
    priority: candidatePriority("host", localPreference(family, options.interfaceRank ?? 0)),
    address: shown,
    port: options.port,
    type: "host",
  };
  const local = addLocal(
    ctx,
    now,
    candidate,
    base,
    undefined,
    ctx.config.transportPolicy === "all",
  );
  if (ctx.gatheringStarted) ctx.gatherer.query(now, local);
  return { local, added: true };
}

/** Adds a local candidate; an announced one is signalled and paired with the remotes. */
export function addLocal(
  ctx: AgentContext,
  now: Millis,
  candidate: IceCandidate,
  base: SocketAddress,
  relay: IceRelayClient | undefined,
  announce: boolean,
): LocalCandidate {
  const local: LocalCandidate = {
    id: `L${ctx.nextId++}`,
    candidate,
    base,
    relay,
    announced: announce,
  };
  ctx.locals.push(local);
  if (announce) ctx.events.push({ type: "candidate", candidate: ctx.withUfrag(candidate) });
  if (announce && candidate.type !== "srflx" && ctx.gen.remote) {
    for (const r of ctx.remotes) pair(ctx, now, local, r);
  }
  return local;
}

/** A server-reflexive candidate from the gatherer, unless its address is known already. */
export function addServerReflexive(
  ctx: AgentContext,
  now: Millis,
  e: Extract<GathererEvent, { type: "srflx" }>,
): void {
  const dup = ctx.locals.some(
    (l) => l.candidate.address === e.candidate.address && l.candidate.port === e.candidate.port,
  );
  if (!dup) addLocal(ctx, now, e.candidate, e.base, undefined, true);
}

/** The relayed candidate of an allocation (RFC 8445 §5.1.1.2), its own base. */
export function addRelayed(
  ctx: AgentContext,
  now: Millis,
  slot: RelaySlot,
  e: Extract<IceRelayEvent, { type: "allocated" }>,
): void {
  const c = slot.client;
  slot.done = true;
  const fam = ipFamily(e.relayed.address) ?? 4;
  const relayed = { address: normalizeIp(e.relayed.address), port: e.relayed.port };
  slot.local = addLocal(
    ctx,
    now,
    {
      foundation: candidateFoundation("relay", relayed.address, c.server.address),
      component: 1,
      transport: "udp",
      priority: candidatePriority("relay", localPreference(fam, 0, c.protocol)),
      address: relayed.address,
      port: relayed.port,
      type: "relay",
      ...(e.mapped
        ? { relatedAddress: normalizeIp(e.mapped.address), relatedPort: e.mapped.port }
        : {}),
      url: c.url,
      relayProtocol: c.protocol,
    },
    relayed,
    c,
    true,
  );
}

/** Adds a signalled remote candidate; an mDNS name is paired once resolved. */
export function addRemote(ctx: AgentContext, now: Millis, candidate: IceCandidate): void {
  if (candidate.component !== 1 || ctx.remotes.length >= MAX_REMOTE_CANDIDATES) {
    ctx.ignoredCandidates++;
    return;
  }
  const mdnsName = isMdnsName(candidate.address);
  if (mdnsName && !ctx.mdns) {
    ctx.ignoredCandidates++;
    return;
  }
  const known = ctx.remotes.find(
    (r) => r.candidate.address === candidate.address && r.candidate.port === candidate.port,
  );
  if (known) {
    if (known.candidate.type === "prflx") {
      // RFC 8838 §11.4: a signalled candidate replaces a peer-reflexive one with its address.
      (known as { candidate: IceCandidate }).candidate = candidate;
    }
    return;
  }
  const remote: RemoteCandidate = {
    id: `R${ctx.nextId++}`,
    candidate,
    resolved: mdnsName ? undefined : { address: candidate.address, port: candidate.port },
  };
  ctx.remotes.push(remote);
  if (mdnsName) {
    // The name may be known already, e.g. from the peer's unsolicited announcement (RFC 6762 §8.3).
    const ip = ctx.mdns!.lookup(candidate.address);
    if (ip) remote.resolved = { address: normalizeIp(ip), port: candidate.port };
    else ctx.mdns!.resolve(now, candidate.address);
    if (remote.resolved && takeOverPrflx(ctx, remote)) return;
  }
  if (remote.resolved) pairRemote(ctx, now, remote);
}

/**
 * RFC 8838 §11.4: a signalled candidate whose (resolved) address is a peer-reflexive remote's
 * takes that candidate over instead of forming pairs of its own; `r` leaves the remote list.
 */
function takeOverPrflx(ctx: AgentContext, r: RemoteCandidate): boolean {
  const prflx = ctx.remotes.find(
    (x) =>
      x !== r &&
      x.candidate.type === "prflx" &&
      x.resolved &&
      sameSocketAddress(x.resolved, r.resolved!),
  );
  if (!prflx) return false;
  (prflx as { candidate: IceCandidate }).candidate = r.candidate;
  ctx.remotes.splice(ctx.remotes.indexOf(r), 1);
  return true;
}

/** RFC 8828 §3.2.1: an mDNS answer resolves the remote candidates with that name. */
export function mdnsResolved(ctx: AgentContext, now: Millis, e: MdnsEvent): void {
  for (const r of [...ctx.remotes]) {
    if (r.resolved || r.candidate.address !== e.name) continue;
    if (e.type !== "resolved") continue;
    const fam = ipFamily(r.candidate.relatedAddress ?? "");
    const ip = e.addresses.find((a) => fam === undefined || ipFamily(a) === fam) ?? e.addresses[0]!;
    r.resolved = { address: normalizeIp(ip), port: r.candidate.port };
    if (!takeOverPrflx(ctx, r)) pairRemote(ctx, now, r);
  }
}

function pairRemote(ctx: AgentContext, now: Millis, remote: RemoteCandidate): void {
  for (const l of ctx.locals)
    if (l.announced && l.candidate.type !== "srflx") pair(ctx, now, l, remote);
}

/** Forms and lists the pair of `local` and `remote` when they can talk (RFC 8445 §6.1.2.2). */
export function pair(
  ctx: AgentContext,
  now: Millis,
  local: LocalCandidate,
  remote: RemoteCandidate,
): CandidatePair | undefined {
  if (ctx.lite || !remote.resolved) return undefined;
  if (ipFamily(local.base.address) !== ipFamily(remote.resolved.address)) return undefined;
  if (ctx.config.transportPolicy === "relay" && !local.relay) return undefined;
  const existing = ctx.checklist.find(local.id, remote.id);
  if (existing) return existing;
  const pair = ctx.newPair(local, remote);
  const kept = ctx.checklist.add(pair);
  if (kept === pair && local.relay) ctx.permit(now, pair);
  return kept;
}

/** The local candidate a datagram arrived on: the host candidate whose base is `to`. */
export function arrivalCandidate(ctx: AgentContext, dgram: Datagram): LocalCandidate | undefined {
  const to = dgram.to;
  if (to) {
    // Adapters hand over the bound address as it was bound (already normalized): compare it
    // as is first, parsing it only when that fails (this runs for every STUN datagram).
    for (const l of ctx.locals)
      if (l.candidate.type === "host" && l.base.port === to.port && l.base.address === to.address)
        return l;
    const normalized = { address: normalizeIp(to.address), port: to.port };
    for (const l of ctx.locals)
      if (l.candidate.type === "host" && sameSocketAddress(l.base, normalized)) return l;
    return undefined;
  }
  const fam = ipFamily(dgram.from.address);
  for (const l of ctx.locals)
    if (l.candidate.type === "host" && ipFamily(l.base.address) === fam) return l;
  return undefined;
}
