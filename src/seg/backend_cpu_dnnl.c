/* seg/backend_cpu_dnnl: the cpu backend's oneDNN convolution. Activations stay NCHW
 * between operations; each convolution reorders its input into the layout oneDNN's JIT
 * kernel prefers (blocked), runs without bias and reorders back, then the single-source
 * epilogue (kernels/conv_epilogue.h) adds bias, residual and ReLU in one pass. Primitives
 * and reordered weights are cached per convolution for the last input shape. */
#include "seg/backend.h"
#if defined(RSL_HAVE_DNNL)
  #include <oneapi/dnnl/dnnl.h>

typedef struct {
  PetscInt           n, h, w; /* shape the primitives were made for */
  dnnl_primitive_t   conv, r_in, r_out;
  dnnl_memory_desc_t user_src, user_dst, src, dst;
  dnnl_memory_t      wmem; /* weights in the primitive's layout */
  void              *wbuf;
} DnnlConv;

struct RslSegDnnl {
  dnnl_engine_t eng;
  dnnl_stream_t stream;
};

  #define DNNLCALL(call) \
    do { \
      dnnl_status_t st_ = (call); \
      PetscCheck(st_ == dnnl_success, PETSC_COMM_SELF, PETSC_ERR_LIB, "oneDNN: %s failed (status %d)", #call, (int)st_); \
    } while (0)

PetscErrorCode RslSegDnnlCreate(struct RslSegDnnl **d)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(d));
  DNNLCALL(dnnl_engine_create(&(*d)->eng, dnnl_cpu, 0));
  DNNLCALL(dnnl_stream_create(&(*d)->stream, (*d)->eng, dnnl_stream_default_flags));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode release(DnnlConv *c)
{
  PetscFunctionBegin;
  if (c->conv) DNNLCALL(dnnl_primitive_destroy(c->conv));
  if (c->r_in) DNNLCALL(dnnl_primitive_destroy(c->r_in));
  if (c->r_out) DNNLCALL(dnnl_primitive_destroy(c->r_out));
  if (c->wmem) DNNLCALL(dnnl_memory_destroy(c->wmem));
  PetscCall(PetscFree(c->wbuf));
  PetscCall(PetscMemzero(c, sizeof *c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegDnnlDestroy(struct RslSegDnnl **d)
{
  PetscFunctionBegin;
  if (!*d) PetscFunctionReturn(PETSC_SUCCESS);
  DNNLCALL(dnnl_stream_destroy((*d)->stream));
  DNNLCALL(dnnl_engine_destroy((*d)->eng));
  PetscCall(PetscFree(*d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegDnnlConvSetUp(RslSegConv *cv)
{
  PetscFunctionBegin;
  PetscCall(PetscNew((DnnlConv **)&cv->impl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegDnnlConvDestroy(RslSegConv *cv)
{
  PetscFunctionBegin;
  if (!cv->impl) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(release((DnnlConv *)cv->impl));
  PetscCall(PetscFree(cv->impl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode reorder(struct RslSegDnnl *d, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to, dnnl_primitive_t *r)
{
  dnnl_primitive_desc_t pd;

  PetscFunctionBegin;
  *r = NULL;
  if (dnnl_memory_desc_equal(from, to)) PetscFunctionReturn(PETSC_SUCCESS);
  DNNLCALL(dnnl_reorder_primitive_desc_create(&pd, from, d->eng, to, d->eng, NULL));
  DNNLCALL(dnnl_primitive_create(r, pd));
  DNNLCALL(dnnl_primitive_desc_destroy(pd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode run2(struct RslSegDnnl *d, dnnl_primitive_t p, int a0, dnnl_memory_t m0, int a1, dnnl_memory_t m1)
{
  dnnl_exec_arg_t args[2] = {{a0, m0}, {a1, m1}};

  PetscFunctionBegin;
  DNNLCALL(dnnl_primitive_execute(p, d->stream, 2, args));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* (Re)build the primitives of cv for an n x cin x h x w input. */
static PetscErrorCode prepare(struct RslSegDnnl *d, const RslSegConv *cv, DnnlConv *c, PetscInt n, PetscInt h, PetscInt w, PetscInt oh, PetscInt ow)
{
  dnnl_dims_t                sd = {n, cv->cin, h, w}, dd = {n, cv->cout, oh, ow}, wd = {cv->cout, cv->cin, cv->k, cv->k};
  dnnl_dims_t                st = {cv->stride, cv->stride}, pad = {cv->pad, cv->pad};
  dnnl_memory_desc_t         a_src, a_dst, a_w, user_w;
  dnnl_convolution_desc_t    desc;
  dnnl_primitive_desc_t      pd;
  const dnnl_memory_desc_t  *q;
  dnnl_primitive_t           rw;
  dnnl_memory_t              uw;

  PetscFunctionBegin;
  PetscCall(release(c));
  DNNLCALL(dnnl_memory_desc_init_by_tag(&c->user_src, 4, sd, dnnl_f32, dnnl_nchw));
  DNNLCALL(dnnl_memory_desc_init_by_tag(&c->user_dst, 4, dd, dnnl_f32, dnnl_nchw));
  DNNLCALL(dnnl_memory_desc_init_by_tag(&user_w, 4, wd, dnnl_f32, dnnl_oihw));
  DNNLCALL(dnnl_memory_desc_init_by_tag(&a_src, 4, sd, dnnl_f32, dnnl_format_tag_any));
  DNNLCALL(dnnl_memory_desc_init_by_tag(&a_dst, 4, dd, dnnl_f32, dnnl_format_tag_any));
  DNNLCALL(dnnl_memory_desc_init_by_tag(&a_w, 4, wd, dnnl_f32, dnnl_format_tag_any));
  DNNLCALL(dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_convolution_direct, &a_src, &a_w, NULL, &a_dst, st, pad, pad));
  DNNLCALL(dnnl_primitive_desc_create(&pd, &desc, NULL, d->eng, NULL));
  q      = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
  c->src = *q;
  q      = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
  c->dst = *q;
  q      = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  PetscCall(PetscMalloc(dnnl_memory_desc_get_size(q), &c->wbuf));
  DNNLCALL(dnnl_memory_create(&c->wmem, q, d->eng, c->wbuf));
  DNNLCALL(dnnl_memory_create(&uw, &user_w, d->eng, cv->w));
  PetscCall(reorder(d, &user_w, q, &rw));
  if (rw) {
    PetscCall(run2(d, rw, DNNL_ARG_FROM, uw, DNNL_ARG_TO, c->wmem));
    DNNLCALL(dnnl_primitive_destroy(rw));
  } else PetscCall(PetscMemcpy(c->wbuf, cv->w, dnnl_memory_desc_get_size(q)));
  DNNLCALL(dnnl_stream_wait(d->stream));
  DNNLCALL(dnnl_memory_destroy(uw));
  DNNLCALL(dnnl_primitive_create(&c->conv, pd));
  DNNLCALL(dnnl_primitive_desc_destroy(pd));
  PetscCall(reorder(d, &c->user_src, &c->src, &c->r_in));
  PetscCall(reorder(d, &c->dst, &c->user_dst, &c->r_out));
  c->n = n;
  c->h = h;
  c->w = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = conv(x) without bias (raw accumulators, NCHW); the caller applies the epilogue. */
PetscErrorCode RslSegDnnlConv(struct RslSegDnnl *d, const RslSegConv *cv, const RslSegTensor *x, RslSegTensor *y)
{
  DnnlConv     *c = (DnnlConv *)cv->impl;
  dnnl_memory_t usrc, udst, src, dst;
  void         *sbuf = NULL, *dbuf = NULL;

  PetscFunctionBegin;
  if (!c->conv || c->n != x->n || c->h != x->h || c->w != x->w) PetscCall(prepare(d, cv, c, x->n, x->h, x->w, y->h, y->w));
  DNNLCALL(dnnl_memory_create(&usrc, &c->user_src, d->eng, x->data));
  DNNLCALL(dnnl_memory_create(&udst, &c->user_dst, d->eng, y->data));
  src = usrc;
  dst = udst;
  if (c->r_in) {
    PetscCall(PetscMalloc(dnnl_memory_desc_get_size(&c->src), &sbuf));
    DNNLCALL(dnnl_memory_create(&src, &c->src, d->eng, sbuf));
    PetscCall(run2(d, c->r_in, DNNL_ARG_FROM, usrc, DNNL_ARG_TO, src));
  }
  if (c->r_out) {
    PetscCall(PetscMalloc(dnnl_memory_desc_get_size(&c->dst), &dbuf));
    DNNLCALL(dnnl_memory_create(&dst, &c->dst, d->eng, dbuf));
  }
  {
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, c->wmem}, {DNNL_ARG_DST, dst}};
    DNNLCALL(dnnl_primitive_execute(c->conv, d->stream, 3, args));
  }
  if (c->r_out) PetscCall(run2(d, c->r_out, DNNL_ARG_FROM, dst, DNNL_ARG_TO, udst));
  DNNLCALL(dnnl_stream_wait(d->stream));
  if (c->r_in) DNNLCALL(dnnl_memory_destroy(src));
  if (c->r_out) DNNLCALL(dnnl_memory_destroy(dst));
  DNNLCALL(dnnl_memory_destroy(usrc));
  DNNLCALL(dnnl_memory_destroy(udst));
  PetscCall(PetscFree(sbuf));
  PetscCall(PetscFree(dbuf));
  PetscFunctionReturn(PETSC_SUCCESS);
}
#endif
