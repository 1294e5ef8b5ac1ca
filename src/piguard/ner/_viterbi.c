/* Decoding of the name/address tagger in C: the compiled twin of
 * piguard.ner.runtime.Model._decode_numpy (same float32 Viterbi arithmetic, same tie-breaking:
 * the lowest tag index wins).  Plain CPython API with the buffer protocol; no numpy headers.
 *
 * spans(em, k, valid, first, last, trans, start, end, region_margin, seed_margin) -> list
 *   the whole decoding of Model.recognize_many in one call (the twin of Model._decode_numpy):
 *   regions (runs of valid rows where some entity tag scores within region_margin of O,
 *   grown by one row each side, cut at window edges, kept only if some row's entity tag is
 *   within seed_margin of O), their Viterbi paths, and the spans of those paths as
 *   (first row, end row, type index, confidence) tuples; tags are O then B I E S per type;
 *   confidence is the mean over the span's rows of 1 - softmax(row)[O].
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#define KMAX 32

static int get(PyObject *o, Py_buffer *b, int writable, Py_ssize_t itemsize, Py_ssize_t n,
               const char *what) {
    if (PyObject_GetBuffer(o, b, writable ? (PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) : PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (b->len != itemsize * n) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd bytes, got %zd", what, itemsize * n, b->len);
        PyBuffer_Release(b);
        b->obj = NULL;
        return -1;
    }
    return 0;
}

/* best path of rows [a, b) into out[a..b); back is scratch of (b - a) * k bytes */
static void viterbi1(const float *E, Py_ssize_t k, Py_ssize_t a, Py_ssize_t b, int open_start,
                     int open_end, const float *T, const float *S0, const float *S1, int8_t *back,
                     int8_t *out) {
    float score[KMAX], next[KMAX];
    Py_ssize_t len = b - a;
    const float *row = E + a * k;
    for (Py_ssize_t j = 0; j < k; j++) score[j] = (open_start ? S0[j] : T[j]) + row[j];
    for (Py_ssize_t t = 1; t < len; t++) {
        row = E + (a + t) * k;
        int8_t *bk = back + t * k;
        for (Py_ssize_t j = 0; j < k; j++) {
            float best = score[0] + T[j];
            int arg = 0;
            for (Py_ssize_t p = 1; p < k; p++) {
                float c = score[p] + T[p * k + j];
                if (c > best) { best = c; arg = (int)p; }
            }
            next[j] = best + row[j];
            bk[j] = (int8_t)arg;
        }
        memcpy(score, next, sizeof(float) * (size_t)k);
    }
    int cur = 0;
    float best = 0;
    for (Py_ssize_t j = 0; j < k; j++) {
        float c = score[j] + (open_end ? S1[j] : T[j * k]);
        if (j == 0 || c > best) { best = c; cur = (int)j; }
    }
    for (Py_ssize_t t = len - 1; t >= 0; t--) {
        out[a + t] = (int8_t)cur;
        if (t) cur = back[t * k + cur];
    }
}

static double p_entity(const float *row, Py_ssize_t k) {
    float m = row[0];
    for (Py_ssize_t j = 1; j < k; j++) if (row[j] > m) m = row[j];
    double z = 0, z0 = exp((double)row[0] - m);
    for (Py_ssize_t j = 0; j < k; j++) z += exp((double)row[j] - m);
    return 1.0 - z0 / z;
}

static int add_span(PyObject *list, const float *E, Py_ssize_t k, Py_ssize_t s, Py_ssize_t e, int kind) {
    double sum = 0;
    for (Py_ssize_t i = s; i < e; i++) sum += p_entity(E + i * k, k);
    PyObject *t = Py_BuildValue("(nnid)", s, e, kind, sum / (double)(e - s));
    if (t == NULL) return -1;
    int rc = PyList_Append(list, t);
    Py_DECREF(t);
    return rc;
}

/* spans of the path out[a..b): a run of one type, split before B/S and after E/S */
static int path_spans(PyObject *list, const float *E, Py_ssize_t k, const int8_t *out, Py_ssize_t a,
                      Py_ssize_t b) {
    Py_ssize_t start = -1;
    int kind = -1;
    for (Py_ssize_t i = a; i < b; i++) {
        int t = out[i];
        if (t == 0) {
            if (start >= 0 && add_span(list, E, k, start, i, kind) < 0) return -1;
            start = -1;
            continue;
        }
        int kd = (t - 1) / 4, pos = (t - 1) % 4; /* pos: 0 B, 1 I, 2 E, 3 S */
        if (start >= 0 && (kd != kind || pos == 0 || pos == 3)) {
            if (add_span(list, E, k, start, i, kind) < 0) return -1;
            start = -1;
        }
        if (start < 0) { start = i; kind = kd; }
        if (pos == 2 || pos == 3) {
            if (add_span(list, E, k, start, i + 1, kind) < 0) return -1;
            start = -1;
        }
    }
    if (start >= 0 && add_span(list, E, k, start, b, kind) < 0) return -1;
    return 0;
}

static PyObject *spans(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *o_em, *o_valid, *o_first, *o_last, *o_trans, *o_start, *o_end;
    Py_ssize_t k;
    double rmargin, smargin;
    if (!PyArg_ParseTuple(args, "OnOOOOOOdd", &o_em, &k, &o_valid, &o_first, &o_last, &o_trans,
                          &o_start, &o_end, &rmargin, &smargin))
        return NULL;
    if (k < 1 || k > KMAX || (k - 1) % 4) {
        PyErr_SetString(PyExc_ValueError, "tag count must be 1 + 4 * types");
        return NULL;
    }
    Py_buffer em = {0}, bv = {0}, bf = {0}, bl = {0}, bt = {0}, b0 = {0}, b1 = {0};
    PyObject *result = NULL;
    uint8_t *cand = NULL;
    int8_t *back = NULL, *out = NULL;
    if (PyObject_GetBuffer(o_em, &em, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    Py_ssize_t n = em.len / (Py_ssize_t)(sizeof(float) * k);
    if (em.len != n * (Py_ssize_t)sizeof(float) * k) {
        PyErr_SetString(PyExc_ValueError, "em: size is not a multiple of k");
        goto done;
    }
    if (get(o_valid, &bv, 0, 1, n, "valid") < 0) goto done;
    if (get(o_first, &bf, 0, 1, n, "first") < 0) goto done;
    if (get(o_last, &bl, 0, 1, n, "last") < 0) goto done;
    if (get(o_trans, &bt, 0, 4, k * k, "trans") < 0) goto done;
    if (get(o_start, &b0, 0, 4, k, "start") < 0) goto done;
    if (get(o_end, &b1, 0, 4, k, "end") < 0) goto done;
    const float *E = em.buf, *T = bt.buf, *S0 = b0.buf, *S1 = b1.buf;
    const uint8_t *valid = bv.buf, *first = bf.buf, *last = bl.buf;
    cand = malloc((size_t)(n ? n : 1) * 2);      /* cand[i], seed[n + i] */
    back = malloc((size_t)(n ? n : 1) * (size_t)k);
    out = malloc((size_t)(n ? n : 1));
    if (cand == NULL || back == NULL || out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    uint8_t *seed = cand + n;
    for (Py_ssize_t i = 0; i < n; i++) {
        const float *row = E + i * k;
        float m = row[1];
        for (Py_ssize_t j = 2; j < k; j++) if (row[j] > m) m = row[j];
        float gap = m - row[0];
        cand[i] = valid[i] && gap > (float)-rmargin;
        seed[i] = gap > (float)-smargin;
    }
    result = PyList_New(0);
    if (result == NULL) goto done;
    Py_ssize_t i = 0;
    while (i < n) {
        /* grown row: valid, and a candidate itself or next to one */
        #define GROWN(x) (valid[x] && (cand[x] || ((x) > 0 && cand[(x) - 1]) || ((x) + 1 < n && cand[(x) + 1])))
        if (!GROWN(i)) { i++; continue; }
        Py_ssize_t a = i;
        int seeded = seed[i];
        while (!last[i] && i + 1 < n && GROWN(i + 1) && !first[i + 1]) {
            i++;
            seeded |= seed[i];
        }
        Py_ssize_t b = ++i;
        #undef GROWN
        if (!seeded) continue;
        viterbi1(E, k, a, b, first[a], last[b - 1], T, S0, S1, back, out);
        if (path_spans(result, E, k, out, a, b) < 0) {
            Py_CLEAR(result);
            goto done;
        }
    }
done:
    free(cand);
    free(back);
    free(out);
    Py_buffer *all[] = {&em, &bv, &bf, &bl, &bt, &b0, &b1};
    for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
        if (all[j]->obj) PyBuffer_Release(all[j]);
    return result;
}

static PyMethodDef methods[] = {
    {"spans", spans, METH_VARARGS, "Regions, paths and spans in one pass (see the module source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_viterbi", NULL, -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__viterbi(void) { return PyModule_Create(&module); }
