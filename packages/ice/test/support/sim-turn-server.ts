/**
 * The real TURN server core (@purertc/turn `TurnServer`) on the simulated network, through the
 * test kit's {@link SimTurnServer}: 8 relay ports on the server's host.
 */
import { type SocketAddress, seededRng } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { SimTurnServer } from "@purertc/testkit";
import { TurnServer } from "@purertc/turn";

export const TURN_USER = "ice";
export const TURN_PASSWORD = "relay-secret";

/** A TURN server listening at `listener`; attach it at `[listener, ...relayPorts]`. */
export function simTurnServer(listener: SocketAddress, seed: number): SimTurnServer<TurnServer> {
  const core = new TurnServer({
    crypto: nobleCrypto,
    rng: seededRng(seed * 7 + 3),
    realm: "sim.test",
    users: { [TURN_USER]: TURN_PASSWORD },
  });
  const ports = Array.from({ length: 8 }, (_, i) => ({
    address: listener.address,
    port: 50000 + i,
  }));
  return new SimTurnServer(core, ports);
}
