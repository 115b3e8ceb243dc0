export * from "./browser.js";
export * from "./coturn.js";
export * from "./fixtures.js";
export * from "./netns.js";
export { writePcapFile } from "./pcap-file.js";
export * from "./tls-cert.js";
