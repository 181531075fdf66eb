/* Test of the Siamese network of liblenet5.so from C: two inputs and two outputs per call. Argument checks, then the
 * outputs on the inputs of tests/Fixtures/multi/siamese.safetensors against PyTorch's (the same file, made by
 * tools/make_multi_fixtures.py; its weights are the ones baked into the library), within
 * |a - e| <= 1e-5 |e| + 1e-5 max|e|. tools/test_native.sh runs:  siamese path/to/siamese.safetensors
 * Prints "C test: PASS" and exits 0, or prints what failed and exits 1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../siamese.h"

static int failures = 0;

static void check(int ok, const char* what)
{
    if (!ok) { printf("C test: FAIL %s\n", what); failures++; }
}

/* The F32 tensor `name` of a safetensors file (8-byte header length, JSON header, data): count floats, copied. */
static float* tensor(const unsigned char* file, long size, const char* name, long count)
{
    unsigned long long n = 0;
    for (int i = 7; i >= 0; i--) n = n << 8 | file[i];
    if (n + 8 > (unsigned long long)size) { printf("C test: FAIL bad safetensors header\n"); exit(1); }
    char* header = malloc(n + 1);
    memcpy(header, file + 8, n);
    header[n] = 0;
    char key[64];
    snprintf(key, sizeof key, "\"%s\"", name);
    char* at = strstr(header, key);
    char* offsets = at ? strstr(at, "\"data_offsets\"") : NULL;
    long begin = -1, end = -1;
    if (!offsets || sscanf(offsets, "\"data_offsets\" : [ %ld , %ld", &begin, &end) != 2 || end - begin != 4 * count
        || 8 + (long)n + end > size) {
        printf("C test: FAIL tensor '%s' of %ld floats not found in the fixture\n", name, count);
        exit(1);
    }
    float* data = malloc(sizeof(float) * (size_t)count);
    memcpy(data, file + 8 + n + begin, sizeof(float) * (size_t)count);
    free(header);
    return data;
}

/* max |a - e| / (|e| + max|e|): at most 1e-5 when every element is within the bound. */
static double rel_diff(const float* a, const float* e, long n)
{
    double scale = 0, m = 0;
    for (long i = 0; i < n; i++) if (fabs(e[i]) > scale) scale = fabs(e[i]);
    for (long i = 0; i < n; i++)
    {
        double d = fabs((double)a[i] - (double)e[i]) / (fabs((double)e[i]) + scale);
        if (d > m || d != d) m = d != d ? INFINITY : d;
    }
    return m;
}

int main(int argc, char** argv)
{
    if (argc != 2) { fprintf(stderr, "usage: %s siamese.safetensors\n", argv[0]); return 2; }
    FILE* f = fopen(argv[1], "rb");
    if (!f) { printf("C test: FAIL cannot open %s\n", argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char* file = malloc((size_t)size);
    if (fread(file, 1, (size_t)size, f) != (size_t)size) { printf("C test: FAIL cannot read %s\n", argv[1]); return 1; }
    fclose(f);

    const int n = 3; /* the fixture's batch */
    float* left = tensor(file, size, "left", (long)n * SIAMESE_LEFT_SIZE);
    float* right = tensor(file, size, "right", (long)n * SIAMESE_RIGHT_SIZE);
    float* expected_l = tensor(file, size, "embed_l", (long)n * SIAMESE_EMBED_L_SIZE);
    float* expected_r = tensor(file, size, "embed_r", (long)n * SIAMESE_EMBED_R_SIZE);
    float* embed_l = calloc((size_t)n * SIAMESE_EMBED_L_SIZE, sizeof(float));
    float* embed_r = calloc((size_t)n * SIAMESE_EMBED_R_SIZE, sizeof(float));

    /* sizes agree with the header */
    check(SIAMESE_INPUT_COUNT == 2 && SIAMESE_OUTPUT_COUNT == 2, "two inputs and two outputs");
    check(siamese_left_size() == SIAMESE_LEFT_SIZE && SIAMESE_LEFT_SIZE == 1 * 12 * 12, "siamese_left_size() == SIAMESE_LEFT_SIZE == 144");
    check(siamese_right_size() == SIAMESE_RIGHT_SIZE, "siamese_right_size() == SIAMESE_RIGHT_SIZE");
    check(siamese_embed_l_size() == SIAMESE_EMBED_L_SIZE && SIAMESE_EMBED_L_SIZE == 8, "siamese_embed_l_size() == SIAMESE_EMBED_L_SIZE == 8");
    check(siamese_embed_r_size() == SIAMESE_EMBED_R_SIZE, "siamese_embed_r_size() == SIAMESE_EMBED_R_SIZE");

    /* bad arguments give error codes: every pointer is checked */
    check(siamese_forward(NULL, right, embed_l, embed_r, 1) == SIAMESE_ERROR_NULL, "forward(NULL left) == SIAMESE_ERROR_NULL");
    check(siamese_forward(left, NULL, embed_l, embed_r, 1) == SIAMESE_ERROR_NULL, "forward(NULL right) == SIAMESE_ERROR_NULL");
    check(siamese_forward(left, right, NULL, embed_r, 1) == SIAMESE_ERROR_NULL, "forward(NULL embed_l) == SIAMESE_ERROR_NULL");
    check(siamese_forward(left, right, embed_l, NULL, 1) == SIAMESE_ERROR_NULL, "forward(NULL embed_r) == SIAMESE_ERROR_NULL");
    check(siamese_forward(left, right, embed_l, embed_r, 0) == SIAMESE_ERROR_BATCH, "forward(batch 0) == SIAMESE_ERROR_BATCH");
    check(siamese_forward(left, right, embed_l, embed_r, SIAMESE_MAX_BATCH + 1) == SIAMESE_ERROR_BATCH, "forward(MAX_BATCH + 1) == SIAMESE_ERROR_BATCH");
    check(siamese_workspace_floats(0) == SIAMESE_ERROR_BATCH, "workspace_floats(0) == SIAMESE_ERROR_BATCH");
    long long ws1 = siamese_workspace_floats(1), wsn = siamese_workspace_floats(n);
    check(ws1 > 0 && wsn >= ws1, "workspace_floats(1) > 0 and grows with the batch");
    float* workspace = malloc(sizeof(float) * (size_t)(wsn > ws1 ? wsn : ws1));
    check(siamese_forward_ws(left, right, embed_l, embed_r, 1, NULL, ws1) == SIAMESE_ERROR_NULL, "forward_ws(NULL workspace) == SIAMESE_ERROR_NULL");
    check(siamese_forward_ws(left, right, embed_l, embed_r, 1, workspace, ws1 - 1) == SIAMESE_ERROR_WORKSPACE, "forward_ws(workspace too small) == SIAMESE_ERROR_WORKSPACE");

    /* the batch at once: both outputs against PyTorch */
    check(siamese_forward(left, right, embed_l, embed_r, n) == SIAMESE_OK, "forward(batch 3) == SIAMESE_OK");
    double dl = rel_diff(embed_l, expected_l, (long)n * SIAMESE_EMBED_L_SIZE), dr = rel_diff(embed_r, expected_r, (long)n * SIAMESE_EMBED_R_SIZE);
    check(dl <= 1e-5 && dr <= 1e-5, "forward(batch 3): embed_l and embed_r match PyTorch within 1e-5");

    /* one pair at a time on the caller workspace */
    for (int i = 0; i < n; i++)
        check(siamese_forward_ws(left + (long)i * SIAMESE_LEFT_SIZE, right + (long)i * SIAMESE_RIGHT_SIZE, embed_l + (long)i * SIAMESE_EMBED_L_SIZE,
                                 embed_r + (long)i * SIAMESE_EMBED_R_SIZE, 1, workspace, ws1) == SIAMESE_OK, "forward_ws(batch 1) == SIAMESE_OK");
    double dl1 = rel_diff(embed_l, expected_l, (long)n * SIAMESE_EMBED_L_SIZE), dr1 = rel_diff(embed_r, expected_r, (long)n * SIAMESE_EMBED_R_SIZE);
    check(dl1 <= 1e-5 && dr1 <= 1e-5, "forward_ws(batch 1): embed_l and embed_r match PyTorch within 1e-5");

    /* shared weights: the inputs swapped give the outputs swapped */
    float* swapped_l = calloc((size_t)n * SIAMESE_EMBED_L_SIZE, sizeof(float));
    float* swapped_r = calloc((size_t)n * SIAMESE_EMBED_R_SIZE, sizeof(float));
    check(siamese_forward(right, left, swapped_l, swapped_r, n) == SIAMESE_OK, "forward(right, left) == SIAMESE_OK");
    check(rel_diff(swapped_l, expected_r, (long)n * SIAMESE_EMBED_L_SIZE) <= 1e-5 && rel_diff(swapped_r, expected_l, (long)n * SIAMESE_EMBED_R_SIZE) <= 1e-5,
          "forward(right, left) gives (embed_r, embed_l): one set of weights");

    printf("C test: siamese, %d pairs, max relative diff to PyTorch %.3g / %.3g (batch %d), %.3g / %.3g (one by one, caller workspace of %lld floats)\n",
           n, dl, dr, n, dl1, dr1, ws1);
    if (failures == 0) printf("C test: PASS\n");
    else printf("C test: FAIL (%d checks)\n", failures);
    free(swapped_r); free(swapped_l); free(workspace); free(embed_r); free(embed_l);
    free(expected_r); free(expected_l); free(right); free(left); free(file);
    return failures == 0 ? 0 : 1;
}
