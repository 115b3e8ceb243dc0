/** Small promise helpers around `node:dgram` and `node:net` servers. */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import type { Server } from "node:net";

/** Binds a UDP socket; rejects on EADDRINUSE and friends. */
export function bindUdp(address: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({
      type: address.includes(":") ? "udp6" : "udp4",
      ipv6Only: address.includes(":"),
    });
    const onError = (e: Error) => {
      socket.close();
      reject(e);
    };
    socket.once("error", onError);
    socket.bind(port, address, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

/** Closes a UDP socket (idempotent). */
export function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/** Starts a net/tls server listening. */
export function listen(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port, ipv6Only: address.includes(":") }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Closes a net/tls/http server. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
