export * from "./fixtures.js";
export { writePcapFile } from "./pcap-file.js";
