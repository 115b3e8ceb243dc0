export { type DtlsConnectedEvent, DtlsSocket, type DtlsSocketOptions } from "./dtls-socket.js";
