/** Binding UDP sockets: in a port range, and closing them (node:dgram). */
import { createSocket, type Socket, type SocketOptions } from "node:dgram";
import { lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";

/** An inclusive port range (W3C has none; servers need one for firewalls). */
export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** The last literal seen and its family: a connection sends to one address (no `isIP` per send). */
let lastLiteral = "";
let lastFamily = 0;

/**
 * dgram resolves every destination through its `lookup`, an IP literal included: `dns.lookup`
 * answers those on the next tick, one `process.nextTick` per datagram sent, which showed in the
 * idle CPU of 1,000 peers (consent checks). Literals — all the ICE agent sends to — are answered
 * at once; names still go to `dns.lookup`.
 */
const literalLookup: NonNullable<SocketOptions["lookup"]> = (address, options, callback) => {
  if (address !== lastLiteral) {
    const family = isIP(address);
    if (family === 0) return dnsLookup(address, options, callback);
    lastLiteral = address;
    lastFamily = family;
  }
  callback(null, address, lastFamily);
};

function bindOnce(address: string, port: number): Promise<Socket> {
  const family = address.includes(":") ? "udp6" : "udp4";
  return new Promise((resolve, reject) => {
    const socket = createSocket({
      type: family,
      ipv6Only: family === "udp6",
      lookup: literalLookup,
    });
    const onError = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once("error", onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

/**
 * Binds a UDP socket on `address`: an ephemeral port without a range, else the first free port
 * of the range starting at a random offset. Rejects when every port is taken.
 */
export async function bindUdp(
  address: string,
  range?: PortRange,
  random = Math.random,
): Promise<Socket> {
  if (!range) return bindOnce(address, 0);
  if (
    !(
      Number.isInteger(range.min) &&
      Number.isInteger(range.max) &&
      range.min >= 1 &&
      range.max <= 65535 &&
      range.min <= range.max
    )
  )
    throw new RangeError(`bad port range ${range.min}-${range.max}`);
  const span = range.max - range.min + 1;
  const start = Math.floor(random() * span);
  let last: unknown;
  for (let i = 0; i < span; i++) {
    try {
      return await bindOnce(address, range.min + ((start + i) % span));
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no free UDP port in ${range.min}-${range.max} on ${address}: ${String(last)}`);
}

/** Closes a socket and waits until Node has released it. */
export function closeUdp(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
