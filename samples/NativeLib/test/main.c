/* Test of liblenet5.so from C: argument checks, then the outputs on known inputs against those of the managed
 * (JIT) build, within 1e-5. tools/test_native.sh makes the two files with
 *   EmbeddedClassifier images.idx.gz --limit N --dump-inputs inputs.f32 --dump-outputs expected.f32
 * and runs:  main inputs.f32 expected.f32 N
 * Prints "C test: PASS" and exits 0, or prints what failed and exits 1. */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../lenet5.h"

static int failures = 0;

static void check(int ok, const char* what)
{
    if (!ok) { printf("C test: FAIL %s\n", what); failures++; }
}

static float* read_floats(const char* path, long count)
{
    FILE* f = fopen(path, "rb");
    if (!f) { printf("C test: FAIL cannot open %s\n", path); exit(1); }
    float* data = malloc(sizeof(float) * (size_t)count);
    size_t got = fread(data, sizeof(float), (size_t)count, f);
    fclose(f);
    if (got != (size_t)count) { printf("C test: FAIL %s holds %zu floats, expected %ld\n", path, got, count); exit(1); }
    return data;
}

static double max_diff(const float* a, const float* b, long n)
{
    double m = 0;
    for (long i = 0; i < n; i++) { double d = fabs((double)a[i] - (double)b[i]); if (d > m || d != d) m = d != d ? INFINITY : d; }
    return m;
}

int main(int argc, char** argv)
{
    if (argc != 4) { fprintf(stderr, "usage: %s inputs.f32 expected.f32 count\n", argv[0]); return 2; }
    int n = atoi(argv[3]);
    if (n < 1 || n > LENET5_MAX_BATCH) { fprintf(stderr, "count must be in 1..%d\n", LENET5_MAX_BATCH); return 2; }
    float* input = read_floats(argv[1], (long)n * LENET5_INPUT_SIZE);
    float* expected = read_floats(argv[2], (long)n * LENET5_OUTPUT_SIZE);
    float* output = calloc((size_t)n * LENET5_OUTPUT_SIZE, sizeof(float));

    /* sizes agree with the header */
    check(lenet5_input_size() == LENET5_INPUT_SIZE, "lenet5_input_size() == LENET5_INPUT_SIZE");
    check(lenet5_output_size() == LENET5_OUTPUT_SIZE, "lenet5_output_size() == LENET5_OUTPUT_SIZE");
    check(LENET5_INPUT_SIZE == LENET5_INPUT_CHANNELS * LENET5_INPUT_HEIGHT * LENET5_INPUT_WIDTH, "input size = C*H*W");

    /* bad arguments give error codes */
    check(lenet5_forward(NULL, output, 1) == LENET5_ERROR_NULL, "forward(NULL input) == LENET5_ERROR_NULL");
    check(lenet5_forward(input, NULL, 1) == LENET5_ERROR_NULL, "forward(NULL output) == LENET5_ERROR_NULL");
    check(lenet5_forward(input, output, 0) == LENET5_ERROR_BATCH, "forward(batch 0) == LENET5_ERROR_BATCH");
    check(lenet5_forward(input, output, -3) == LENET5_ERROR_BATCH, "forward(batch -3) == LENET5_ERROR_BATCH");
    check(lenet5_forward(input, output, LENET5_MAX_BATCH + 1) == LENET5_ERROR_BATCH, "forward(MAX_BATCH + 1) == LENET5_ERROR_BATCH");
    check(lenet5_workspace_floats(0) == LENET5_ERROR_BATCH, "workspace_floats(0) == LENET5_ERROR_BATCH");
    check(lenet5_workspace_floats(LENET5_MAX_BATCH + 1) == LENET5_ERROR_BATCH, "workspace_floats(MAX_BATCH + 1) == LENET5_ERROR_BATCH");
    long long ws1 = lenet5_workspace_floats(1), wsn = lenet5_workspace_floats(n);
    check(ws1 > 0 && wsn >= ws1, "workspace_floats(1) > 0 and grows with the batch");
    float* workspace = malloc(sizeof(float) * (size_t)(wsn > ws1 ? wsn : ws1));
    check(lenet5_forward_ws(input, output, 1, NULL, ws1) == LENET5_ERROR_NULL, "forward_ws(NULL workspace) == LENET5_ERROR_NULL");
    check(lenet5_forward_ws(input, output, 1, workspace, ws1 - 1) == LENET5_ERROR_WORKSPACE, "forward_ws(workspace too small) == LENET5_ERROR_WORKSPACE");

    /* the whole batch at once, per call allocated workspace */
    check(lenet5_forward(input, output, n) == LENET5_OK, "forward(batch n) == LENET5_OK");
    double d_batch = max_diff(output, expected, (long)n * LENET5_OUTPUT_SIZE);
    check(d_batch <= 1e-5, "forward(batch n) matches the managed outputs within 1e-5");

    /* one image at a time on the caller workspace */
    for (int i = 0; i < n; i++)
        check(lenet5_forward_ws(input + (long)i * LENET5_INPUT_SIZE, output + (long)i * LENET5_OUTPUT_SIZE, 1, workspace, ws1) == LENET5_OK,
              "forward_ws(batch 1) == LENET5_OK");
    double d_single = max_diff(output, expected, (long)n * LENET5_OUTPUT_SIZE);
    check(d_single <= 1e-5, "forward_ws(batch 1) matches the managed outputs within 1e-5");

    /* latency through the C API, batch 1 (reported, not checked) */
    struct timespec t0, t1;
    int reps = 2000;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int r = 0; r < reps; r++) lenet5_forward(input + (long)(r % n) * LENET5_INPUT_SIZE, output, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us_forward = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / reps;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int r = 0; r < reps; r++) lenet5_forward_ws(input + (long)(r % n) * LENET5_INPUT_SIZE, output, 1, workspace, ws1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us_ws = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / reps;
    printf("C test: latency per image (batch 1, mean of %d calls): lenet5_forward %.1f us, lenet5_forward_ws %.1f us\n", reps, us_forward, us_ws);

    printf("C test: %d images, max |diff| %.3g (batch %d), %.3g (one by one, caller workspace of %lld floats)\n",
           n, d_batch, n, d_single, ws1);
    if (failures == 0) printf("C test: PASS\n");
    else printf("C test: FAIL (%d checks)\n", failures);
    free(workspace); free(output); free(expected); free(input);
    return failures == 0 ? 0 : 1;
}
