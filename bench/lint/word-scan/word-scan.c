/*
 * The near-duplicate word scan (src/core/lint/text/words.ts) in C, the same words and the same hashes, to measure
 * what native code gains over V8 on this machine for the lint's costliest pass. Input: UTF-16LE code units, strings
 * separated by U+0000. Prints: words, the sum of the word hashes (mod 2^32, to check it equals the JS scan's), and
 * the least time of ROUNDS runs. Built and run by word-scan.mjs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 7
static uint8_t fold_ascii[128];

static inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; return h ^ (h >> 16);
}
static inline int is_separator(uint32_t c) {
  return c < 0xc0 || c == 0xd7 || c == 0xf7 || (c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
         (c >= 0xd800 && c <= 0xdfff) || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xff01 && c <= 0xff0f) || c >= 0xfff0 || c == 0xfeff;
}
static inline int is_cjk(uint32_t c) {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);
}
static inline uint32_t fold_case(uint32_t c) {
  if ((c >= 0xc0 && c <= 0xde) || (c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f)) return c + 32;
  return c;
}
static inline int ascii_letter(uint32_t c) { return (c >= 97 && c <= 122) || (c >= 65 && c <= 90); }
static inline int digit(uint32_t c) { return c >= 48 && c <= 57; }

/* One string, s[0, n): appends word hashes to out, returns the new length. Same control flow as scanWords. */
static size_t scan(const uint16_t *s, size_t n, uint32_t *out, size_t len) {
  const uint32_t OFFSET = 0x811c9dc5u, PRIME = 0x01000193u;
  uint32_t h = OFFSET;
  int in_word = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = s[i];
    if (c < 128) {
      uint32_t f = fold_ascii[c];
      if (f > 1) { in_word = 1; h = (h ^ f) * PRIME; continue; }
      if (f == 1 && in_word) {
        uint32_t prev = s[i - 1], next = i + 1 < n ? s[i + 1] : 0;
        if (c == 39 ? ascii_letter(prev) && ascii_letter(next) : digit(prev) && digit(next)) { h = (h ^ c) * PRIME; continue; }
      }
    } else if (!is_separator(c)) {
      if (!is_cjk(c)) { in_word = 1; h = (h ^ fold_case(c)) * PRIME; continue; }
      if (in_word) out[len++] = fmix32(h);
      out[len++] = fmix32((OFFSET ^ c) * PRIME);
      in_word = 0; h = OFFSET;
      continue;
    }
    if (in_word) { out[len++] = fmix32(h); in_word = 0; h = OFFSET; }
  }
  if (in_word) out[len++] = fmix32(h);
  return len;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: word-scan FILE.u16\n"); return 2; }
  for (int c = 0; c < 128; c++)
    fold_ascii[c] = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) ? c : c >= 65 && c <= 90 ? c + 32 : c == 46 || c == 44 || c == 39 ? 1 : 0;
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  fseek(f, 0, SEEK_END);
  size_t units = (size_t)ftell(f) / 2;
  fseek(f, 0, SEEK_SET);
  uint16_t *text = malloc(units * 2 + 2);
  uint32_t *out = malloc(units * 4 + 4);
  if (!text || !out || fread(text, 2, units, f) != units) { fprintf(stderr, "cannot read %s\n", argv[1]); return 2; }
  fclose(f);
  /* String ends, found before the timing: the JS scan gets each string separately too. */
  size_t strings = 0;
  for (size_t k = 0; k < units; k++) strings += text[k] == 0;
  size_t *ends = malloc((strings + 1) * sizeof(size_t));
  size_t m = 0;
  for (size_t k = 0; k < units; k++) if (text[k] == 0) ends[m++] = k;
  if (!units || text[units - 1] != 0) ends[m++] = units;
  double best = 1e30;
  size_t words = 0;
  uint32_t sum = 0;
  for (int r = 0; r < ROUNDS; r++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    size_t len = 0;
    for (size_t k = 0, start = 0; k < m; start = ends[k++] + 1) len = scan(text + start, ends[k] - start, out, len);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    if (ms < best) best = ms;
    words = len;
    sum = 0;
    for (size_t k = 0; k < len; k++) sum += out[k];
  }
  printf("{\"words\":%zu,\"sum\":%u,\"ms\":%.2f}\n", words, sum, best);
  return 0;
}
