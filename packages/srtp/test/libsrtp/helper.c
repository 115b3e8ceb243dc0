/*
 * libsrtp2 reference helper for @purertc/srtp tests and benchmarks.
 *
 *   helper <profile> <master key||salt hex> <mode> [mki hex|-] [count payload]
 *
 * modes: protect-rtp, unprotect-rtp, protect-rtcp, unprotect-rtcp read one hex packet per line
 * on stdin and print one hex packet per line (or "ERR <srtp_err_status_t>");
 * bench-protect-rtp, bench-unprotect-rtp time <count> packets of <payload> bytes and print
 * "<packets per second>".
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PACKET 70000

static int set_policy(const char *profile, srtp_policy_t *p) {
  if (!strcmp(profile, "SRTP_AES128_CM_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "SRTP_AES128_CM_HMAC_SHA1_32")) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "SRTP_AES256_CM_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "SRTP_AES256_CM_HMAC_SHA1_32")) {
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p->rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp);
  } else if (!strcmp(profile, "SRTP_AEAD_AES_128_GCM")) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
  } else if (!strcmp(profile, "SRTP_AEAD_AES_256_GCM")) {
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
  } else {
    return -1;
  }
  return 0;
}

static int unhex(const char *s, unsigned char *out, int max) {
  int n = 0;
  while (s[0] && s[1] && s[0] != '\n' && s[0] != '\r') {
    unsigned int b;
    if (n >= max || sscanf(s, "%2x", &b) != 1) return -1;
    out[n++] = (unsigned char)b;
    s += 2;
  }
  return n;
}

static void print_hex(const unsigned char *b, int n) {
  for (int i = 0; i < n; i++) printf("%02x", b[i]);
  printf("\n");
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static srtp_t make_session(srtp_policy_t *policy, int inbound) {
  srtp_t s;
  policy->ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  if (srtp_create(&s, policy) != srtp_err_status_ok) {
    fprintf(stderr, "srtp_create failed\n");
    exit(3);
  }
  return s;
}

static void fill_rtp(unsigned char *b, int seq, int payload) {
  memset(b, 0xab, 12 + payload);
  b[0] = 0x80;
  b[1] = 96;
  b[2] = (unsigned char)(seq >> 8);
  b[3] = (unsigned char)seq;
  b[8] = 0x11, b[9] = 0x22, b[10] = 0x33, b[11] = 0x44;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: helper <profile> <keyhex> <mode> [mkihex|-] [count payload]\n");
    return 2;
  }
  static unsigned char key[64], mki[128];
  static unsigned char buf[MAX_PACKET + SRTP_MAX_TRAILER_LEN];
  int key_len = unhex(argv[2], key, sizeof key);
  int mki_len = argc > 4 && strcmp(argv[4], "-") ? unhex(argv[4], mki, sizeof mki) : 0;
  const char *mode = argv[3];
  if (key_len <= 0 || mki_len < 0 || srtp_init() != srtp_err_status_ok) return 2;

  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  if (set_policy(argv[1], &policy)) {
    fprintf(stderr, "unknown profile %s\n", argv[1]);
    return 2;
  }
  srtp_master_key_t master = {key, mki, (unsigned int)mki_len};
  srtp_master_key_t *keys[1] = {&master};
  if (mki_len > 0) {
    policy.keys = keys;
    policy.num_master_keys = 1;
  } else {
    policy.key = key;
  }
  policy.window_size = 128;
  policy.allow_repeat_tx = 1;

  if (!strncmp(mode, "bench-", 6)) {
    int count = argc > 6 ? atoi(argv[5]) : 100000;
    int payload = argc > 6 ? atoi(argv[6]) : 1000;
    int protect = !strcmp(mode, "bench-protect-rtp");
    srtp_t tx = make_session(&policy, 0);
    double elapsed = 0;
    if (protect) {
      double t0 = now_s();
      for (int i = 0; i < count; i++) {
        int len = 12 + payload;
        fill_rtp(buf, i & 0xffff, payload);
        if (srtp_protect(tx, buf, &len) != srtp_err_status_ok) return 4;
      }
      elapsed = now_s() - t0;
    } else {
      /* 4096 packets protected up front; a fresh receiver per round keeps the replay window happy. */
      enum { RING = 4096 };
      static unsigned char ring[RING][1600];
      static int lens[RING];
      for (int i = 0; i < RING; i++) {
        lens[i] = 12 + payload;
        fill_rtp(ring[i], i, payload);
        if (srtp_protect(tx, ring[i], &lens[i]) != srtp_err_status_ok) return 4;
      }
      srtp_t rx = NULL;
      double t0 = now_s();
      for (int i = 0; i < count; i++) {
        int j = i % RING;
        if (j == 0) {
          if (rx) srtp_dealloc(rx);
          rx = make_session(&policy, 1);
        }
        int len = lens[j];
        memcpy(buf, ring[j], len);
        if (srtp_unprotect(rx, buf, &len) != srtp_err_status_ok) return 5;
      }
      elapsed = now_s() - t0;
    }
    printf("%.0f\n", count / elapsed);
    return 0;
  }

  int inbound = !strncmp(mode, "unprotect", 9);
  int rtcp = strstr(mode, "rtcp") != NULL;
  srtp_t s = make_session(&policy, inbound);
  static char line[2 * MAX_PACKET + 8];
  while (fgets(line, sizeof line, stdin)) {
    int len = unhex(line, buf, MAX_PACKET);
    if (len < 0) return 2;
    srtp_err_status_t st;
    unsigned int use_mki = mki_len > 0;
    if (rtcp) {
      st = inbound ? srtp_unprotect_rtcp_mki(s, buf, &len, use_mki)
                   : srtp_protect_rtcp_mki(s, buf, &len, use_mki, 0);
    } else {
      st = inbound ? srtp_unprotect_mki(s, buf, &len, use_mki)
                   : srtp_protect_mki(s, buf, &len, use_mki, 0);
    }
    if (st != srtp_err_status_ok) printf("ERR %d\n", (int)st);
    else print_hex(buf, len);
    fflush(stdout);
  }
  return 0;
}
