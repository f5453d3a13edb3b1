/* The single-source pointwise functions of the seg engine (kernels/conv_epilogue.h,
 * kernels/seg_pointwise.h), run on the CPU against direct formulas: these are the very
 * functions the CUDA kernels of kernels/seg.cu call, and the tiling rule every backend
 * shares (the stitching is done once, on the host, from any backend's logits). */
#include "core/rsl.h"
#include "kernels/conv_epilogue.h"
#include "kernels/seg_pointwise.h"
#include <math.h>

static int fails = 0;
#define EXPECT(cond, ...) \
  do { \
    if (!(cond)) { \
      fails++; \
      printf("FAIL: " __VA_ARGS__); \
      printf("\n"); \
    } \
  } while (0)

static unsigned rng = 12345u;
static float     urand(void) /* uniform in [-1, 1) */
{
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) / 8388608.0 - 1.0);
}

int main(int argc, char **argv)
{
  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* epilogue: act(acc + bias + res) */
  for (int i = 0; i < 10000; i++) {
    float acc = 10 * urand(), b = urand(), r = (i % 3) ? 5 * urand() : 0.0f;
    int   relu = i % 2;
    float want = acc + b + r;
    if (relu) want = want > 0 ? want : 0;
    EXPECT(rsl_conv_epilogue(acc, b, r, relu) == want, "epilogue(%g, %g, %g, %d)", acc, b, r, relu);
  }
  EXPECT(rsl_conv_epilogue(-1, 0.5f, 0.25f, 1) == 0.0f && rsl_conv_epilogue(-1, 0.5f, 0.25f, 0) == -0.25f, "epilogue sign");
  /* output sizes of the U-Net's windows on a 512 tile */
  EXPECT(rsl_conv_out_size(512, 7, 2, 3) == 256, "stem 7x7/2");
  EXPECT(rsl_conv_out_size(256, 3, 2, 1) == 128, "maxpool 3x3/2");
  EXPECT(rsl_conv_out_size(128, 1, 2, 0) == 64, "downsample 1x1/2");
  EXPECT(rsl_conv_out_size(33, 3, 1, 1) == 33, "3x3/1 same");
  for (int in = 1; in < 300; in++)
    for (int k = 1; k <= 7; k += 2)
      for (int s = 1; s <= 2; s++) EXPECT(rsl_conv_out_size(in, k, s, k / 2) == (int)floor((in + 2.0 * (k / 2) - k) / s) + 1, "out size %d %d %d", in, k, s);
  /* nearest x2: PyTorch's floor(dst * (1 / scale)) */
  for (int d = 0; d < 1024; d++) EXPECT(rsl_upsample_nearest_src(d, 2) == (int)floor(d * 0.5), "upsample %d", d);
  /* max-pool window against a brute-force max over the clipped window */
  {
    enum { H = 9, W = 7 };
    float p[H * W];
    for (int i = 0; i < H * W; i++) p[i] = urand();
    for (int oy = 0; oy < rsl_conv_out_size(H, 3, 2, 1); oy++)
      for (int ox = 0; ox < rsl_conv_out_size(W, 3, 2, 1); ox++) {
        float m = -INFINITY;
        for (int y = 2 * oy - 1; y <= 2 * oy + 1; y++)
          for (int x = 2 * ox - 1; x <= 2 * ox + 1; x++)
            if (y >= 0 && y < H && x >= 0 && x < W) m = fmaxf(m, p[y * W + x]);
        EXPECT(rsl_maxpool_window(p, H, W, oy, ox, 3, 2, 1) == m, "maxpool (%d,%d)", oy, ox);
      }
    for (int i = 0; i < H * W; i++) p[i] = -1e30f; /* all-negative planes: padding never wins */
    EXPECT(rsl_maxpool_window(p, H, W, 0, 0, 3, 2, 1) == -1e30f, "maxpool padding");
  }
  /* argmax over a strided class axis; ties to the lowest class (torch.argmax) */
  {
    enum { C = 19, P = 5 };
    float v[C * P];
    for (int t = 0; t < 200; t++) {
      for (int i = 0; i < C * P; i++) v[i] = urand();
      for (int p = 0; p < P; p++) {
        int best = 0;
        for (int c = 1; c < C; c++)
          if (v[c * P + p] > v[best * P + p]) best = c;
        EXPECT(rsl_argmax_strided(v + p, C, P) == best, "argmax");
      }
    }
    for (int i = 0; i < C; i++) v[i] = (i == 4 || i == 9) ? 2.0f : 0.0f;
    EXPECT(rsl_argmax_strided(v, C, 1) == 4, "argmax tie");
  }
  /* pooling window: the clipped [lo, hi) against a scan of the 3 taps */
  for (int n = 1; n < 40; n++)
    for (int o = 0; o < rsl_conv_out_size(n, 3, 2, 1); o++) {
      int lo, hi, want_lo = -1, want_hi = -1;
      rsl_pool_range(o, n, 3, 2, 1, &lo, &hi);
      for (int t = 0; t < 3; t++) {
        int i = 2 * o - 1 + t;
        if (i < 0 || i >= n) continue;
        if (want_lo < 0) want_lo = i;
        want_hi = i + 1;
      }
      EXPECT(lo == want_lo && hi == want_hi && lo < hi, "pool range o=%d n=%d: [%d, %d)", o, n, lo, hi);
    }
  /* tiling on the global pixel grid: random splits of an axis into blocks (some empty) */
  for (int t = 0; t < 300; t++) {
    int  T = 32 * (1 + (int)(4 * (urand() + 1))), M = (int)((urand() + 1) * 0.5 * (T / 2)), S, N = 1 + (int)(400 * (urand() + 1)), P = 1 + t % 5;
    long cut[6], owned = 0;
    if (M >= T / 2) M = T / 2 - 1;
    S = T - 2 * M;
    cut[0] = 0;
    cut[P] = N;
    for (int p = 1; p < P; p++) cut[p] = cut[p - 1] + (long)((N - cut[p - 1]) * 0.5 * (urand() + 1)); /* non-decreasing */
    for (int x = 0; x < N; x++) { /* each pixel is kept from exactly one tile, origin k*S - M */
      int hits = 0;
      for (long k = 0; k * S < N; k++)
        if (x >= k * S && x < (k + 1) * S) {
          hits++;
          EXPECT(rsl_tile_origin(k, T, M) == k * S - M && x - rsl_tile_origin(k, T, M) >= M && x - rsl_tile_origin(k, T, M) < T - M, "tile origin");
        }
      EXPECT(hits == 1, "pixel %d kept %d times", x, hits);
    }
    for (int p = 0; p < P; p++) {
      long a = cut[p], n = cut[p + 1] - cut[p], k0, k1, o0, o1;
      rsl_tile_range(a, n, T, M, &k0, &k1);
      rsl_tile_owned(a, n, T, M, &o0, &o1);
      for (long k = 0; k * S < N; k++) {
        int meets = n > 0 && k * S < a + n && (k + 1) * S > a, owns = k * S >= a && k * S < a + n;
        EXPECT(meets == (k >= k0 && k < k1), "tile range: block [%ld,%ld) tile %ld", a, a + n, k);
        EXPECT(owns == (k >= o0 && k < o1), "owned tiles: block [%ld,%ld) tile %ld", a, a + n, k);
      }
      owned += o1 > o0 ? o1 - o0 : 0;
    }
    EXPECT(owned == (N + S - 1) / S, "every tile has one owner (%ld owned, %d tiles)", owned, (N + S - 1) / S);
  }
  printf("seg kernels: %s (%d failures)\n", fails ? "FAILED" : "ok", fails);
  PetscCall(PetscFinalize());
  return fails ? 1 : 0;
}
