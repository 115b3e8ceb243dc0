// Installs the Debian packages the test suite talks to (real third-party peers), when run as root
// on a Debian-like system. Elsewhere it prints what is missing; the tests that need a package
// then skip with a loud message.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian package → why the tests need it. Keep README.md's table in sync. */
export const SYSTEM_PACKAGES = {
  openssl: "OpenSSL 3: certificate checks (crypto) and DTLS 1.2 interop peer (dtls)",
  coturn: "coturn: third-party STUN/TURN server and client tools (stun, turn, ice)",
  "libsrtp2-dev": "libsrtp2: byte-identical SRTP reference, via a small C helper (srtp)",
  gcc: "C compiler for the libsrtp2 helper (srtp)",
  "pkg-config": "locates libsrtp2 for the C helper (srtp)",
  "redis-server": "Redis: the pub/sub that links several signaling server nodes (signal)",
  chromium:
    "headless Chromium: browser peers connecting through the signaling server (signal); data-channel interop (peer)",
  "firefox-esr": "headless Firefox ESR: data-channel interop peer (peer)",
  ffmpeg: "ffprobe reads the WebM/IVF/Ogg/H.264 files the recorder writes (rtp)",
  "gstreamer1.0-tools":
    "gst-launch-1.0: runs GStreamer's independent RTP depayloaders on our packetizer output (rtp)",
  "gstreamer1.0-plugins-good":
    "GStreamer's rtpvp8depay/rtpvp9depay/rtph264depay/rtpstreamdepay (rtp)",
  iproute2:
    "ip: network namespaces with a veth link for the Firefox interop and the Firefox/Chromium mDNS cases (peer); namespaces, veth, bridges and ss for the ICE NAT tests (testkit NetnsLab, ice)",
  tcpdump: "tcpdump: independent reader of the pcap files NetSim runs produce (testkit)",
  iptables:
    "iptables: MASQUERADE NAT routers (plain and --random-fully) inside namespaces for the ICE NAT traversal tests (ice)",
  "golang-go": "Go toolchain: builds the Pion interop peer offline, once per source hash (interop)",
  "golang-github-pion-webrtc.v3-dev":
    "Pion 3.1 (Go WebRTC) sources under /usr/share/gocode: data-channel and media interop peer (interop)",
  "python3-aiortc":
    "aiortc 1.4 (Python WebRTC; libvpx/libopus through python3-av): data-channel and media interop peer (interop)",
};

function installed(pkg) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

export function ensureSystemPackages(names = Object.keys(SYSTEM_PACKAGES)) {
  if (!existsSync("/usr/bin/dpkg-query")) {
    console.warn("[system-deps] not a Debian system: tests needing", names.join(", "), "may skip");
    return;
  }
  const missing = names.filter((n) => !installed(n));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    console.warn(
      `[system-deps] missing ${missing.join(", ")}; run as root or: sudo apt-get install -y ${missing.join(" ")}`,
    );
    return;
  }
  console.log(`[system-deps] installing ${missing.join(", ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], {
    stdio: "inherit",
    env,
  });
}

if (import.meta.url === `file://${process.argv[1]}`)
  ensureSystemPackages(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
