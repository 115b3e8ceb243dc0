export * from "./ice-servers.js";
export * from "./ice-udp-mux.js";
export * from "./interfaces.js";
export * from "./mdns-socket.js";
export * from "./node-ice-agent.js";
export * from "./relay-stream.js";
export * from "./stream-relays.js";
export * from "./udp-socket.js";
