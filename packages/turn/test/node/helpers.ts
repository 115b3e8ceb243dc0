import { createSocket, type Socket } from "node:dgram";

/** A UDP echo peer on 127.0.0.1. */
export async function echoPeer(): Promise<{
  socket: Socket;
  port: number;
  received: { port: number; data: Buffer }[];
  close: () => Promise<void>;
}> {
  const socket = createSocket("udp4");
  const received: { port: number; data: Buffer }[] = [];
  socket.on("message", (data, rinfo) => {
    received.push({ port: rinfo.port, data });
    socket.send(data, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  return {
    socket,
    port: socket.address().port,
    received,
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

/** A self-signed certificate for 127.0.0.1/localhost made by openssl, in a temp dir. */
export { selfSignedCert } from "@purertc/testkit/node";

/** Active handles that are sockets or timers, for leak checks. */
export function openHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /UDP|TCP|TLS|Timeout|Pipe/i.test(r));
}

export const waitFor = async (pred: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error("waitFor: timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};
