/*
 * XNNPACK (Debian libxnnpack-dev) beside the StaticCnn table: LeNet-5 batch-1 inference and the three 3×3 convs of
 * the table (C→C at HW×HW, pad 1, bias, batch 1), forward, at 1 and 2 threads. XNNPACK works in NHWC; the shapes,
 * MACs and operator chain are those of tools/reference_models.py's LeNet-5 (ReLU fused into conv and dense as
 * output_min = 0). Random weights. Median of the timed calls after a warm-up, as the table harness.
 *
 *   gcc -O2 -o xnn_bench xnn_bench.c -lXNNPACK -lpthreadpool -lm && ./xnn_bench [seconds per row, default 2]
 *
 * benchmarks/run_side_by_side.sh builds and runs it when /usr/include/xnnpack.h is present.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xnnpack.h>

#define MAX_OPS 8
#define CHECK(x) do { enum xnn_status s_ = (x); if (s_ != xnn_status_success) { fprintf(stderr, "%s failed: %d\n", #x, (int)s_); exit(1); } } while (0)

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static float* rnd(size_t n, float scale) { float* p = malloc(n * sizeof(float) + 64); for (size_t i = 0; i < n; i++) p[i] = ((float)rand() / RAND_MAX * 2 - 1) * scale; return p; }
static int cmp(const void* a, const void* b) { double x = *(const double*)a, y = *(const double*)b; return x < y ? -1 : x > y; }

typedef struct { xnn_operator_t ops[MAX_OPS]; int n; } chain;

/* The threadpool is given at setup time in this XNNPACK version (xnn_run_operator takes one too); pass it to both. */
static pthreadpool_t pool;

static double run(chain* c, double seconds) {
  double w0 = now();
  for (int i = 0; i < 10 || now() - w0 < 0.5; i++) for (int k = 0; k < c->n; k++) CHECK(xnn_run_operator(c->ops[k], pool));
  static double times[1000000];
  int n = 0; double start = now();
  while (n < 1000000 && (n < 20 || now() - start < seconds)) {
    double t0 = now();
    for (int k = 0; k < c->n; k++) CHECK(xnn_run_operator(c->ops[k], pool));
    times[n++] = now() - t0;
  }
  qsort(times, n, sizeof(double), cmp);
  return n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
}

static xnn_operator_t conv(int cin, int cout, int k, int pad, int h, int w, int relu, const float* x, float* y) {
  xnn_operator_t op;
  float* wt = rnd((size_t)cout * k * k * cin, 0.1f); float* b = rnd(cout, 0.1f);
  CHECK(xnn_create_convolution2d_nhwc_f32(pad, pad, pad, pad, k, k, 1, 1, 1, 1, 1, cin, cout, cin, cout, wt, b,
                                          relu ? 0.0f : -INFINITY, INFINITY, 0, &op));
  CHECK(xnn_setup_convolution2d_nhwc_f32(op, 1, h, w, x, y, pool));
  return op;
}

static xnn_operator_t maxpool(int c, int h, int w, const float* x, float* y) {
  xnn_operator_t op;
  CHECK(xnn_create_max_pooling2d_nhwc_f32(0, 0, 0, 0, 2, 2, 2, 2, 1, 1, c, c, c, -INFINITY, INFINITY, 0, &op));
  CHECK(xnn_setup_max_pooling2d_nhwc_f32(op, 1, h, w, x, y, pool));
  return op;
}

static xnn_operator_t dense(int in, int out, int relu, const float* x, float* y) {
  xnn_operator_t op;
  float* wt = rnd((size_t)in * out, 0.1f); float* b = rnd(out, 0.1f);
  CHECK(xnn_create_fully_connected_nc_f32(in, out, in, out, wt, b, relu ? 0.0f : -INFINITY, INFINITY, 0, &op));
  CHECK(xnn_setup_fully_connected_nc_f32(op, 1, x, y, pool));
  return op;
}

static void fmt(double s, char* buf) { if (s < 1e-3) sprintf(buf, "%.1f µs", s * 1e6); else sprintf(buf, "%.3f ms", s * 1e3); }

int main(int argc, char** argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 2.0;
  CHECK(xnn_initialize(NULL));
  const char* names[4] = { "LeNet-5 inference, batch 1", "conv 3×3 64@56 forward", "conv 3×3 128@28 forward", "conv 3×3 256@14 forward" };
  double med[4][2];
  for (int ti = 0; ti < 2; ti++) {
    int threads = ti + 1;
    pool = threads > 1 ? pthreadpool_create(threads) : NULL;
    /* LeNet-5: conv 1→6 5×5 pad 2 ReLU, pool, conv 6→16 5×5 ReLU, pool, dense 400→120→84→10 */
    float *x = rnd(28 * 28, 1), *c1 = rnd(28 * 28 * 6, 0), *p1 = rnd(14 * 14 * 6, 0), *c2 = rnd(10 * 10 * 16, 0),
          *p2 = rnd(5 * 5 * 16, 0), *f1 = rnd(120, 0), *f2 = rnd(84, 0), *f3 = rnd(10, 0);
    chain lenet = { { conv(1, 6, 5, 2, 28, 28, 1, x, c1), maxpool(6, 28, 28, c1, p1), conv(6, 16, 5, 0, 14, 14, 1, p1, c2),
                      maxpool(16, 10, 10, c2, p2), dense(400, 120, 1, p2, f1), dense(120, 84, 1, f1, f2), dense(84, 10, 0, f2, f3) }, 7 };
    med[0][ti] = run(&lenet, seconds);
    int cs[3] = { 64, 128, 256 }, hws[3] = { 56, 28, 14 };
    for (int i = 0; i < 3; i++) {
      int c = cs[i], hw = hws[i];
      float *cx = rnd((size_t)c * hw * hw, 1), *cy = rnd((size_t)c * hw * hw, 0);
      chain one = { { conv(c, c, 3, 1, hw, hw, 0, cx, cy) }, 1 };
      med[1 + i][ti] = run(&one, seconds);
      xnn_delete_operator(one.ops[0]);
    }
    for (int k = 0; k < lenet.n; k++) xnn_delete_operator(lenet.ops[k]);
    if (pool) pthreadpool_destroy(pool);
  }
  printf("| workload | threads | XNNPACK (Debian 0.0~git20220216) | 2-thread speed-up |\n|---|---|---|---|\n");
  for (int r = 0; r < 4; r++) {
    char a[32], b[32]; fmt(med[r][0], a); fmt(med[r][1], b);
    printf("| %s | 1 / 2 | %s / %s | %.2f× |\n", names[r], a, b, med[r][0] / med[r][1]);
  }
  return 0;
}
