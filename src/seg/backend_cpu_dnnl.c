/* seg/backend_cpu_dnnl: the cpu backend's oneDNN convolutions. Activations are NHWC
 * (nhwc tag: oneDNN's brgemm kernels read and write it natively on AVX-512 and AMX, so no
 * reorder between layers); weights are quantized/converted and reordered ONCE at set-up
 * into the layout the primitive chose (then the float copy is freed); the epilogue (bias,
 * residual, ReLU) is fused into the kernel as bias + sum + eltwise post-ops, so each
 * convolution is one pass over memory.
 *
 * Precisions: FP32 (f32 in/out); BF16 (bf16 activations and weights, f32 accumulation and
 * bias, oneDNN's avx512_core_bf16/AMX kernels); INT8 (u8 activations with one scale per
 * tensor, s8 weights with one scale per output channel, s32 accumulation; oneDNN 2.x
 * computes dst = oscale[oc] * (acc + bias) + sum_scale * dst_old, then ReLU, rounded and
 * saturated to u8, so the bias is given in accumulator units b / (s_w[oc] s_x)). A
 * float convolution whose output type oneDNN cannot write directly (f32 -> bf16, float ->
 * u8: the first conv in INT8 mode) writes its own type into scratch memory that a reorder
 * converts.
 *
 * Threads: in the layer-parallel mode one forward pass at a time, each primitive using the
 * rank's threads; in the tile-parallel mode (-seg_threads_over tiles) each OpenMP thread
 * runs its own tiles through its own slot, its primitives made single-threaded. */
#include "seg/backend.h"
#include <math.h>
#include <string.h>
#if defined(_OPENMP)
  #include <omp.h>
#endif
#if defined(RSL_HAVE_DNNL)
  #include <oneapi/dnnl/dnnl.h>

/* One slot per OpenMP thread that may run a tile (-seg_threads_over tiles): its stream,
 * scratch memory and primitives, so tiles run concurrently without sharing state; the
 * packed weights are shared, read-only. Slot 0 serves the layer-parallel mode. */
struct RslSegDnnl {
  dnnl_engine_t  eng;
  PetscInt       nslot;
  dnnl_stream_t *stream;
  void         **scratch; /* shared by every primitive of the slot (user scratchpad mode) */
  size_t        *scap;
};

typedef struct { /* the primitive of one slot for the last input shape / types / scales */
  PetscInt           n, h, w;
  RslSegDtype        xdt, ydt;
  float              xs, rs;
  PetscBool          acc, relu, ready;
  dnnl_primitive_t   conv, r_tmp;
  dnnl_memory_desc_t src, dst, tmp, bmd, spmd;
  dnnl_memory_t      wown; /* weights repacked for this shape (never seen with oneDNN 2.6) */
  float             *bias, ys;
  size_t             scratch;
} DnnlPrim;

typedef struct {
  dnnl_memory_desc_t wmd; /* set-up: packed weights */
  dnnl_memory_t      wmem;
  float             *wscale; /* INT8: per-output-channel weight scales */
  DnnlPrim          *p;      /* per slot */
  PetscInt           nslot;
} DnnlConv;

static PetscInt slot(void)
{
  #if defined(_OPENMP)
  return omp_in_parallel() ? omp_get_thread_num() : 0;
  #else
  return 0;
  #endif
}

  #define DNNLCALL(call) \
    do { \
      dnnl_status_t st_ = (call); \
      PetscCheck(st_ == dnnl_success, PETSC_COMM_SELF, PETSC_ERR_LIB, "oneDNN: %s failed (status %d)", #call, (int)st_); \
    } while (0)

static dnnl_data_type_t dt_of(RslSegDtype d)
{
  return d == RSL_SEG_F32 ? dnnl_f32 : d == RSL_SEG_BF16 ? dnnl_bf16 : d == RSL_SEG_F16 ? dnnl_f16 : d == RSL_SEG_U8 ? dnnl_u8 : dnnl_s8;
}

PetscErrorCode RslSegDnnlGetISA(RslSegDnnlISA *isa)
{
  static const struct {
    dnnl_cpu_isa_t v;
    const char    *name;
  } names[] = {
    {dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"},
    {dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"},
    {dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"},
    {dnnl_cpu_isa_avx512_core, "avx512_core"},
    {dnnl_cpu_isa_avx2_vnni, "avx2_vnni"},
    {dnnl_cpu_isa_avx2, "avx2"},
    {dnnl_cpu_isa_avx, "avx"},
    {dnnl_cpu_isa_sse41, "sse41"},
  };
  unsigned v = (unsigned)dnnl_get_effective_cpu_isa(); /* honours ONEDNN_MAX_CPU_ISA */
  #define HAS(x) ((v & (unsigned)(x)) == (unsigned)(x))

  PetscFunctionBegin;
  isa->bf16     = (PetscBool)HAS(dnnl_cpu_isa_avx512_core_bf16);
  isa->int8     = (PetscBool)(HAS(dnnl_cpu_isa_avx512_core_vnni) || HAS(dnnl_cpu_isa_avx2_vnni));
  isa->bf16_any = (PetscBool)HAS(dnnl_cpu_isa_avx512_core);
  PetscCall(PetscStrncpy(isa->isa, "unknown", sizeof isa->isa));
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(names); i++)
    if (HAS(names[i].v)) {
      PetscCall(PetscStrncpy(isa->isa, names[i].name, sizeof isa->isa));
      break;
    }
  #undef HAS
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegDnnlCreate(PetscInt nslot, struct RslSegDnnl **out)
{
  struct RslSegDnnl *d;

  PetscFunctionBegin;
  PetscCall(PetscNew(&d));
  d->nslot = nslot;
  DNNLCALL(dnnl_engine_create(&d->eng, dnnl_cpu, 0));
  PetscCall(PetscCalloc3(nslot, &d->stream, nslot, &d->scratch, nslot, &d->scap));
  for (PetscInt i = 0; i < nslot; i++) DNNLCALL(dnnl_stream_create(&d->stream[i], d->eng, dnnl_stream_default_flags));
  *out = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegDnnlDestroy(struct RslSegDnnl **d)
{
  PetscFunctionBegin;
  if (!*d) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < (*d)->nslot; i++) {
    DNNLCALL(dnnl_stream_destroy((*d)->stream[i]));
    free((*d)->scratch[i]);
  }
  DNNLCALL(dnnl_engine_destroy((*d)->eng));
  PetscCall(PetscFree3((*d)->stream, (*d)->scratch, (*d)->scap));
  PetscCall(PetscFree(*d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Slots prepare and run tiles concurrently: plain malloc, not PETSc's (not thread-safe
 * with its debugging allocator). */
static PetscErrorCode release_primitive(DnnlPrim *c)
{
  PetscFunctionBegin;
  if (c->conv) DNNLCALL(dnnl_primitive_destroy(c->conv));
  if (c->r_tmp) DNNLCALL(dnnl_primitive_destroy(c->r_tmp));
  if (c->wown) DNNLCALL(dnnl_memory_destroy(c->wown));
  free(c->bias);
  PetscCall(PetscMemzero(c, sizeof *c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegDnnlConvDestroy(RslSegConv *cv)
{
  DnnlConv *c = (DnnlConv *)cv->impl;

  PetscFunctionBegin;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < c->nslot; i++) PetscCall(release_primitive(&c->p[i]));
  PetscCall(PetscFree(c->p));
  if (c->wmem) DNNLCALL(dnnl_memory_destroy(c->wmem));
  PetscCall(PetscFree(c->wscale));
  PetscCall(PetscFree(cv->impl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode run2(dnnl_stream_t stream, dnnl_primitive_t p, int a0, dnnl_memory_t m0, int a1, dnnl_memory_t m1)
{
  dnnl_exec_arg_t args[2] = {{a0, m0}, {a1, m1}};

  PetscFunctionBegin;
  DNNLCALL(dnnl_primitive_execute(p, stream, 2, args));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Copy memory `from` (descriptor fmd) into a new memory of descriptor tmd (owned by oneDNN). */
static PetscErrorCode reorder_into(struct RslSegDnnl *d, dnnl_memory_t from, const dnnl_memory_desc_t *fmd, const dnnl_memory_desc_t *tmd, dnnl_memory_t *to)
{
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t      r;

  PetscFunctionBegin;
  DNNLCALL(dnnl_memory_create(to, tmd, d->eng, DNNL_MEMORY_ALLOCATE));
  DNNLCALL(dnnl_reorder_primitive_desc_create(&pd, fmd, d->eng, tmd, d->eng, NULL));
  DNNLCALL(dnnl_primitive_create(&r, pd));
  DNNLCALL(dnnl_primitive_desc_destroy(pd));
  PetscCall(run2(d->stream[slot()], r, DNNL_ARG_FROM, from, DNNL_ARG_TO, *to));
  DNNLCALL(dnnl_stream_wait(d->stream[slot()]));
  DNNLCALL(dnnl_primitive_destroy(r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void prec_types(RslSegPrecision p, dnnl_data_type_t *s, dnnl_data_type_t *w)
{
  *s = p == RSL_SEG_PREC_BF16 ? dnnl_bf16 : p == RSL_SEG_PREC_INT8 ? dnnl_u8 : dnnl_f32;
  *w = p == RSL_SEG_PREC_BF16 ? dnnl_bf16 : p == RSL_SEG_PREC_INT8 ? dnnl_s8 : dnnl_f32;
}

/* Convolution primitive descriptor for an n x cin x h x w NHWC input, weights "any". */
static dnnl_status_t conv_pd(struct RslSegDnnl *d, const RslSegConv *cv, PetscInt n, PetscInt h, PetscInt w, dnnl_data_type_t ddt, const_dnnl_primitive_attr_t attr, dnnl_memory_desc_t *src, dnnl_memory_desc_t *dst, dnnl_memory_desc_t *bmd, dnnl_primitive_desc_t *pd)
{
  PetscInt                oh = (h + 2 * cv->pad - cv->k) / cv->stride + 1, ow = (w + 2 * cv->pad - cv->k) / cv->stride + 1;
  dnnl_dims_t             sd = {n, cv->cin, h, w}, dd = {n, cv->cout, oh, ow}, wd = {cv->cout, cv->cin, cv->k, cv->k}, bd = {cv->cout};
  dnnl_dims_t             st = {cv->stride, cv->stride}, pad = {cv->pad, cv->pad};
  dnnl_data_type_t        sdt, wdt;
  dnnl_memory_desc_t      any_w;
  dnnl_convolution_desc_t desc;
  dnnl_status_t           s;

  prec_types(cv->prec, &sdt, &wdt);
  if ((s = dnnl_memory_desc_init_by_tag(src, 4, sd, sdt, dnnl_nhwc))) return s;
  if ((s = dnnl_memory_desc_init_by_tag(dst, 4, dd, ddt, dnnl_nhwc))) return s;
  if ((s = dnnl_memory_desc_init_by_tag(bmd, 1, bd, dnnl_f32, dnnl_a))) return s;
  if ((s = dnnl_memory_desc_init_by_tag(&any_w, 4, wd, wdt, dnnl_format_tag_any))) return s;
  if ((s = dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_convolution_direct, src, &any_w, bmd, dst, st, pad, pad))) return s;
  return dnnl_primitive_desc_create(pd, &desc, attr, d->eng, NULL);
}

PetscErrorCode RslSegDnnlConvSetUp(struct RslSegDnnl *d, RslSegConv *cv)
{
  DnnlConv             *c;
  dnnl_primitive_desc_t pd;
  dnnl_primitive_attr_t attr;
  dnnl_memory_desc_t    src, dst, bmd, user;
  dnnl_memory_t         um;
  dnnl_dims_t           wd = {cv->cout, cv->cin, cv->k, cv->k};
  dnnl_data_type_t      sdt, wdt;
  size_t                per = (size_t)cv->cin * cv->k * cv->k;
  void                 *q   = NULL;

  PetscFunctionBegin;
  PetscCall(PetscNew(&c));
  cv->impl = c;
  c->nslot = d->nslot;
  PetscCall(PetscCalloc1(d->nslot, &c->p));
  prec_types(cv->prec, &sdt, &wdt);
  /* the weight layout the primitive wants (it does not depend on the image size) */
  DNNLCALL(dnnl_primitive_attr_create(&attr));
  if (cv->prec == RSL_SEG_PREC_INT8) {
    PetscCall(PetscMalloc1(cv->cout, &c->wscale));
    for (PetscInt o = 0; o < cv->cout; o++) c->wscale[o] = 1.0f;
    DNNLCALL(dnnl_primitive_attr_set_output_scales(attr, cv->cout, 1 << 1, c->wscale));
  }
  DNNLCALL(conv_pd(d, cv, 1, 32, 32, sdt, attr, &src, &dst, &bmd, &pd));
  DNNLCALL(dnnl_primitive_attr_destroy(attr));
  c->wmd = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  DNNLCALL(dnnl_primitive_desc_destroy(pd));
  if (cv->prec == RSL_SEG_PREC_INT8) { /* symmetric per-output-channel s8 */
    int8_t *w8;
    PetscCall(PetscMalloc1(per * cv->cout, &w8));
    for (PetscInt o = 0; o < cv->cout; o++) {
      const float *wo = cv->w + o * per;
      float        m  = 0.0f;
      for (size_t i = 0; i < per; i++) m = PetscMax(m, PetscAbsReal(wo[i]));
      c->wscale[o] = m > 0 ? m / 127.0f : 1.0f;
      for (size_t i = 0; i < per; i++) w8[o * per + i] = (int8_t)nearbyintf(wo[i] / c->wscale[o]);
    }
    q = w8;
    DNNLCALL(dnnl_memory_desc_init_by_tag(&user, 4, wd, dnnl_s8, dnnl_oihw));
  } else DNNLCALL(dnnl_memory_desc_init_by_tag(&user, 4, wd, dnnl_f32, dnnl_oihw)); /* the reorder converts to bf16 */
  DNNLCALL(dnnl_memory_create(&um, &user, d->eng, q ? q : cv->w));
  PetscCall(reorder_into(d, um, &user, &c->wmd, &c->wmem));
  DNNLCALL(dnnl_memory_destroy(um));
  PetscCall(PetscFree(q));
  PetscCall(PetscFree(cv->w)); /* packed: the float copy is not needed any more */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* (Re)build the primitive of cv for input x, output type y->dtype, accumulation/ReLU. */
static PetscErrorCode prepare(struct RslSegDnnl *d, PetscInt sl, const RslSegConv *cv, const DnnlConv *k, DnnlPrim *c, const RslSegTensor *x, PetscBool acc, PetscBool relu, const RslSegTensor *y)
{
  dnnl_primitive_attr_t attr;
  dnnl_post_ops_t       po;
  dnnl_primitive_desc_t pd;
  dnnl_data_type_t      sdt, wdt, ddt = dt_of(cv->out_dtype);
  PetscBool             int8 = (PetscBool)(cv->prec == RSL_SEG_PREC_INT8);
  float                *osc  = NULL;
  size_t                need;
  dnnl_status_t         st;
  PetscBool             convert = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(release_primitive(c));
  prec_types(cv->prec, &sdt, &wdt);
  PetscCheck(dt_of(x->dtype) == sdt, PETSC_COMM_SELF, PETSC_ERR_PLIB, "conv %s: input storage does not match its precision %s", cv->name, RslSegPrecisions[cv->prec]);
  c->ys = cv->out_dtype == RSL_SEG_U8 ? PetscMax(cv->amax, 1e-30f) / 255.0f : cv->out_dtype == RSL_SEG_S8 ? PetscMax(cv->amax, 1e-30f) / 127.0f : 1.0f;
  c->r_tmp = NULL;
  DNNLCALL(dnnl_primitive_attr_create(&attr));
  DNNLCALL(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
  c->bias = (float *)malloc((size_t)cv->cout * sizeof(float));
  osc     = (float *)malloc((size_t)cv->cout * sizeof(float));
  PetscCheck(c->bias && osc, PETSC_COMM_SELF, PETSC_ERR_MEM, "conv %s: out of memory", cv->name);
  for (PetscInt o = 0; o < cv->cout; o++) c->bias[o] = cv->b[o];
  if (int8) { /* real result = s_w[oc] s_x acc: scale to the output's units; bias in accumulator units */
    for (PetscInt o = 0; o < cv->cout; o++) {
      osc[o]      = k->wscale[o] * x->scale / c->ys;
      c->bias[o] = cv->b[o] / (k->wscale[o] * x->scale);
    }
    DNNLCALL(dnnl_primitive_attr_set_output_scales(attr, cv->cout, 1 << 1, osc));
  }
  DNNLCALL(dnnl_post_ops_create(&po));
  if (acc) DNNLCALL(dnnl_post_ops_append_sum_v2(po, y->scale / c->ys, dt_of(y->dtype))); /* the residual (maybe s8 under a u8 output) in the output's units */
  if (relu) DNNLCALL(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f));
  DNNLCALL(dnnl_primitive_attr_set_post_ops(attr, po));
  DNNLCALL(dnnl_post_ops_destroy(po));
  st = conv_pd(d, cv, x->n, x->h, x->w, ddt, attr, &c->src, &c->dst, &c->bmd, &pd);
  if (st == dnnl_unimplemented && !int8 && ddt != sdt) { /* e.g. f32 -> u8/bf16: the kernel's own type, then a converting reorder */
    PetscCheck(!acc, PETSC_COMM_SELF, PETSC_ERR_SUP, "conv %s: residual into a converted output", cv->name);
    convert = PETSC_TRUE;
    st      = conv_pd(d, cv, x->n, x->h, x->w, sdt, attr, &c->src, &c->dst, &c->bmd, &pd);
  }
  PetscCheck(st == dnnl_success, PETSC_COMM_SELF, PETSC_ERR_LIB, "oneDNN: no %s convolution for %s (%s input, %s output; status %d)", RslSegPrecisions[cv->prec], cv->name, RslSegDtypeName(x->dtype), RslSegDtypeName(cv->out_dtype), (int)st);
  DNNLCALL(dnnl_primitive_attr_destroy(attr));
  free(osc);
  { /* the image size changed the weight layout (not seen with oneDNN 2.6): a copy for this slot */
    const dnnl_memory_desc_t *w = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    if (!dnnl_memory_desc_equal(w, &k->wmd)) PetscCall(reorder_into(d, k->wmem, &k->wmd, w, &c->wown));
  }
  c->spmd    = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
  c->scratch = (dnnl_memory_desc_get_size(&c->spmd) + 63) / 64 * 64;
  need       = c->scratch;
  DNNLCALL(dnnl_primitive_create(&c->conv, pd));
  DNNLCALL(dnnl_primitive_desc_destroy(pd));
  if (convert) {
    dnnl_memory_desc_t    out;
    dnnl_primitive_attr_t ra;
    float                 inv = 1.0f / c->ys;
    c->tmp                    = c->dst;
    DNNLCALL(dnnl_memory_desc_init_by_tag(&out, 4, c->dst.dims, dt_of(y->dtype), dnnl_nhwc));
    DNNLCALL(dnnl_primitive_attr_create(&ra));
    DNNLCALL(dnnl_primitive_attr_set_output_scales(ra, 1, 0, &inv));
    DNNLCALL(dnnl_reorder_primitive_desc_create(&pd, &c->tmp, d->eng, &out, d->eng, ra));
    DNNLCALL(dnnl_primitive_create(&c->r_tmp, pd));
    DNNLCALL(dnnl_primitive_desc_destroy(pd));
    DNNLCALL(dnnl_primitive_attr_destroy(ra));
    c->dst = out;
    need += dnnl_memory_desc_get_size(&c->tmp); /* the kernel's result lives in the scratch too */
  }
  if (need > d->scap[sl]) {
    free(d->scratch[sl]);
    d->scratch[sl] = aligned_alloc(64, (need + 63) / 64 * 64);
    PetscCheck(d->scratch[sl], PETSC_COMM_SELF, PETSC_ERR_MEM, "conv %s: no memory for %zu bytes of scratch", cv->name, need);
    d->scap[sl] = need;
  }
  c->n     = x->n;
  c->h     = x->h;
  c->w     = x->w;
  c->xdt   = x->dtype;
  c->ydt   = y->dtype;
  c->xs    = x->scale;
  c->rs    = acc ? y->scale : 0.0f;
  c->acc   = acc;
  c->relu  = relu;
  c->ready = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = act(conv(x) + b [+ y_old]) in NHWC. */
PetscErrorCode RslSegDnnlConv(struct RslSegDnnl *d, const RslSegConv *cv, const RslSegTensor *x, PetscBool acc, PetscBool relu, RslSegTensor *y)
{
  DnnlConv     *k  = (DnnlConv *)cv->impl;
  PetscInt      sl = slot();
  DnnlPrim     *c  = &k->p[sl];
  dnnl_stream_t stream = d->stream[sl];
  dnnl_memory_t src, dst, bias, scr, tmp = NULL;

  PetscFunctionBegin;
  PetscCheck(sl < d->nslot, PETSC_COMM_SELF, PETSC_ERR_PLIB, "conv %s: thread %" PetscInt_FMT " has no slot", cv->name, sl);
  if (!c->ready || c->n != x->n || c->h != x->h || c->w != x->w || c->xdt != x->dtype || c->ydt != y->dtype || c->xs != x->scale || c->acc != acc || c->relu != relu || (acc && c->rs != y->scale)) PetscCall(prepare(d, sl, cv, k, c, x, acc, relu, y));
  DNNLCALL(dnnl_memory_create(&src, &c->src, d->eng, x->data));
  DNNLCALL(dnnl_memory_create(&bias, &c->bmd, d->eng, c->bias));
  DNNLCALL(dnnl_memory_create(&scr, &c->spmd, d->eng, d->scratch[sl]));
  if (c->r_tmp) DNNLCALL(dnnl_memory_create(&tmp, &c->tmp, d->eng, (char *)d->scratch[sl] + c->scratch));
  DNNLCALL(dnnl_memory_create(&dst, &c->dst, d->eng, y->data));
  {
    dnnl_exec_arg_t args[5] = {
      {DNNL_ARG_SRC,        src                    },
      {DNNL_ARG_WEIGHTS,    c->wown ? c->wown : k->wmem},
      {DNNL_ARG_BIAS,       bias                   },
      {DNNL_ARG_DST,        c->r_tmp ? tmp : dst   },
      {DNNL_ARG_SCRATCHPAD, scr                    },
    };
    DNNLCALL(dnnl_primitive_execute(c->conv, stream, 5, args));
  }
  if (c->r_tmp) PetscCall(run2(stream, c->r_tmp, DNNL_ARG_FROM, tmp, DNNL_ARG_TO, dst));
  DNNLCALL(dnnl_stream_wait(stream));
  y->dtype = cv->out_dtype;
  y->scale = c->ys;
  DNNLCALL(dnnl_memory_destroy(src));
  DNNLCALL(dnnl_memory_destroy(bias));
  DNNLCALL(dnnl_memory_destroy(scr));
  DNNLCALL(dnnl_memory_destroy(dst));
  if (tmp) DNNLCALL(dnnl_memory_destroy(tmp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
#endif
