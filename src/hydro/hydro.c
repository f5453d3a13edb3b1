/* hydro: the RslHydro object — class weights per cell, aggregation, overrides (hydro.h). */
#include "hydro/hydro.h"
#include "hydro/hydro_table.h"
#include "io/raster.h"
#include <math.h>

enum { F_MANNING, F_IMP, F_KS, F_S, F_IA, NF };

struct _p_RslHydro {
  MPI_Comm           comm;
  char               table[PETSC_MAX_PATH_LEN], landcover[PETSC_MAX_PATH_LEN], soil[PETSC_MAX_PATH_LEN], soil_table[PETSC_MAX_PATH_LEN], manning_file[PETSC_MAX_PATH_LEN];
  PetscReal          u[HT_NPARAM]; /* uniform values */
  PetscBool          uset[HT_NPARAM];
  PetscReal          soil_se;
  PetscInt           nodata_class;
  PetscInt           nfrac;
  Vec               *frac;
  const RslClassMap *map;
  const RslGrid     *grid;
  const char        *source;
  Vec                f[NF];
  PetscInt           ncls; /* class fractions per cell kept for the output */
  Vec               *cls;
  PetscBool          has_manning, has_soil;
};

static PetscLogEvent RSL_HydroSetUp;

PetscErrorCode RslHydroCreate(MPI_Comm comm, RslHydro *hydro)
{
  RslHydro h;

  PetscFunctionBegin;
  PetscCall(RslLogEventRegister("RslHydroSetUp", &RSL_HydroSetUp));
  PetscCall(PetscNew(&h));
  h->comm         = comm;
  h->soil_se      = 0.3;
  h->nodata_class = -1;
  h->u[HT_MANNING] = 0.035;
  h->source       = "none";
  *hydro          = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroSetFromOptions(RslHydro h)
{
  static const char *uopt[HT_NPARAM] = {"-hydro_manning", "-hydro_impervious", "-hydro_ks", "-hydro_suction", "-hydro_moisture_deficit", "-hydro_initial_abstraction"};
  static const char *uhelp[HT_NPARAM] = {"Uniform Manning n (also the fill of -hydro_manning_file)", "Uniform impervious fraction", "Uniform saturated conductivity (m/s)", "Uniform wetting-front suction (m)", "Uniform moisture deficit", "Uniform initial abstraction (m)"};

  PetscFunctionBegin;
  PetscOptionsBegin(h->comm, NULL, "Hydraulic parameters from land cover", "hydro");
  PetscCall(PetscOptionsString("-hydro_table", "Class -> parameters CSV (input/hydro/*.csv)", "RslHydroSetFromOptions", h->table, h->table, sizeof h->table, NULL));
  PetscCall(PetscOptionsString("-landcover_file", "Land-cover class raster (grid CRS, any resolution)", "RslHydroSetFromOptions", h->landcover, h->landcover, sizeof h->landcover, NULL));
  PetscCall(PetscOptionsString("-hydro_soil_file", "Soil texture raster overriding Green-Ampt parameters", "RslHydroSetFromOptions", h->soil, h->soil, sizeof h->soil, NULL));
  PetscCall(PetscOptionsString("-hydro_soil_table", "Texture -> Green-Ampt CSV (input/hydro/soil_texture_rawls1983.csv)", "RslHydroSetFromOptions", h->soil_table, h->soil_table, sizeof h->soil_table, NULL));
  PetscCall(PetscOptionsReal("-hydro_soil_initial_saturation", "Initial effective saturation for the soil-map moisture deficit", "RslHydroSetFromOptions", h->soil_se, &h->soil_se, NULL));
  PetscCall(PetscOptionsString("-hydro_manning_file", "Manning n raster (overrides the table)", "RslHydroSetFromOptions", h->manning_file, h->manning_file, sizeof h->manning_file, NULL));
  PetscCall(PetscOptionsInt("-hydro_nodata_class", "Class for cells without land-cover data", "RslHydroSetFromOptions", h->nodata_class, &h->nodata_class, NULL));
  for (int k = 0; k < HT_NPARAM; k++) PetscCall(PetscOptionsReal(uopt[k], uhelp[k], "RslHydroSetFromOptions", h->u[k], &h->u[k], &h->uset[k]));
  PetscOptionsEnd();
  for (int k = 0; k < HT_NPARAM; k++) RSLCHECK(h->comm, h->u[k] >= 0 && (k != HT_IMP || h->u[k] <= 1), "%s: %g must be %s", uopt[k], (double)h->u[k], k == HT_IMP ? "in [0,1]" : ">= 0");
  RSLCHECK(h->comm, h->soil_se >= 0 && h->soil_se <= 1, "-hydro_soil_initial_saturation: %g must be in [0,1]", (double)h->soil_se);
  RSLCHECK(h->comm, h->nodata_class >= -1 && h->nodata_class <= 255, "-hydro_nodata_class: %" PetscInt_FMT " is not a class 0..255", h->nodata_class);
  RSLCHECK(h->comm, !h->soil[0] || h->soil_table[0], "-hydro_soil_file needs -hydro_soil_table (e.g. input/hydro/soil_texture_rawls1983.csv)");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroSetClassFractions(RslHydro h, PetscInt nclasses, Vec fractions[])
{
  PetscFunctionBegin;
  RSLCHECK(h->comm, nclasses > 0 && nclasses <= 256, "RslHydroSetClassFractions: %" PetscInt_FMT " classes (1..256 expected)", nclasses);
  h->nfrac = nclasses;
  h->frac  = fractions;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroSetClassMap(RslHydro h, const RslClassMap *map)
{
  PetscFunctionBegin;
  h->map = map;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Pixel counts per owned cell (w: ncells x nc) of a class map (255 = nodata), nc = the
 * largest class present anywhere + 1. */
static PetscErrorCode CountPixels(RslHydro h, const RslClassMap *map, PetscInt *nc, double **w)
{
  const RslGrid *g    = h->grid;
  PetscInt       maxc = -1;

  PetscFunctionBegin;
  for (size_t k = 0; k < (size_t)map->nc * map->nr; k++)
    if (map->data[k] != 255) maxc = PetscMax(maxc, (PetscInt)map->data[k]);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &maxc, 1, MPIU_INT, MPI_MAX, h->comm));
  *nc = maxc + 1;
  PetscCall(PetscCalloc1((size_t)g->xm * g->ym * PetscMax(*nc, 1), w));
  PetscCall(RslClassMapCountCells(map, g, *nc, *w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroReadClassMap(const RslGrid *g, const char option[], const char path[], RslClassMap **map)
{
  RslRasterInfo info;
  PetscInt      c0, r0, nc, nr, bad = 0;
  double       *buf;
  RslClassMap  *m;

  PetscFunctionBegin;
  PetscCall(RslRasterInfoRead(g->comm, option, path, &info));
  PetscCall(RslGridCheckRaster(g, option, path, &info, "the row of -hydro_nodata_class"));
  RslGridPixelBlock(g, info.gt, info.nx, info.ny, &c0, &r0, &nc, &nr);
  PetscCall(RslClassMapCreate(g->comm, info.nx, info.ny, 1, c0, r0, nc, nr, info.gt, info.crs_wkt, &m));
  PetscCall(RslRasterInfoFree(&info));
  PetscCall(PetscMalloc1((size_t)nc * nr, &buf));
  PetscCall(RslRasterReadWindowAll(g->comm, option, path, 1, c0, r0, nc, nr, -1.0, buf, NULL));
  for (PetscInt k = 0; !bad && k < nc * nr; k++) {
    double v = buf[k];
    if (v == -1.0) m->data[k] = 255;
    else if (v >= 0 && v < 255 && v == floor(v)) m->data[k] = (unsigned char)v;
    else bad = 2;
  }
  PetscCall(PetscFree(buf));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, g->comm));
  if (bad) PetscCall(RslClassMapDestroy(&m));
  RSLCHECK(g->comm, !bad, "%s: '%s' holds values that are not class codes 0..254", option, path);
  *map = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fraction Vecs -> weights (ncells x nc). */
static PetscErrorCode WeightsFromFractions(RslHydro h, double **w)
{
  const RslGrid *g = h->grid;
  PetscInt       nc = h->nfrac;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)g->xm * g->ym * nc, w));
  for (PetscInt c = 0; c < nc; c++) {
    const PetscScalar **f;
    PetscCall(DMDAVecGetArrayRead(g->da1, h->frac[c], &f));
    for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
      for (PetscInt i = g->xs; i < g->xs + g->xm; i++) (*w)[((j - g->ys) * g->xm + (i - g->xs)) * nc + c] = f[j][i];
    PetscCall(DMDAVecRestoreArrayRead(g->da1, h->frac[c], &f));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The aggregation rule of hydro.h for one cell with class weights w[0..nc). */
static void Aggregate(const RslHydroTable *t, PetscInt nodata_class, const double *w, PetscInt nc, double out[NF])
{
  double total = 0, imp = 0, conv = 0, P = 0, ks = 0, S = 0, ia = 0;
  int    zero_n = 0;

  for (PetscInt c = 0; c < nc; c++) total += w[c] > 0 ? w[c] : 0;
  if (!(total > 0)) {
    const double *p = t->p[nodata_class];
    out[F_MANNING] = p[HT_MANNING];
    out[F_IMP]     = p[HT_IMP];
    out[F_KS]      = p[HT_IMP] < 1 ? p[HT_KS] : 0;
    out[F_S]       = p[HT_IMP] < 1 ? p[HT_SUCTION] * p[HT_DEFICIT] : 0;
    out[F_IA]      = p[HT_IA];
    return;
  }
  for (PetscInt c = 0; c < nc; c++) {
    const double *p = t->p[c];
    double        wc = w[c], pc;
    if (!(wc > 0)) continue;
    imp += wc * p[HT_IMP];
    if (p[HT_MANNING] > 0) conv += wc / p[HT_MANNING];
    else zero_n = 1;
    pc = wc * (1.0 - p[HT_IMP]);
    P += pc;
    ks += pc * p[HT_KS];
    S += pc * p[HT_SUCTION] * p[HT_DEFICIT];
    ia += wc * p[HT_IA];
  }
  out[F_MANNING] = zero_n ? 0.0 : total / conv;
  out[F_IMP]     = imp / total;
  out[F_KS]      = P > 0 ? ks / P : 0.0;
  out[F_S]       = P > 0 ? S / P : 0.0;
  out[F_IA]      = ia / total;
}

/* Fields from class weights and the table. */
static PetscErrorCode FieldsFromClasses(RslHydro h, PetscInt nc, const double *w)
{
  const RslGrid *g = h->grid;
  RslHydroTable *t;
  PetscInt       missing = -1;
  PetscScalar  **f[NF];
  PetscBool     *present;

  PetscFunctionBegin;
  RSLCHECK(h->comm, h->table[0], "hydro: land cover given (%s) but no -hydro_table (e.g. input/hydro/flair19.csv)", h->source);
  PetscCall(PetscNew(&t));
  PetscCall(RslHydroTableRead(h->comm, "-hydro_table", h->table, t));
  /* every class present somewhere must be in the table */
  PetscCall(PetscCalloc1(PetscMax(nc, 1), &present));
  for (PetscInt k = 0; k < g->xm * g->ym; k++)
    for (PetscInt c = 0; c < nc; c++)
      if (w[k * nc + c] > 0) present[c] = PETSC_TRUE;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, present, (PetscMPIInt)nc, MPIU_BOOL, MPI_LOR, h->comm));
  for (PetscInt c = nc - 1; c >= 0; c--)
    if (present[c] && !t->has[c]) missing = c;
  PetscCall(PetscFree(present));
  if (missing >= 0) PetscCall(PetscFree(t));
  RSLCHECK(h->comm, missing < 0, "-hydro_table: '%s' has no row for class %" PetscInt_FMT ", present in the land cover (%s)", h->table, missing, h->source);
  if (h->nodata_class < 0) h->nodata_class = t->has[0] ? 0 : t->first;
  if (h->nodata_class > 255 || !t->has[h->nodata_class]) PetscCall(PetscFree(t));
  RSLCHECK(h->comm, h->nodata_class <= 255 && t && t->has[h->nodata_class], "-hydro_nodata_class: class %" PetscInt_FMT " is not in '%s'", h->nodata_class, h->table);
  for (int q = 0; q < NF; q++) PetscCall(DMDAVecGetArray(g->da1, h->f[q], &f[q]));
  for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
    for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
      double out[NF];
      Aggregate(t, h->nodata_class, &w[((j - g->ys) * g->xm + (i - g->xs)) * nc], nc, out);
      for (int q = 0; q < NF; q++) f[q][j][i] = out[q];
    }
  for (int q = 0; q < NF; q++) PetscCall(DMDAVecRestoreArray(g->da1, h->f[q], &f[q]));
  PetscCall(PetscFree(t));
  h->has_manning = h->has_soil = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A raster resampled onto the owned cells (checked against the grid first), raster rows
 * north-first; what the read saw goes to st. */
static PetscErrorCode ReadOnGrid(RslHydro h, const char option[], const char path[], const char method[], const char fill[], double *buf, RslRasterStats *st)
{
  const RslGrid *g = h->grid;
  RslRasterInfo  info;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(RslRasterInfoRead(h->comm, option, path, &info));
  ierr = RslGridCheckRaster(g, option, path, &info, fill);
  PetscCall(RslRasterInfoFree(&info));
  PetscCall(ierr);
  PetscCall(RslRasterReadResampledWindowAll(h->comm, option, path, 1, g->gt, g->xs, g->ny - g->ys - g->ym, g->xm, g->ym, method, NAN, buf, st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ApplyOverrides(RslHydro h)
{
  const RslGrid *g = h->grid;
  double        *buf;
  PetscScalar  **f[NF];

  PetscFunctionBegin;
  if (!h->soil[0] && !h->manning_file[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscMalloc1(g->xm * g->ym, &buf));
  if (h->soil[0]) {
    RslSoilTable *st;
    PetscInt      bad = -1;
    PetscCall(PetscNew(&st));
    PetscCall(RslSoilTableRead(h->comm, "-hydro_soil_table", h->soil_table, st));
    PetscCall(ReadOnGrid(h, "-hydro_soil_file", h->soil, "mode", "the land cover's (or uniform) soil parameters", buf, NULL));
    PetscCall(DMDAVecGetArray(g->da1, h->f[F_KS], &f[F_KS]));
    PetscCall(DMDAVecGetArray(g->da1, h->f[F_S], &f[F_S]));
    for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
      for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
        double   v = buf[(g->ys + g->ym - 1 - j) * g->xm + (i - g->xs)];
        PetscInt code;
        if (v != v) continue;
        code = (PetscInt)v;
        if (code < 0 || code > 255 || code != v || !st->has[code]) {
          bad = (PetscInt)v;
          continue;
        }
        f[F_KS][j][i] = st->ks[code];
        f[F_S][j][i]  = st->suction[code] * (1.0 - h->soil_se) * st->porosity[code];
      }
    PetscCall(DMDAVecRestoreArray(g->da1, h->f[F_KS], &f[F_KS]));
    PetscCall(DMDAVecRestoreArray(g->da1, h->f[F_S], &f[F_S]));
    PetscCall(PetscFree(st));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, h->comm));
    RSLCHECK(h->comm, bad < 0, "-hydro_soil_table: '%s' has no row for texture code %" PetscInt_FMT " found in '%s'", h->soil_table, bad, h->soil);
    h->has_soil = PETSC_TRUE;
  }
  if (h->manning_file[0]) {
    RslRasterStats st;
    PetscCall(ReadOnGrid(h, "-hydro_manning_file", h->manning_file, "average", "the land cover's (or -hydro_manning) n", buf, &st));
    PetscCall(RslRasterStatsCheck(h->comm, "-hydro_manning_file", h->manning_file, &st, "Manning n", RSL_MANNING));
    PetscCall(DMDAVecGetArray(g->da1, h->f[F_MANNING], &f[F_MANNING]));
    for (PetscInt j = g->ys; j < g->ys + g->ym; j++)
      for (PetscInt i = g->xs; i < g->xs + g->xm; i++) {
        double v = buf[(g->ys + g->ym - 1 - j) * g->xm + (i - g->xs)];
        if (v == v) f[F_MANNING][j][i] = v;
      }
    PetscCall(DMDAVecRestoreArray(g->da1, h->f[F_MANNING], &f[F_MANNING]));
    h->has_manning = PETSC_TRUE;
  }
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroSetUp(RslHydro h, const RslGrid *grid)
{
  double  *w  = NULL;
  PetscInt nc = 0;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(RSL_HydroSetUp, 0, 0, 0, 0));
  h->grid = grid;
  for (int q = 0; q < NF; q++) PetscCall(DMCreateGlobalVector(grid->da1, &h->f[q]));
  /* uniform values first: the fallback of every source */
  PetscCall(VecSet(h->f[F_MANNING], h->u[HT_MANNING]));
  PetscCall(VecSet(h->f[F_IMP], h->u[HT_IMP]));
  PetscCall(VecSet(h->f[F_KS], h->u[HT_KS]));
  PetscCall(VecSet(h->f[F_S], h->u[HT_SUCTION] * h->u[HT_DEFICIT]));
  PetscCall(VecSet(h->f[F_IA], h->u[HT_IA]));
  h->has_manning = h->uset[HT_MANNING];
  for (int k = HT_IMP; k < HT_NPARAM; k++) h->has_soil = (PetscBool)(h->has_soil || h->uset[k]);
  if (h->frac) {
    h->source = "class fractions from segmentation";
    nc        = h->nfrac;
    PetscCall(WeightsFromFractions(h, &w));
  } else if (h->map) {
    h->source = "class map";
    PetscCall(CountPixels(h, h->map, &nc, &w));
  } else if (h->landcover[0]) {
    RslClassMap *map;
    h->source = "-landcover_file";
    PetscCall(RslHydroReadClassMap(grid, "-landcover_file", h->landcover, &map));
    PetscCall(CountPixels(h, map, &nc, &w));
    PetscCall(RslClassMapDestroy(&map));
  } else if (h->has_manning || h->has_soil) h->source = "uniform options";
  if (w) PetscCall(FieldsFromClasses(h, nc, w));
  if (w) h->ncls = nc;
  if (w) PetscCall(RslCellFractions(grid, nc, w, &h->cls)); /* kept for the output */
  PetscCall(PetscFree(w));
  PetscCall(ApplyOverrides(h));
  h->frac = NULL;
  h->map  = NULL;
  PetscCall(PetscLogEventEnd(RSL_HydroSetUp, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroGetClassFractions(RslHydro h, PetscInt *nclasses, const Vec **fractions)
{
  PetscFunctionBegin;
  *nclasses  = h->ncls;
  *fractions = h->cls;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroGetFields(RslHydro h, Vec *manning, Vec *impervious, Vec *ks, Vec *psi_dtheta, Vec *initial_abstraction)
{
  PetscFunctionBegin;
  PetscCheck(h->grid, h->comm, PETSC_ERR_ARG_WRONGSTATE, "RslHydroGetFields: call RslHydroSetUp first");
  if (manning) *manning = h->has_manning ? h->f[F_MANNING] : NULL;
  if (impervious) *impervious = h->has_soil ? h->f[F_IMP] : NULL;
  if (ks) *ks = h->has_soil ? h->f[F_KS] : NULL;
  if (psi_dtheta) *psi_dtheta = h->has_soil ? h->f[F_S] : NULL;
  if (initial_abstraction) *initial_abstraction = h->has_soil ? h->f[F_IA] : NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroView(RslHydro h, PetscViewer viewer)
{
  static const char *names[NF] = {"manning_n", "impervious", "ks (m/s)", "psi*dtheta (m)", "initial abstraction (m)"};

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(h->comm, &viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "Hydro: %s%s%s%s%s\n", h->source, h->table[0] ? ", table " : "", h->table, h->soil[0] ? ", soil map " : "", h->soil));
  for (int q = 0; q < NF && h->grid; q++) {
    PetscReal mn, mx;
    if ((q == F_MANNING && !h->has_manning) || (q != F_MANNING && !h->has_soil)) continue;
    PetscCall(VecMin(h->f[q], NULL, &mn));
    PetscCall(VecMax(h->f[q], NULL, &mx));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  %-24s [%g, %g]\n", names[q], (double)mn, (double)mx));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslHydroDestroy(RslHydro *hydro)
{
  PetscFunctionBegin;
  if (!*hydro) PetscFunctionReturn(PETSC_SUCCESS);
  for (int q = 0; q < NF; q++) PetscCall(VecDestroy(&(*hydro)->f[q]));
  if ((*hydro)->ncls) PetscCall(VecDestroyVecs((*hydro)->ncls, &(*hydro)->cls));
  PetscCall(PetscFree(*hydro));
  PetscFunctionReturn(PETSC_SUCCESS);
}
