/**
 * The runner's lifecycle for one peer connection: the {@link PeerCore} and {@link PeerRunner}
 * created at the first set*Description (with the ICE servers resolved), then socket binding,
 * TURN allocations and gathering once a local description has a section to gather for.
 */
import { PeerCore } from "../peer-core.js";
import type { PeerCoreEvent } from "../peer-core-events.js";
import { certificateMaterial } from "./certificate.js";
import { RTCPeerConnectionIceErrorEvent } from "./events.js";
import { resolveIceServers } from "./ice-servers.js";
import { closedError, type PeerContext } from "./peer-context.js";
import { PeerRunner } from "./runner.js";

/** Where the runner delivers what it drains. */
export interface RunnerHooks {
  onEvent(e: PeerCoreEvent): void;
  afterPump(): void;
}

/** Creates the runner once (in `role`); rejects if the connection closed meanwhile. */
export async function ensureRunner(
  ctx: PeerContext,
  role: "controlling" | "controlled",
  hooks: RunnerHooks,
): Promise<void> {
  if (!ctx.runnerReady) ctx.runnerReady = createRunner(ctx, role, hooks);
  await ctx.runnerReady;
  if (ctx.closed) throw closedError();
}

async function createRunner(
  ctx: PeerContext,
  role: "controlling" | "controlled",
  hooks: RunnerHooks,
): Promise<void> {
  // webrtc-pc §4.8.3: a skipped server is reported with 701, as browsers report an
  // unreachable one.
  const { stun: stunServers, turn } = await resolveIceServers(ctx.servers, (url, errorText) => {
    ctx.log.warn("ICE server skipped", { url, reason: errorText });
    ctx.queue(() =>
      ctx.dispatch(
        new RTCPeerConnectionIceErrorEvent("icecandidateerror", {
          url,
          errorCode: 701,
          errorText,
        }),
      ),
    );
  });
  ctx.turnServers = turn;
  const core = new PeerCore({
    iceRole: role,
    certificate: certificateMaterial(ctx.certificate),
    crypto: ctx.crypto,
    rng: ctx.rng,
    logger: ctx.log,
    ice: {
      credentials: ctx.creds,
      stunServers,
      transportPolicy: ctx.config.iceTransportPolicy,
      mdns: ctx.opts.mdns ?? "query-only",
    },
    sctp: {
      maxReceiveMessageSize: ctx.maxMessageSize,
      // The same bound both ways: what we probe for and the Receive MTU we announce.
      ...(ctx.opts.maxSctpPacketSize === undefined
        ? {}
        : { maxMtu: ctx.opts.maxSctpPacketSize, receiveMtu: ctx.opts.maxSctpPacketSize }),
    },
    cname: ctx.cname,
    media: { wallClockOffsetMs: performance.timeOrigin },
  });
  ctx.runner = new PeerRunner(
    core,
    (e) => hooks.onEvent(e),
    () => hooks.afterPump(),
    ctx.log,
  );
}

/** Binds the sockets, allocates the TURN relays, then starts gathering. */
export async function startGathering(ctx: PeerContext): Promise<void> {
  const runner = ctx.runner!;
  const o = ctx.opts;
  await runner.bind({
    ...(o.interfaces ? { interfaces: o.interfaces } : {}),
    ...(o.addresses ? { addresses: o.addresses } : {}),
    ...(o.portRange ? { portRange: o.portRange } : {}),
    ...(o.singlePort ? { mux: o.singlePort } : {}),
    ...(o.natIp ? { announcedAddresses: o.natIp } : {}),
    mdns: (o.mdns ?? "query-only") !== "disabled",
    logger: ctx.log,
  });
  if (ctx.closed) return;
  await runner.addTurnRelays(
    ctx.turnServers,
    ctx.crypto,
    ctx.rng,
    ...(o.portRange ? [o.portRange] : []),
  );
  if (ctx.closed) return;
  runner.core.gather(runner.now());
  runner.pump();
}
