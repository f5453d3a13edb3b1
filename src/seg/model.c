/* seg/model: RslSegModel, the U-Net graph, weight loading and forward pass (model.h). */
#include "seg/model.h"
#include "seg/backend.h"
#include "seg/safetensors.h"
#include "kernels/conv_epilogue.h"
#include <math.h>

#define BN_EPS 1e-5 /* PyTorch BatchNorm2d default, used by smp */

typedef struct {
  RslSegConv c1, c2, down;
  PetscBool  has_down;
} BasicBlock;

struct _p_RslSegModel {
  MPI_Comm      comm;
  char          arch[32], backend[16], weights[PETSC_MAX_PATH_LEN], prefix[256];
  PetscBool     prefix_set, setup;
  PetscInt      classes, bands;
  PetscReal     width;
  PetscInt      nblocks[4], enc[5], dec[5]; /* blocks per layer; stem+layer widths; decoder widths */
  RslSegConv    stem, decconv[5][2], head;
  BasicBlock   *layer[4];
  RslSegBackend be;
  PetscLogEvent ev_setup, ev_forward, ev_conv;
};

static PetscInt scaled(PetscInt c, PetscReal w)
{
  PetscInt s = (PetscInt)floor((double)c * w + 0.5); /* same rule as scripts/seg/unet_ref.py */
  return s < 1 ? 1 : s;
}

PetscErrorCode RslSegModelCreate(MPI_Comm comm, RslSegModel *out)
{
  RslSegModel m;

  PetscFunctionBegin;
  PetscCall(RslInitializePackage());
  PetscCall(PetscNew(&m));
  m->comm    = comm;
  m->classes = 19;
  m->bands   = 5;
  m->width   = 1.0;
  PetscCall(PetscStrncpy(m->arch, "unet_resnet34", sizeof m->arch));
  PetscCall(PetscStrncpy(m->backend, "cpu", sizeof m->backend));
  PetscCall(RslLogEventRegister("SegModelSetUp", &m->ev_setup));
  PetscCall(RslLogEventRegister("SegForward", &m->ev_forward));
  PetscCall(RslLogEventRegister("SegConv", &m->ev_conv));
  *out = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetArch(RslSegModel m, const char arch[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->arch, arch, sizeof m->arch));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetNumClasses(RslSegModel m, PetscInt classes)
{
  PetscFunctionBegin;
  m->classes = classes;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetWidthMult(RslSegModel m, PetscReal w)
{
  PetscFunctionBegin;
  m->width = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetBackend(RslSegModel m, const char backend[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->backend, backend, sizeof m->backend));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetWeights(RslSegModel m, const char file[], const char prefix[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->weights, file, sizeof m->weights));
  m->prefix_set = (PetscBool)(prefix != NULL);
  PetscCall(PetscStrncpy(m->prefix, prefix ? prefix : "", sizeof m->prefix));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetFromOptions(RslSegModel m)
{
  const char *archs[] = {"unet_resnet34", "unet_resnet18"}, *backends[] = {"ref", "cpu", "cuda"};
  PetscInt    a = 0, b = 1;
  PetscBool   set;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 2; i++) {
    PetscBool eq;
    PetscCall(PetscStrcmp(m->arch, archs[i], &eq));
    if (eq) a = i;
  }
  for (PetscInt i = 0; i < 3; i++) {
    PetscBool eq;
    PetscCall(PetscStrcmp(m->backend, backends[i], &eq));
    if (eq) b = i;
  }
  PetscOptionsBegin(m->comm, NULL, "Segmentation model (U-Net, FLAIR)", "RslSegModel");
  PetscCall(PetscOptionsEList("-seg_arch", "U-Net encoder", "RslSegModelSetArch", archs, 2, archs[a], &a, NULL));
  PetscCall(PetscOptionsInt("-seg_classes", "Number of classes of the model (1..255)", "RslSegModelSetNumClasses", m->classes, &m->classes, NULL));
  PetscCall(PetscOptionsReal("-seg_width_mult", "Channel-width multiplier (1 = smp/FLAIR; <1 small demo models)", "RslSegModelSetWidthMult", m->width, &m->width, NULL));
  PetscCall(PetscOptionsEList("-seg_backend", "Compute backend", "RslSegModelSetBackend", backends, 3, backends[b], &b, NULL));
  PetscCall(PetscOptionsString("-seg_weights", "Model weights (safetensors, PyTorch state-dict names)", "RslSegModelSetWeights", m->weights, m->weights, sizeof m->weights, NULL));
  PetscCall(PetscOptionsString("-seg_weights_prefix", "Prefix of the state-dict names (default: detected, e.g. model.)", "RslSegModelSetWeights", m->prefix, m->prefix, sizeof m->prefix, &set));
  PetscOptionsEnd();
#if defined(RSL_HAVE_BLAS)
  {
    PetscBool help; /* -help: the cpu backend's own options (read when it is created) too */
    PetscCall(PetscOptionsHasHelp(NULL, &help));
    if (help) {
      RslSegBackend be;
      PetscCall(RslSegBackendCreate(m->comm, "cpu", &be));
      PetscCall(RslSegBackendDestroy(&be));
    }
  }
#endif
  if (set) m->prefix_set = PETSC_TRUE;
  PetscCall(PetscStrncpy(m->arch, archs[a], sizeof m->arch));
  PetscCall(PetscStrncpy(m->backend, backends[b], sizeof m->backend));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- weight loading ---------------------------------------------------------------- */
typedef struct {
  MPI_Comm       comm;
  RslSafetensors st;
  const char    *file, *prefix;
  PetscBool     *used;
} Loader;

static void shape_str(char *buf, size_t len, PetscInt nd, const PetscInt64 *s)
{
  size_t o = 0;
  o += (size_t)snprintf(buf + o, len - o, "[");
  for (PetscInt i = 0; i < nd && o < len; i++) o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? ", " : "", (long long)s[i]);
  if (o < len) snprintf(buf + o, len - o, "]");
}

/* The float contents of prefix+name, checked against the expected shape. */
static PetscErrorCode load_tensor(Loader *L, const char name[], PetscInt nd, const PetscInt64 shape[], float **out)
{
  char               full[512], exp[128], got[128];
  const RslSTTensor *t = NULL;
  PetscInt           idx;
  PetscBool          ok;
  PetscErrorCode     ierr;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(full, sizeof full, "%s%s", L->prefix, name));
  PetscCall(RslSafetensorsFind(L->st, full, &idx));
  if (idx >= 0) PetscCall(RslSafetensorsGetTensor(L->st, idx, &t));
  shape_str(exp, sizeof exp, nd, shape);
  RSLCHECK(L->comm, idx >= 0, "seg weights %s: missing tensor '%s' (expected shape %s)", L->file, full, exp);
  ok = (PetscBool)(t->ndim == nd);
  for (PetscInt i = 0; ok && i < nd; i++) ok = (PetscBool)(t->shape[i] == shape[i]);
  shape_str(got, sizeof got, t->ndim, t->shape);
  RSLCHECK(L->comm, ok, "seg weights %s: tensor '%s': expected shape %s, found %s", L->file, full, exp, got);
  L->used[idx] = PETSC_TRUE;
  PetscCall(PetscMalloc1(RslSTTensorNumel(t), out));
  ierr = RslSafetensorsReadFloat(L->st, t, *out); /* fails on a non-float dtype */
  if (ierr) PetscCall(PetscFree(*out));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* conv (+ optional bias) named cname, folded with the batch-norm bnname (NULL: none). */
static PetscErrorCode load_conv(Loader *L, const char cname[], const char bnname[], PetscBool bias, PetscInt cin, PetscInt cout, PetscInt k, PetscInt stride, RslSegConv *cv)
{
  char       nm[256];
  PetscInt64 wshape[4] = {cout, cin, k, k}, vshape[1] = {cout};
  float     *g, *beta, *mu, *var;

  PetscFunctionBegin;
  cv->cin    = cin;
  cv->cout   = cout;
  cv->k      = k;
  cv->stride = stride;
  cv->pad    = k / 2;
  PetscCall(PetscSNPrintf(nm, sizeof nm, "%s.weight", cname));
  PetscCall(load_tensor(L, nm, 4, wshape, &cv->w));
  if (bias) {
    PetscCall(PetscSNPrintf(nm, sizeof nm, "%s.bias", cname));
    PetscCall(load_tensor(L, nm, 1, vshape, &cv->b));
  } else PetscCall(PetscCalloc1(cout, &cv->b));
  if (!bnname) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscSNPrintf(nm, sizeof nm, "%s.weight", bnname));
  PetscCall(load_tensor(L, nm, 1, vshape, &g));
  PetscCall(PetscSNPrintf(nm, sizeof nm, "%s.bias", bnname));
  PetscCall(load_tensor(L, nm, 1, vshape, &beta));
  PetscCall(PetscSNPrintf(nm, sizeof nm, "%s.running_mean", bnname));
  PetscCall(load_tensor(L, nm, 1, vshape, &mu));
  PetscCall(PetscSNPrintf(nm, sizeof nm, "%s.running_var", bnname));
  PetscCall(load_tensor(L, nm, 1, vshape, &var));
  /* BN(conv(x) + b) = s conv(x) + (beta + s (b - mu)),  s = gamma / sqrt(var + eps) */
  for (PetscInt o = 0; o < cout; o++) {
    double s = (double)g[o] / sqrt((double)var[o] + BN_EPS);
    for (PetscInt i = 0; i < cin * k * k; i++) cv->w[o * cin * k * k + i] = (float)(s * cv->w[o * cin * k * k + i]);
    cv->b[o] = (float)(beta[o] + s * ((double)cv->b[o] - mu[o]));
  }
  PetscCall(PetscFree(g));
  PetscCall(PetscFree(beta));
  PetscCall(PetscFree(mu));
  PetscCall(PetscFree(var));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every tensor of the graph from L, then the check that nothing was left over. */
static PetscErrorCode load_graph(RslSegModel m, Loader *Lp)
{
  Loader   L = *Lp;
  PetscInt n, cin;
  char     c[128], b[128];

  PetscFunctionBegin;
  PetscCall(RslSafetensorsGetNumTensors(L.st, &n));
  if (!m->prefix_set) { /* detect a common prefix such as "model." from the stem's name */
    const char *key = "encoder.conv1.weight";
    size_t      lk  = strlen(key);
    for (PetscInt i = 0; i < n; i++) {
      const RslSTTensor *t;
      size_t             l;
      PetscCall(RslSafetensorsGetTensor(L.st, i, &t));
      l = strlen(t->name);
      if (l >= lk && !strcmp(t->name + l - lk, key) && l - lk < sizeof m->prefix) {
        PetscCall(PetscStrncpy(m->prefix, t->name, l - lk + 1));
        break;
      }
    }
  }
  L.prefix = m->prefix;

  PetscCall(load_conv(&L, "encoder.conv1", "encoder.bn1", PETSC_FALSE, m->bands, m->enc[0], 7, 2, &m->stem));
  cin = m->enc[0];
  for (PetscInt l = 0; l < 4; l++) {
    PetscInt cout = m->enc[l + 1];
    PetscCall(PetscCalloc1(m->nblocks[l], &m->layer[l]));
    for (PetscInt j = 0; j < m->nblocks[l]; j++) {
      BasicBlock *bb     = &m->layer[l][j];
      PetscInt    stride = (l > 0 && j == 0) ? 2 : 1;
      PetscCall(PetscSNPrintf(c, sizeof c, "encoder.layer%d.%d.conv1", (int)l + 1, (int)j));
      PetscCall(PetscSNPrintf(b, sizeof b, "encoder.layer%d.%d.bn1", (int)l + 1, (int)j));
      PetscCall(load_conv(&L, c, b, PETSC_FALSE, cin, cout, 3, stride, &bb->c1));
      PetscCall(PetscSNPrintf(c, sizeof c, "encoder.layer%d.%d.conv2", (int)l + 1, (int)j));
      PetscCall(PetscSNPrintf(b, sizeof b, "encoder.layer%d.%d.bn2", (int)l + 1, (int)j));
      PetscCall(load_conv(&L, c, b, PETSC_FALSE, cout, cout, 3, 1, &bb->c2));
      bb->has_down = (PetscBool)(stride != 1 || cin != cout);
      if (bb->has_down) {
        PetscCall(PetscSNPrintf(c, sizeof c, "encoder.layer%d.%d.downsample.0", (int)l + 1, (int)j));
        PetscCall(PetscSNPrintf(b, sizeof b, "encoder.layer%d.%d.downsample.1", (int)l + 1, (int)j));
        PetscCall(load_conv(&L, c, b, PETSC_FALSE, cin, cout, 1, stride, &bb->down));
      }
      cin = cout;
    }
  }
  for (PetscInt i = 0; i < 5; i++) { /* skips: layer3, layer2, layer1, stem, none */
    PetscInt skip = i < 4 ? m->enc[3 - i] : 0, in = i ? m->dec[i - 1] : m->enc[4];
    PetscCall(PetscSNPrintf(c, sizeof c, "decoder.blocks.%d.conv1.0", (int)i));
    PetscCall(PetscSNPrintf(b, sizeof b, "decoder.blocks.%d.conv1.1", (int)i));
    PetscCall(load_conv(&L, c, b, PETSC_FALSE, in + skip, m->dec[i], 3, 1, &m->decconv[i][0]));
    PetscCall(PetscSNPrintf(c, sizeof c, "decoder.blocks.%d.conv2.0", (int)i));
    PetscCall(PetscSNPrintf(b, sizeof b, "decoder.blocks.%d.conv2.1", (int)i));
    PetscCall(load_conv(&L, c, b, PETSC_FALSE, m->dec[i], m->dec[i], 3, 1, &m->decconv[i][1]));
  }
  PetscCall(load_conv(&L, "segmentation_head.0", NULL, PETSC_TRUE, m->dec[4], m->classes, 3, 1, &m->head));

  for (PetscInt i = 0; i < n; i++) { /* whatever was not consumed is an error */
    const RslSTTensor *t;
    const char        *nbt = ".num_batches_tracked";
    size_t             l;
    PetscCall(RslSafetensorsGetTensor(L.st, i, &t));
    l = strlen(t->name);
    if (L.used[i] || (l > strlen(nbt) && !strcmp(t->name + l - strlen(nbt), nbt))) continue;
    RSLCHECK(m->comm, 0, "seg weights %s: unexpected tensor '%s' (not part of %s, width %g, %" PetscInt_FMT " classes, prefix '%s')", m->weights, t->name, m->arch, (double)m->width, m->classes, m->prefix);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode load_weights(RslSegModel m)
{
  Loader         L = {m->comm, NULL, m->weights, m->prefix, NULL};
  PetscInt       n;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  RSLCHECK(m->comm, m->weights[0], "-seg_weights: no model weights given (a .safetensors file)");
  PetscCall(RslSafetensorsOpen(m->comm, m->weights, &L.st));
  PetscCall(RslSafetensorsGetNumTensors(L.st, &n));
  PetscCall(PetscCalloc1(n, &L.used));
  ierr = load_graph(m, &L);
  PetscCall(PetscFree(L.used));
  PetscCall(RslSafetensorsClose(&L.st));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every convolution of the graph, in a fixed order (set-up and destruction). */
typedef PetscErrorCode (*ConvFn)(RslSegModel, RslSegConv *, void *);

static PetscErrorCode for_each_conv(RslSegModel m, ConvFn f, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(f(m, &m->stem, ctx));
  for (PetscInt l = 0; l < 4; l++)
    for (PetscInt j = 0; m->layer[l] && j < m->nblocks[l]; j++) {
      PetscCall(f(m, &m->layer[l][j].c1, ctx));
      PetscCall(f(m, &m->layer[l][j].c2, ctx));
      if (m->layer[l][j].has_down) PetscCall(f(m, &m->layer[l][j].down, ctx));
    }
  for (PetscInt i = 0; i < 5; i++) {
    PetscCall(f(m, &m->decconv[i][0], ctx));
    PetscCall(f(m, &m->decconv[i][1], ctx));
  }
  PetscCall(f(m, &m->head, ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode free_conv(RslSegModel m, RslSegConv *cv, void *ctx)
{
  PetscFunctionBegin;
  if (m->be && cv->impl) PetscCall(m->be->ops.destroy_conv(m->be, cv));
  PetscCall(PetscFree(cv->w));
  PetscCall(PetscFree(cv->b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode setup_conv(RslSegModel m, RslSegConv *cv, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(m->be->ops.setup_conv(m->be, cv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetUp(RslSegModel m)
{
  static const PetscInt enc[5] = {64, 64, 128, 256, 512}, dec[5] = {256, 128, 64, 32, 16};
  PetscBool             r34, r18;

  PetscFunctionBegin;
  if (m->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(m->ev_setup, 0, 0, 0, 0));
  PetscCall(PetscStrcmp(m->arch, "unet_resnet34", &r34));
  PetscCall(PetscStrcmp(m->arch, "unet_resnet18", &r18));
  RSLCHECK(m->comm, r34 || r18, "-seg_arch %s: unknown architecture (unet_resnet34, unet_resnet18)", m->arch);
  RSLCHECK(m->comm, m->classes >= 1 && m->classes <= 255, "-seg_classes %" PetscInt_FMT ": must be in 1..255", m->classes);
  RSLCHECK(m->comm, m->width > 0 && m->width <= 4, "-seg_width_mult %g: must be in (0, 4]", (double)m->width);
  for (PetscInt l = 0; l < 4; l++) m->nblocks[l] = r34 ? (PetscInt[]){3, 4, 6, 3}[l] : 2;
  for (PetscInt i = 0; i < 5; i++) {
    m->enc[i] = scaled(enc[i], m->width);
    m->dec[i] = scaled(dec[i], m->width);
  }
  PetscCall(RslSegBackendCreate(m->comm, m->backend, &m->be));
  PetscCall(load_weights(m));
  PetscCall(for_each_conv(m, setup_conv, NULL));
  m->setup = PETSC_TRUE;
  PetscCall(PetscLogEventEnd(m->ev_setup, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = act(conv(x) [+ res]), allocating y. */
static PetscErrorCode run_conv(RslSegModel m, const RslSegConv *cv, const RslSegTensor *x, const RslSegTensor *res, PetscBool relu, RslSegTensor *y)
{
  PetscInt oh = rsl_conv_out_size((int)x->h, (int)cv->k, (int)cv->stride, (int)cv->pad), ow = rsl_conv_out_size((int)x->w, (int)cv->k, (int)cv->stride, (int)cv->pad);

  PetscFunctionBegin;
  PetscCheck(x->c == cv->cin, PETSC_COMM_SELF, PETSC_ERR_PLIB, "conv expects %" PetscInt_FMT " channels, got %" PetscInt_FMT, cv->cin, x->c);
  PetscCall(RslSegTensorAlloc(m->be, y, x->n, cv->cout, oh, ow));
  PetscCall(PetscLogEventBegin(m->ev_conv, 0, 0, 0, 0));
  PetscCall(m->be->ops.conv(m->be, cv, x, res, relu, y));
  PetscCall(PetscLogFlops(2.0 * x->n * oh * ow * cv->cout * cv->cin * cv->k * cv->k));
  PetscCall(PetscLogEventEnd(m->ev_conv, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One BasicBlock; x is freed unless keep. */
static PetscErrorCode basic_block(RslSegModel m, const BasicBlock *bb, RslSegTensor *x, PetscBool keep, RslSegTensor *y)
{
  RslSegTensor t, sc;

  PetscFunctionBegin;
  PetscCall(run_conv(m, &bb->c1, x, NULL, PETSC_TRUE, &t));
  if (bb->has_down) PetscCall(run_conv(m, &bb->down, x, NULL, PETSC_FALSE, &sc));
  PetscCall(run_conv(m, &bb->c2, &t, bb->has_down ? &sc : x, PETSC_TRUE, y));
  PetscCall(RslSegTensorFree(m->be, &t));
  if (bb->has_down) PetscCall(RslSegTensorFree(m->be, &sc));
  if (!keep) PetscCall(RslSegTensorFree(m->be, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelForward(RslSegModel m, PetscInt n, PetscInt H, PetscInt W, const float *in, float *logits)
{
  RslSegTensor x, f[5], t, u; /* f: stem, layer1..layer4 outputs (the skips) */

  PetscFunctionBegin;
  PetscCheck(m->setup, PETSC_COMM_SELF, PETSC_ERR_ORDER, "RslSegModelSetUp() first");
  PetscCheck(n >= 1 && H >= 32 && W >= 32 && H % 32 == 0 && W % 32 == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "seg forward: %" PetscInt_FMT " tiles of %" PetscInt_FMT " x %" PetscInt_FMT ": need n >= 1 and H, W positive multiples of 32", n, H, W);
  PetscCall(PetscLogEventBegin(m->ev_forward, 0, 0, 0, 0));
  PetscCall(RslSegTensorAlloc(m->be, &x, n, m->bands, H, W));
  PetscCall(m->be->ops.upload(m->be, in, &x));
  PetscCall(run_conv(m, &m->stem, &x, NULL, PETSC_TRUE, &f[0]));
  PetscCall(RslSegTensorFree(m->be, &x));
  PetscCall(RslSegTensorAlloc(m->be, &x, n, f[0].c, f[0].h / 2, f[0].w / 2));
  PetscCall(m->be->ops.maxpool(m->be, &f[0], &x));
  for (PetscInt l = 0; l < 4; l++) {
    for (PetscInt j = 0; j < m->nblocks[l]; j++) {
      /* the layer's input is kept when it is a skip feature (layer input = previous output) */
      PetscCall(basic_block(m, &m->layer[l][j], &x, (PetscBool)(j == 0 && l > 0), &t));
      x = t;
    }
    f[l + 1] = x;
  }
  x = f[4];
  for (PetscInt i = 0; i < 5; i++) {
    PetscCall(RslSegTensorAlloc(m->be, &u, n, x.c, 2 * x.h, 2 * x.w));
    PetscCall(m->be->ops.upsample2(m->be, &x, &u));
    PetscCall(RslSegTensorFree(m->be, &x));
    if (i < 4) {
      RslSegTensor *s = &f[3 - i];
      PetscCall(RslSegTensorAlloc(m->be, &t, n, u.c + s->c, u.h, u.w));
      PetscCall(m->be->ops.concat(m->be, &u, s, &t));
      PetscCall(RslSegTensorFree(m->be, &u));
      PetscCall(RslSegTensorFree(m->be, s));
      u = t;
    }
    PetscCall(run_conv(m, &m->decconv[i][0], &u, NULL, PETSC_TRUE, &t));
    PetscCall(RslSegTensorFree(m->be, &u));
    PetscCall(run_conv(m, &m->decconv[i][1], &t, NULL, PETSC_TRUE, &x));
    PetscCall(RslSegTensorFree(m->be, &t));
  }
  PetscCall(run_conv(m, &m->head, &x, NULL, PETSC_FALSE, &t));
  PetscCall(RslSegTensorFree(m->be, &x));
  PetscCall(m->be->ops.download(m->be, &t, logits));
  PetscCall(RslSegTensorFree(m->be, &t));
  PetscCall(PetscLogEventEnd(m->ev_forward, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelGetNumClasses(RslSegModel m, PetscInt *classes)
{
  PetscFunctionBegin;
  *classes = m->classes;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelGetInputBands(RslSegModel m, PetscInt *bands)
{
  PetscFunctionBegin;
  *bands = m->bands;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode count_params(RslSegModel m, RslSegConv *cv, void *ctx)
{
  PetscFunctionBegin;
  *(PetscInt64 *)ctx += (PetscInt64)cv->cout * (cv->cin * cv->k * cv->k + 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelView(RslSegModel m, PetscViewer viewer)
{
  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(m->comm, &viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "RslSegModel: %s, %" PetscInt_FMT " bands -> %" PetscInt_FMT " classes, width x%g, backend %s\n", m->arch, m->bands, m->classes, (double)m->width, m->backend));
  if (m->setup) {
    PetscInt64 np = 0;
    PetscCall(for_each_conv(m, count_params, &np));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  weights %s (prefix '%s'), %lld folded parameters\n", m->weights, m->prefix, (long long)np));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelDestroy(RslSegModel *m)
{
  PetscFunctionBegin;
  if (!*m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(for_each_conv(*m, free_conv, NULL));
  for (PetscInt l = 0; l < 4; l++) PetscCall(PetscFree((*m)->layer[l]));
  PetscCall(RslSegBackendDestroy(&(*m)->be));
  PetscCall(PetscFree(*m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
