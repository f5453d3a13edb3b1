/* seg/backend_cpu_dnnl: the cpu backend's oneDNN convolution. Activations stay NCHW
 * between operations; each convolution reorders its input into the layout oneDNN's JIT
 * kernel prefers (channel-blocked, nChw8c on AVX2), runs without bias, and one pass both
 * converts the result back to NCHW and applies the single-source epilogue
 * (kernels/conv_epilogue.h: bias, residual, ReLU). Primitives and reordered weights are
 * cached per convolution for the last input shape. */
#include "seg/backend.h"
#include "kernels/conv_epilogue.h"
#if defined(RSL_HAVE_DNNL)
  #include <oneapi/dnnl/dnnl.h>

typedef struct {
  PetscInt           n, h, w; /* shape the primitives were made for */
  PetscBool          direct;  /* dst is plain or channel-blocked: epilogue reads it directly */
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
  { /* one block (or none) on the channel axis only */
    const dnnl_blocking_desc_t *b = &c->dst.format_desc.blocking;
    c->direct = (PetscBool)(c->dst.format_kind == dnnl_blocked && (b->inner_nblks == 0 || (b->inner_nblks == 1 && b->inner_idxs[0] == 1)));
  }
  if (!c->direct) PetscCall(reorder(d, &c->dst, &c->user_dst, &c->r_out));
  c->n = n;
  c->h = h;
  c->w = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y (NCHW) = act(z + b + res) from the convolution result z in oneDNN's layout md: one
 * pass, reading z contiguously (channel blocks innermost) and writing blk NCHW streams. */
static void epilogue_from(const dnnl_memory_desc_t *md, const float *z, const float *bias, const RslSegTensor *res, PetscBool relu, RslSegTensor *y)
{
  const dnnl_blocking_desc_t *b   = &md->format_desc.blocking;
  const dnnl_dim_t           *st  = b->strides;
  PetscInt                    blk = b->inner_nblks ? (PetscInt)b->inner_blks[0] : 1, nb = (y->c + blk - 1) / blk, H = y->h, W = y->w;
  size_t                      hw  = (size_t)H * W;

  #pragma omp parallel for collapse(2) schedule(static)
  for (PetscInt n = 0; n < y->n; n++)
    for (PetscInt cb = 0; cb < nb; cb++) {
      PetscInt cend = PetscMin(blk, y->c - cb * blk);
      for (PetscInt h = 0; h < H; h++) {
        const float *zr = z + md->offset0 + n * st[0] + cb * st[1] + h * st[2];
        for (PetscInt j = 0; j < cend; j++) {
          PetscInt     ch  = cb * blk + j;
          size_t       o   = ((size_t)n * y->c + ch) * hw + (size_t)h * W;
          float       *yo  = y->data + o;
          const float *r   = res ? res->data + o : NULL;
          float        bch = bias[ch];
          for (PetscInt w = 0; w < W; w++) yo[w] = rsl_conv_epilogue(zr[w * st[3] + j], bch, r ? r[w] : 0.0f, (int)relu);
        }
      }
    }
}

/* y = act(conv(x) + b [+ res]) in NCHW. */
PetscErrorCode RslSegDnnlConv(struct RslSegDnnl *d, const RslSegConv *cv, const RslSegTensor *x, const RslSegTensor *res, PetscBool relu, RslSegTensor *y)
{
  DnnlConv     *c = (DnnlConv *)cv->impl;
  dnnl_memory_t usrc, src, dst;
  void         *sbuf = NULL, *dbuf = NULL;

  PetscFunctionBegin;
  if (!c->conv || c->n != x->n || c->h != x->h || c->w != x->w) PetscCall(prepare(d, cv, c, x->n, x->h, x->w, y->h, y->w));
  DNNLCALL(dnnl_memory_create(&usrc, &c->user_src, d->eng, x->data));
  src = usrc;
  if (c->r_in) {
    PetscCall(PetscMalloc(dnnl_memory_desc_get_size(&c->src), &sbuf));
    DNNLCALL(dnnl_memory_create(&src, &c->src, d->eng, sbuf));
    PetscCall(run2(d, c->r_in, DNNL_ARG_FROM, usrc, DNNL_ARG_TO, src));
  }
  PetscCall(PetscMalloc(dnnl_memory_desc_get_size(&c->dst), &dbuf));
  DNNLCALL(dnnl_memory_create(&dst, &c->dst, d->eng, dbuf));
  {
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, c->wmem}, {DNNL_ARG_DST, dst}};
    DNNLCALL(dnnl_primitive_execute(c->conv, d->stream, 3, args));
  }
  if (c->direct) {
    DNNLCALL(dnnl_stream_wait(d->stream));
    epilogue_from(&c->dst, (const float *)dbuf, cv->b, res, relu, y);
  } else { /* other layouts: oneDNN converts, then the plain epilogue */
    dnnl_memory_t udst;
    DNNLCALL(dnnl_memory_create(&udst, &c->user_dst, d->eng, y->data));
    PetscCall(run2(d, c->r_out, DNNL_ARG_FROM, dst, DNNL_ARG_TO, udst));
    DNNLCALL(dnnl_stream_wait(d->stream));
    DNNLCALL(dnnl_memory_destroy(udst));
    PetscCall(RslSegHostEpilogue(cv->b, res, relu, y));
  }
  if (c->r_in) DNNLCALL(dnnl_memory_destroy(src));
  DNNLCALL(dnnl_memory_destroy(dst));
  DNNLCALL(dnnl_memory_destroy(usrc));
  PetscCall(PetscFree(sbuf));
  PetscCall(PetscFree(dbuf));
  PetscFunctionReturn(PETSC_SUCCESS);
}
#endif
