/**
 * The multicast DNS socket (RFC 6762 §3: 224.0.0.251, UDP 5353), shared with other responders
 * on the host through SO_REUSEADDR. Joining can fail (containers, VMs without multicast):
 * {@link openMdnsSocket} then resolves to `undefined` and the agent goes on without mDNS.
 */
import { createSocket, type Socket } from "node:dgram";
import { MDNS_IPV4 } from "../mdns/mdns-resolver.js";

/**
 * Opens the mDNS socket, or returns `undefined` with the reason passed to `onError`.
 * `interfaceAddress` pins membership and sending to one interface (e.g. `127.0.0.1`).
 */
export function openMdnsSocket(
  onError: (e: Error) => void = () => {},
  interfaceAddress?: string,
): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: "udp4", reuseAddr: true });
    const fail = (e: Error) => {
      onError(e);
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(undefined);
    };
    socket.once("error", fail);
    socket.bind(MDNS_IPV4.port, () => {
      try {
        socket.addMembership(MDNS_IPV4.address, interfaceAddress);
        if (interfaceAddress) socket.setMulticastInterface(interfaceAddress);
        socket.setMulticastTTL(255);
        socket.setMulticastLoopback(true);
      } catch (e) {
        fail(e as Error);
        return;
      }
      socket.off("error", fail);
      resolve(socket);
    });
  });
}
