/* seg/model: RslSegModel, the U-Net graph, weight loading, precision planning,
 * calibration and forward pass (model.h). */
#include "seg/model.h"
#include "seg/backend.h"
#include "seg/calibration.h"
#include "seg/safetensors.h"
#include "kernels/conv_epilogue.h"
#include <math.h>
#if defined(_OPENMP)
  #include <omp.h>
#endif

#define BN_EPS 1e-5 /* PyTorch BatchNorm2d default, used by smp */

/* A ResNet block: BasicBlock (resnet18/34: 3x3, 3x3) or Bottleneck (resnet50: 1x1, 3x3
 * with the stride, 1x1 to 4x the width; torchvision's v1.5 layout, as smp uses). */
typedef struct {
  RslSegConv c[3], down;
  PetscInt   nconv;
  PetscBool  has_down;
} Block;

typedef enum { ARCH_R18, ARCH_R34, ARCH_R50 } Arch;
static const char *const arch_names[] = {"unet_resnet18", "unet_resnet34", "unet_resnet50"};

struct _p_RslSegModel {
  MPI_Comm          comm;
  char              arch[32], backend[16], weights[PETSC_MAX_PATH_LEN], prefix[256];
  char              calib[PETSC_MAX_PATH_LEN], calib_out[PETSC_MAX_PATH_LEN];
  PetscBool         prefix_set, setup;
  PetscInt          classes, bands; /* 0: from the weights */
  PetscReal         width;
  Arch              a;
  PetscInt          nblocks[4], enc[5], mid[4], dec[5]; /* blocks per layer; stem+layer widths; bottleneck widths; decoder widths */
  RslSegConv        stem, decconv[5][2], head;
  Block            *layer[4];
  RslSegPrecision   prec_req, prec; /* -seg_precision, what runs */
  char              prec_why[256];
  PetscBool         record; /* an FP32 calibration run: histograms of each conv's output */
  RslSegActStats  **stats;  /* per convolution (id), when recording */
  PetscReal         quantile;
  PetscInt          nconv;
  RslSegBackend     be;
  PetscLogEvent     ev_setup, ev_forward, ev_conv;
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
  m->comm     = comm;
  m->width    = 1.0;
  m->prec_req = RSL_SEG_PREC_FP32;
  m->quantile = 1.0;
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

PetscErrorCode RslSegModelSetNumBands(RslSegModel m, PetscInt bands)
{
  PetscFunctionBegin;
  m->bands = bands;
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

PetscErrorCode RslSegModelSetPrecision(RslSegModel m, const char precision[])
{
  PetscBool found = PETSC_FALSE;

  PetscFunctionBegin;
  for (int i = 0; i <= RSL_SEG_PREC_AUTO && !found; i++) {
    PetscCall(PetscStrcmp(precision, RslSegPrecisions[i], &found));
    if (found) m->prec_req = (RslSegPrecision)i;
  }
  RSLCHECK(m->comm, found, "-seg_precision %s: unknown (fp32, bf16, fp16, int8, auto)", precision);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetCalibration(RslSegModel m, const char file[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->calib, file, sizeof m->calib));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetFromOptions(RslSegModel m)
{
  const char **backends;
  int          nb;
  PetscInt     a = 1, b = 0, p = (PetscInt)m->prec_req;
  PetscBool   set;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 3; i++) {
    PetscBool eq;
    PetscCall(PetscStrcmp(m->arch, arch_names[i], &eq));
    if (eq) a = i;
  }
  PetscCall(RslSegBackendNames(&backends, &nb));
  for (PetscInt i = 0; i < nb; i++) {
    PetscBool eq;
    PetscCall(PetscStrcmp(m->backend, backends[i], &eq));
    if (eq) b = i;
  }
  PetscOptionsBegin(m->comm, NULL, "Segmentation model (U-Net, FLAIR)", "RslSegModel");
  PetscCall(PetscOptionsEList("-seg_arch", "U-Net encoder", "RslSegModelSetArch", arch_names, 3, arch_names[a], &a, NULL));
  PetscCall(PetscOptionsInt("-seg_classes", "Number of classes of the model (0: from the weights; at most 255)", "RslSegModelSetNumClasses", m->classes, &m->classes, NULL));
  PetscCall(PetscOptionsReal("-seg_width_mult", "Channel-width multiplier (1 = smp/FLAIR; <1 small demo models)", "RslSegModelSetWidthMult", m->width, &m->width, NULL));
  PetscCall(PetscOptionsEList("-seg_backend", "Compute backend", "RslSegModelSetBackend", backends, nb, backends[b], &b, NULL));
  PetscCall(PetscOptionsString("-seg_weights", "Model weights (safetensors, PyTorch state-dict names)", "RslSegModelSetWeights", m->weights, m->weights, sizeof m->weights, NULL));
  PetscCall(PetscOptionsString("-seg_weights_prefix", "Prefix of the state-dict names (default: detected, e.g. model.)", "RslSegModelSetWeights", m->prefix, m->prefix, sizeof m->prefix, &set));
  PetscCall(PetscOptionsEList("-seg_precision", "Compute precision (auto: the fastest the hardware runs natively)", "RslSegModelSetPrecision", RslSegPrecisions, 5, RslSegPrecisions[p], &p, NULL));
  PetscCall(PetscOptionsString("-seg_calibration", "INT8 activation scales (safetensors, from a -seg_calibration_out run)", "RslSegModelSetCalibration", m->calib, m->calib, sizeof m->calib, NULL));
  PetscCall(PetscOptionsReal("-seg_calibration_quantile", "INT8: clip each activation at this quantile of its calibration histogram (1: the maximum)", "RslSegModelSetCalibration", m->quantile, &m->quantile, NULL));
  PetscCall(PetscOptionsString("-seg_calibration_out", "Record INT8 activation scales during this (fp32) run into this file", "RslSegModelWriteCalibration", m->calib_out, m->calib_out, sizeof m->calib_out, NULL));
  PetscOptionsEnd();
#if defined(RSL_HAVE_BLAS) || defined(RSL_HAVE_DNNL)
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
  PetscCall(PetscStrncpy(m->arch, arch_names[a], sizeof m->arch));
  PetscCall(PetscStrncpy(m->backend, backends[b], sizeof m->backend));
  PetscCall(PetscFree(backends));
  m->prec_req = (RslSegPrecision)p;
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
  PetscCall(PetscStrncpy(cv->name, cname, sizeof cv->name));
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

/* A dimension of prefix+name read from the file (to size the model from its weights). */
static PetscErrorCode tensor_dim(Loader *L, const char name[], PetscInt ndim, PetscInt dim, const char what[], PetscInt *v)
{
  char               full[512];
  const RslSTTensor *t;
  PetscInt           idx;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(full, sizeof full, "%s%s", L->prefix, name));
  PetscCall(RslSafetensorsFind(L->st, full, &idx));
  RSLCHECK(L->comm, idx >= 0, "seg weights %s: missing tensor '%s' (%s)", L->file, full, what);
  PetscCall(RslSafetensorsGetTensor(L->st, idx, &t));
  RSLCHECK(L->comm, t->ndim == ndim && t->shape[dim] >= 1 && t->shape[dim] <= 4096, "seg weights %s: tensor '%s' has %" PetscInt_FMT " dimensions (%s)", L->file, full, t->ndim, what);
  *v = (PetscInt)t->shape[dim];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One encoder block named encoder.layer<l+1>.<j>. */
static PetscErrorCode load_block(RslSegModel m, Loader *L, PetscInt l, PetscInt j, PetscInt cin, PetscInt cout, PetscInt stride, Block *bb)
{
  char                  c[128], b[128];
  PetscBool             bott = (PetscBool)(m->a == ARCH_R50);
  const PetscInt        mid = bott ? m->mid[l] : cout;
  const PetscInt        ins[3] = {cin, mid, mid}, outs[3] = {mid, bott ? mid : cout, cout};
  const PetscInt        ks[3] = {bott ? 1 : 3, 3, 1}, strides[3] = {bott ? 1 : stride, bott ? stride : 1, 1};

  PetscFunctionBegin;
  bb->nconv = bott ? 3 : 2;
  for (PetscInt i = 0; i < bb->nconv; i++) {
    PetscInt last = i == bb->nconv - 1;
    PetscCall(PetscSNPrintf(c, sizeof c, "encoder.layer%d.%d.conv%d", (int)l + 1, (int)j, (int)i + 1));
    PetscCall(PetscSNPrintf(b, sizeof b, "encoder.layer%d.%d.bn%d", (int)l + 1, (int)j, (int)i + 1));
    PetscCall(load_conv(L, c, b, PETSC_FALSE, ins[i], last ? cout : outs[i], ks[i], strides[i], &bb->c[i]));
  }
  bb->has_down = (PetscBool)(stride != 1 || cin != cout);
  if (bb->has_down) {
    PetscCall(PetscSNPrintf(c, sizeof c, "encoder.layer%d.%d.downsample.0", (int)l + 1, (int)j));
    PetscCall(PetscSNPrintf(b, sizeof b, "encoder.layer%d.%d.downsample.1", (int)l + 1, (int)j));
    PetscCall(load_conv(L, c, b, PETSC_FALSE, cin, cout, 1, stride, &bb->down));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every tensor of the graph from L, then the check that nothing was left over. Input
 * bands and classes not given are read from the stem's and the head's shapes. */
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
  if (!m->bands) PetscCall(tensor_dim(&L, "encoder.conv1.weight", 4, 1, "the first convolution: its input bands", &m->bands));
  if (!m->classes) PetscCall(tensor_dim(&L, "segmentation_head.0.weight", 4, 0, "the segmentation head: its classes", &m->classes));
  RSLCHECK(m->comm, m->classes >= 1 && m->classes <= 255, "seg model: %" PetscInt_FMT " classes: must be in 1..255 (a uint8 class map)", m->classes);

  PetscCall(load_conv(&L, "encoder.conv1", "encoder.bn1", PETSC_FALSE, m->bands, m->enc[0], 7, 2, &m->stem));
  cin = m->enc[0];
  for (PetscInt l = 0; l < 4; l++) {
    PetscCall(PetscCalloc1(m->nblocks[l], &m->layer[l]));
    for (PetscInt j = 0; j < m->nblocks[l]; j++) {
      PetscCall(load_block(m, &L, l, j, cin, m->enc[l + 1], (l > 0 && j == 0) ? 2 : 1, &m->layer[l][j]));
      cin = m->enc[l + 1];
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

/* Every convolution of the graph, in a fixed order (set-up, planning, destruction). */
typedef PetscErrorCode (*ConvFn)(RslSegModel, RslSegConv *, void *);

static PetscErrorCode for_each_conv(RslSegModel m, ConvFn f, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(f(m, &m->stem, ctx));
  for (PetscInt l = 0; l < 4; l++)
    for (PetscInt j = 0; m->layer[l] && j < m->nblocks[l]; j++) {
      Block *bb = &m->layer[l][j];
      for (PetscInt i = 0; i < bb->nconv; i++) PetscCall(f(m, &bb->c[i], ctx));
      if (bb->has_down) PetscCall(f(m, &bb->down, ctx));
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

/* ---- precision planning -------------------------------------------------------------- */
typedef struct {
  RslSegPrecision          inner;
  const RslSegCalibration *cal;
  const char              *file;
  double                   q;
} Plan;

/* Inner convolutions run at the chosen precision and write what their consumers read
 * (inner convs: the same type); amax comes from the calibration (INT8 outputs need it). */
static PetscErrorCode plan_conv(RslSegModel m, RslSegConv *cv, void *ctx)
{
  Plan *p = (Plan *)ctx;

  PetscFunctionBegin;
  cv->id        = m->nconv++;
  cv->prec      = p->inner;
  cv->out_dtype = RslSegPrecisionDtype(p->inner);
  cv->amax      = p->cal ? RslSegCalibrationClip(p->cal, cv->name, p->q) : 0.0f;
  RSLCHECK(m->comm, !p->cal || cv->amax >= 0, "-seg_calibration %s: no activation statistics for '%s' (a calibration of another model?)", p->file, cv->name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Resolve -seg_precision with the backend, then give every convolution its precision and
 * output type. In BF16, FP16 and INT8 the first convolution (the normalised bands) and the
 * head (the logits) stay FP32: on the demo model that alone takes BF16's argmax agreement
 * with FP32 from 99.85 % to 99.96 %, for ~5 % of the work. INT8 also keeps the last two
 * decoder blocks (half and full resolution, where the U-Net redraws the boundaries from
 * the first conv's features) in the best float the backend runs natively (BF16, else
 * FP32): on the first demo model all-INT8 agreed on 99.79 % of the scene's pixels, this on
 * 99.92 % (99.87 % on the fine-tuned one, whatever the decoder's precision), for 20 %
 * more time than all-INT8 (docs/hpc.md §7). */
static PetscErrorCode plan_precision(RslSegModel m)
{
  RslSegCalibration cal = {0, NULL, NULL};
  Plan              p   = {RSL_SEG_PREC_FP32, NULL, m->calib, m->quantile};

  PetscFunctionBegin;
  PetscCall(m->be->ops.precision(m->be, m->prec_req, (PetscBool)(m->calib[0] != 0), &m->prec, m->prec_why, sizeof m->prec_why));
  RSLCHECK(m->comm, m->prec != RSL_SEG_PREC_INT8 || m->calib[0], "-seg_precision int8: needs activation scales, -seg_calibration FILE (written by an fp32 run on representative imagery with -seg_calibration_out FILE; see docs/user-guide.md)");
  RSLCHECK(m->comm, !m->calib_out[0] || m->prec == RSL_SEG_PREC_FP32, "-seg_calibration_out: calibrate with -seg_precision fp32 (the scales come from the float32 activations)");
  RSLCHECK(m->comm, m->quantile > 0 && m->quantile <= 1, "-seg_calibration_quantile %g: must be in (0, 1]", (double)m->quantile);
  m->record = (PetscBool)(m->calib_out[0] != 0);
  p.inner   = m->prec;
  if (m->prec == RSL_SEG_PREC_INT8) {
    PetscCall(RslSegCalibrationRead(m->comm, m->calib, &cal));
    p.cal = &cal;
  }
  PetscCall(for_each_conv(m, plan_conv, &p));
  PetscCall(RslSegCalibrationFree(&cal));
  if (m->prec == RSL_SEG_PREC_INT8) {
    RslSegPrecision fl;
    char            why[256];
    PetscCall(m->be->ops.precision(m->be, RSL_SEG_PREC_AUTO, PETSC_FALSE, &fl, why, sizeof why));
    for (PetscInt i = 3; i < 5; i++)
      for (int k = 0; k < 2; k++) {
        m->decconv[i][k].prec      = fl;
        m->decconv[i][k].out_dtype = RslSegPrecisionDtype(fl);
      }
  }
  if (m->record) {
    PetscCall(PetscMalloc1(m->nconv, &m->stats));
    for (PetscInt i = 0; i < m->nconv; i++) PetscCall(PetscNew(&m->stats[i]));
  }
  for (PetscInt l = 0; l < 4; l++) /* the downsampled shortcut has no ReLU: signed (INT8: s8) */
    for (PetscInt j = 0; j < m->nblocks[l]; j++)
      if (m->layer[l][j].has_down && m->prec == RSL_SEG_PREC_INT8) m->layer[l][j].down.out_dtype = RSL_SEG_S8;
  m->stem.prec                = RSL_SEG_PREC_FP32;
  m->head.prec                = RSL_SEG_PREC_FP32;
  m->head.out_dtype           = RSL_SEG_F32;
  m->decconv[4][1].out_dtype = RSL_SEG_F32; /* the head's input */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelSetUp(RslSegModel m)
{
  static const PetscInt enc[5] = {64, 64, 128, 256, 512}, dec[5] = {256, 128, 64, 32, 16}, blocks[3][4] = {{2, 2, 2, 2}, {3, 4, 6, 3}, {3, 4, 6, 3}};
  PetscBool             found = PETSC_FALSE;

  PetscFunctionBegin;
  if (m->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(m->ev_setup, 0, 0, 0, 0));
  for (int i = 0; i < 3 && !found; i++) {
    PetscCall(PetscStrcmp(m->arch, arch_names[i], &found));
    if (found) m->a = (Arch)i;
  }
  RSLCHECK(m->comm, found, "-seg_arch %s: unknown architecture (unet_resnet18, unet_resnet34, unet_resnet50)", m->arch);
  RSLCHECK(m->comm, m->classes >= 0 && m->classes <= 255, "-seg_classes %" PetscInt_FMT ": must be in 1..255 (0: from the weights)", m->classes);
  RSLCHECK(m->comm, m->bands >= 0 && m->bands <= 64, "seg model: %" PetscInt_FMT " input bands: must be in 1..64 (0: from the weights)", m->bands);
  RSLCHECK(m->comm, m->width > 0 && m->width <= 4, "-seg_width_mult %g: must be in (0, 4]", (double)m->width);
  for (PetscInt l = 0; l < 4; l++) {
    m->nblocks[l] = blocks[m->a][l];
    m->mid[l]     = scaled(64 << l, m->width); /* bottleneck inner width; output 4x */
  }
  for (PetscInt i = 0; i < 5; i++) {
    m->enc[i] = m->a == ARCH_R50 && i > 0 ? scaled(256 << (i - 1), m->width) : scaled(enc[i], m->width);
    m->dec[i] = scaled(dec[i], m->width);
  }
  PetscCall(RslSegBackendCreate(m->comm, m->backend, &m->be));
  PetscCall(load_weights(m));
  PetscCall(plan_precision(m));
  PetscCall(for_each_conv(m, setup_conv, NULL));
  m->setup = PETSC_TRUE;
  PetscCall(PetscLogEventEnd(m->ev_setup, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- forward ----------------------------------------------------------------------- */
/* PETSc's logging is not thread-safe: tiles running on OpenMP threads are logged as a whole
 * (SegForward) by the thread that started them. */
static PetscBool logging(void)
{
#if defined(_OPENMP)
  return (PetscBool)!omp_in_parallel();
#else
  return PETSC_TRUE;
#endif
}

/* Calibration run: cv's output into its histogram. */
static PetscErrorCode record_stats(RslSegModel m, const RslSegConv *cv, const RslSegTensor *y)
{
  size_t n = RslSegTensorNumel(y);
  float *h;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &h));
  PetscCall(m->be->ops.download(m->be, y, h));
  RslSegActStatsAdd(m->stats[cv->id], h, n);
  PetscCall(PetscFree(h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = act(conv(x) [+ y_old]): y is allocated here unless accumulate (then it holds the
 * residual and receives the result in place). */
static PetscErrorCode run_conv(RslSegModel m, const RslSegConv *cv, const RslSegTensor *x, PetscBool accumulate, PetscBool relu, RslSegTensor *y)
{
  PetscInt oh = rsl_conv_out_size((int)x->h, (int)cv->k, (int)cv->stride, (int)cv->pad), ow = rsl_conv_out_size((int)x->w, (int)cv->k, (int)cv->stride, (int)cv->pad);

  PetscFunctionBegin;
  PetscCheck(x->c == cv->cin, PETSC_COMM_SELF, PETSC_ERR_PLIB, "conv %s expects %" PetscInt_FMT " channels, got %" PetscInt_FMT, cv->name, cv->cin, x->c);
  if (!accumulate) PetscCall(RslSegTensorAlloc(m->be, y, x->n, cv->cout, oh, ow, cv->out_dtype));
  PetscCheck(y->c == cv->cout && y->h == oh && y->w == ow && RslSegDtypeSize(y->dtype) == RslSegDtypeSize(cv->out_dtype), PETSC_COMM_SELF, PETSC_ERR_PLIB, "conv %s: residual shape or type", cv->name);
  if (logging()) PetscCall(PetscLogEventBegin(m->ev_conv, 0, 0, 0, 0));
  PetscCall(m->be->ops.conv(m->be, cv, x, accumulate, relu, y));
  if (logging()) PetscCall(PetscLogFlops(2.0 * x->n * oh * ow * cv->cout * cv->cin * cv->k * cv->k));
  if (logging()) PetscCall(PetscLogEventEnd(m->ev_conv, 0, 0, 0, 0));
  if (m->record) PetscCall(record_stats(m, cv, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One ResNet block: the last convolution accumulates into the shortcut (the downsampled
 * input, or the input itself, which is then consumed unless keep). */
static PetscErrorCode run_block(RslSegModel m, Block *bb, RslSegTensor *x, PetscBool keep, RslSegTensor *y)
{
  RslSegTensor t[2];

  PetscFunctionBegin;
  PetscCall(run_conv(m, &bb->c[0], x, PETSC_FALSE, PETSC_TRUE, &t[0]));
  for (PetscInt i = 1; i < bb->nconv - 1; i++) { /* bottleneck: the strided 3x3 */
    PetscCall(run_conv(m, &bb->c[i], &t[0], PETSC_FALSE, PETSC_TRUE, &t[1]));
    PetscCall(RslSegTensorFree(m->be, &t[0]));
    t[0] = t[1];
  }
  if (bb->has_down) {
    PetscCall(run_conv(m, &bb->down, x, PETSC_FALSE, PETSC_FALSE, y));
    if (!keep) PetscCall(RslSegTensorFree(m->be, x));
  } else {
    PetscCheck(!keep, PETSC_COMM_SELF, PETSC_ERR_PLIB, "a kept block input is always downsampled");
    *y = *x; /* the identity shortcut: the result overwrites the input */
  }
  PetscCall(run_conv(m, &bb->c[bb->nconv - 1], &t[0], PETSC_TRUE, PETSC_TRUE, y));
  PetscCall(RslSegTensorFree(m->be, &t[0]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The network on n tiles at once (one batch). */
static PetscErrorCode forward_batch(RslSegModel m, PetscInt n, PetscInt H, PetscInt W, const float *in, float *logits)
{
  RslSegTensor x, f[5], t, u; /* f: stem, layer1..layer4 outputs (the skips) */

  PetscFunctionBegin;
  PetscCall(RslSegTensorAlloc(m->be, &x, n, m->bands, H, W, RslSegPrecisionDtype(m->stem.prec)));
  PetscCall(m->be->ops.upload(m->be, in, &x));
  PetscCall(run_conv(m, &m->stem, &x, PETSC_FALSE, PETSC_TRUE, &f[0]));
  PetscCall(RslSegTensorFree(m->be, &x));
  PetscCall(RslSegTensorAlloc(m->be, &x, n, f[0].c, f[0].h / 2, f[0].w / 2, f[0].dtype));
  PetscCall(m->be->ops.maxpool(m->be, &f[0], &x));
  for (PetscInt l = 0; l < 4; l++) {
    for (PetscInt j = 0; j < m->nblocks[l]; j++) {
      /* the layer's input is kept when it is a skip feature (layer input = previous output) */
      PetscCall(run_block(m, &m->layer[l][j], &x, (PetscBool)(j == 0 && l > 0), &t));
      x = t;
    }
    f[l + 1] = x;
  }
  x = f[4];
  for (PetscInt i = 0; i < 5; i++) {
    RslSegTensor *s = i < 4 ? &f[3 - i] : NULL;
    PetscCall(RslSegTensorAlloc(m->be, &u, n, x.c + (s ? s->c : 0), 2 * x.h, 2 * x.w, RslSegPrecisionDtype(m->decconv[i][0].prec)));
    u.scale = PetscMax(x.scale, s ? s->scale : 0.0f); /* u8: the coarser scale, nothing saturates */
    PetscCall(m->be->ops.upcat(m->be, &x, s, &u));
    PetscCall(RslSegTensorFree(m->be, &x));
    if (s) PetscCall(RslSegTensorFree(m->be, s));
    PetscCall(run_conv(m, &m->decconv[i][0], &u, PETSC_FALSE, PETSC_TRUE, &t));
    PetscCall(RslSegTensorFree(m->be, &u));
    PetscCall(run_conv(m, &m->decconv[i][1], &t, PETSC_FALSE, PETSC_TRUE, &x));
    PetscCall(RslSegTensorFree(m->be, &t));
  }
  PetscCall(run_conv(m, &m->head, &x, PETSC_FALSE, PETSC_FALSE, &t));
  PetscCall(RslSegTensorFree(m->be, &x));
  PetscCall(m->be->ops.download(m->be, &t, logits));
  PetscCall(RslSegTensorFree(m->be, &t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelForward(RslSegModel m, PetscInt n, PetscInt H, PetscInt W, const float *in, float *logits)
{
  PetscInt nt = PetscMin(n, m->be->concurrency);

  PetscFunctionBegin;
  PetscCheck(m->setup, PETSC_COMM_SELF, PETSC_ERR_ORDER, "RslSegModelSetUp() first");
  PetscCheck(n >= 1 && H >= 32 && W >= 32 && H % 32 == 0 && W % 32 == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "seg forward: %" PetscInt_FMT " tiles of %" PetscInt_FMT " x %" PetscInt_FMT ": need n >= 1 and H, W positive multiples of 32", n, H, W);
  PetscCall(PetscLogEventBegin(m->ev_forward, 0, 0, 0, 0));
#if defined(_OPENMP)
  if (m->be->concurrency > 1 && !m->record) {
    /* tiles over threads: tile i on thread i mod nt, each single-threaded (also when n = 1,
     * so a tile is computed the same way whatever the batch: bitwise rank independence) */
    PetscErrorCode err[256] = {0};
    size_t         si = (size_t)m->bands * H * W, so = (size_t)m->classes * H * W;
    PetscCheck(nt <= 256, PETSC_COMM_SELF, PETSC_ERR_SUP, "seg: at most 256 threads over tiles");
  #pragma omp parallel num_threads((int)nt)
    {
      int t = omp_get_thread_num();
      omp_set_num_threads(1); /* this thread's primitives and loops: single-threaded */
      for (PetscInt i = t; i < n && !err[t]; i += nt) err[t] = forward_batch(m, 1, H, W, in + i * si, logits + i * so);
    }
    for (PetscInt t = 0; t < nt; t++) PetscCall(err[t]);
  } else
#endif
    PetscCall(forward_batch(m, n, H, W, in, logits));
  PetscCall(PetscLogEventEnd(m->ev_forward, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelGetConcurrency(RslSegModel m, PetscInt *tiles)
{
  PetscFunctionBegin;
  PetscCheck(m->setup, PETSC_COMM_SELF, PETSC_ERR_ORDER, "RslSegModelSetUp() first");
  *tiles = m->be->concurrency;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- calibration output ----------------------------------------------------------- */
static PetscErrorCode collect_name(RslSegModel m, RslSegConv *cv, void *ctx)
{
  PetscFunctionBegin;
  ((const char **)ctx)[cv->id] = cv->name;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelWriteCalibration(RslSegModel m)
{
  const char **names;

  PetscFunctionBegin;
  if (!m->record) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscMalloc1(m->nconv, &names));
  PetscCall(for_each_conv(m, collect_name, names));
  PetscCall(RslSegCalibrationWrite(m->comm, m->calib_out, m->nconv, names, m->stats));
  PetscCall(PetscFree(names));
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

PetscErrorCode RslSegModelGetPrecision(RslSegModel m, const char **precision)
{
  PetscFunctionBegin;
  PetscCheck(m->setup, PETSC_COMM_SELF, PETSC_ERR_ORDER, "RslSegModelSetUp() first");
  *precision = RslSegPrecisions[m->prec];
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
    PetscCall(PetscViewerASCIIPrintf(viewer, "  precision %s (-seg_precision %s: %s)%s%s%s\n", RslSegPrecisions[m->prec], RslSegPrecisions[m->prec_req], m->prec_why, m->prec == RSL_SEG_PREC_INT8 ? "; decoder blocks 3-4 " : "",
                                     m->prec == RSL_SEG_PREC_INT8 ? RslSegPrecisions[m->decconv[3][0].prec] : "", m->prec != RSL_SEG_PREC_FP32 ? "; first conv and head fp32" : ""));
    if (m->prec == RSL_SEG_PREC_INT8) PetscCall(PetscViewerASCIIPrintf(viewer, "  activation scales from %s, clipped at quantile %g\n", m->calib, (double)m->quantile));
    if (m->record) PetscCall(PetscViewerASCIIPrintf(viewer, "  recording activation statistics into %s\n", m->calib_out));
    if (m->be->ops.view) PetscCall(m->be->ops.view(m->be, viewer));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelDestroy(RslSegModel *m)
{
  PetscFunctionBegin;
  if (!*m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(for_each_conv(*m, free_conv, NULL));
  for (PetscInt l = 0; l < 4; l++) PetscCall(PetscFree((*m)->layer[l]));
  for (PetscInt i = 0; (*m)->stats && i < (*m)->nconv; i++) PetscCall(PetscFree((*m)->stats[i]));
  PetscCall(PetscFree((*m)->stats));
  PetscCall(RslSegBackendDestroy(&(*m)->be));
  PetscCall(PetscFree(*m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
