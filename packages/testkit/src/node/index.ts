export * from "./coturn.js";
export * from "./fixtures.js";
export { writePcapFile } from "./pcap-file.js";
