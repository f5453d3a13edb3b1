/* Boundary conditions, point sources and gauges: options, files, per-face set-up. */
#include "swe/swe_impl.h"
#include "swe/swe_files.h"
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

const char *const RslBCTypes[] = {"closed", "free", "critical", "normal", "inflow", "stage"};
static const char *const SideName[] = {"west", "east", "south", "north"};

static PetscErrorCode ParseBCType(MPI_Comm comm, const char what[], const char *name, RslBCType *t)
{
  PetscFunctionBegin;
  for (int k = 0; k < RSL_BC_NTYPES; k++)
    if (!strcmp(name, RslBCTypes[k])) {
      *t = (RslBCType)k;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  RSLCHECK(comm, 0, "%s: unknown boundary type '%s' (expected closed, free, critical, normal, inflow or stage)", what, name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A forcing value: a number, or a CSV `time_s,value` series (linear in time) whose path is
 * relative to the directory of `base` when given. */
static PetscErrorCode AddForcing(RslSWE swe, const char option[], const char *value, const char *base, PetscBool nonneg, PetscInt *idx)
{
  char  *end, full[PETSC_MAX_PATH_LEN];
  double v = strtod(value, &end);

  PetscFunctionBegin;
  RSLCHECK(swe->comm, end == value || *end || RslParseReal(value, &v), "%s: '%s' is not a finite number", option, value);
  PetscCall(PetscRealloc(sizeof(RslSeries) * (swe->nforcing + 1), &swe->forcing));
  if (end != value && *end == 0) {
    RSLCHECK(swe->comm, !nonneg || v >= 0, "%s: value %g must be >= 0", option, v);
    RslSeriesConstant(v, &swe->forcing[swe->nforcing]);
  } else {
    if (base) PetscCall(RslPathRelativeTo(base, value, full, sizeof full));
    else PetscCall(PetscStrncpy(full, value, sizeof full));
    PetscCall(RslSeriesRead(swe->comm, option, full, PETSC_TRUE, nonneg, &swe->forcing[swe->nforcing]));
  }
  *idx = swe->nforcing++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetSide(RslSWE swe, int s, PetscInt k0, PetscInt k1, RslBCType t, PetscInt forcing)
{
  PetscFunctionBegin;
  for (PetscInt k = k0; k < k1; k++) {
    swe->side[s].type[k]    = t;
    swe->side[s].forcing[k] = forcing;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Segments (swe_files.h): the faces of side s whose centre lies within [start, end] (map
 * coordinate along the side: y for W/E, x for S/N) take the type. */
static PetscErrorCode ReadSegments(RslSWE swe, const char path[])
{
  RslGrid       *g = swe->grid;
  char          *text;
  PetscInt       n;
  RslSegmentRow *rows;

  PetscFunctionBegin;
  PetscCall(RslReadTextFile(swe->comm, "-swe_bc_segments", path, &text));
  PetscCall(RslSegmentsParse(swe->comm, path, text, &n, &rows));
  PetscCall(PetscFree(text));
  for (PetscInt r = 0; r < n; r++) {
    const RslSegmentRow *sg = &rows[r];
    int                  s  = sg->side;
    RslBCType            t;
    PetscInt             forcing = -1, nf = s < 2 ? g->ny : g->nx, k0 = nf, k1 = 0;
    char                 what[PETSC_MAX_PATH_LEN + 64];
    PetscCall(PetscSNPrintf(what, sizeof what, "-swe_bc_segments: '%s' line %d", path, sg->line));
    PetscCall(ParseBCType(swe->comm, what, sg->type, &t));
    if (t == RSL_BC_INFLOW || t == RSL_BC_STAGE) {
      RSLCHECK(swe->comm, sg->has_value, "-swe_bc_segments: '%s' line %d: type %s needs a value", path, sg->line, sg->type);
      PetscCall(AddForcing(swe, what, sg->value, path, t == RSL_BC_INFLOW, &forcing));
    }
    RSLCHECK(swe->comm, t != RSL_BC_NORMAL || swe->slope[s] > 0, "-swe_bc_segments: '%s' line %d: normal depth needs -swe_slope_%s > 0", path, sg->line, SideName[s]);
    for (PetscInt k = 0; k < nf; k++) {
      double x, y, c;
      RslGridCellCentre(g, s < 2 ? 0 : k, s < 2 ? k : 0, &x, &y);
      c = s < 2 ? y : x;
      if (c >= PetscMin(sg->a, sg->b) && c <= PetscMax(sg->a, sg->b)) {
        k0 = PetscMin(k0, k);
        k1 = PetscMax(k1, k + 1);
      }
    }
    RSLCHECK(swe->comm, k1 > k0, "-swe_bc_segments: '%s' line %d: segment [%g, %g] covers no cell of side %c", path, sg->line, sg->a, sg->b, "WESN"[s]);
    PetscCall(SetSide(swe, s, k0, k1, t, forcing));
  }
  PetscCall(PetscFree(rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Point sources `x,y,hydrograph.csv` (m3/s). */
static PetscErrorCode ReadSources(RslSWE swe, const char path[])
{
  char         *text;
  PetscInt      n;
  RslSourceRow *rows;

  PetscFunctionBegin;
  PetscCall(RslReadTextFile(swe->comm, "-swe_sources", path, &text));
  PetscCall(RslSourcesParse(swe->comm, path, text, &n, &rows));
  PetscCall(PetscFree(text));
  PetscCall(PetscMalloc1(n, &swe->src));
  for (PetscInt r = 0; r < n; r++) {
    RslPointSource *p = &swe->src[r];
    char            full[PETSC_MAX_PATH_LEN];
    RSLCHECK(swe->comm, RslGridLocate(swe->grid, rows[r].x, rows[r].y, &p->i, &p->j), "-swe_sources: '%s' line %d: point (%g, %g) is outside the grid", path, rows[r].line, rows[r].x, rows[r].y);
    PetscCall(RslPathRelativeTo(path, rows[r].file, full, sizeof full));
    PetscCall(RslSeriesRead(swe->comm, "-swe_sources", full, PETSC_TRUE, PETSC_TRUE, &p->q));
    swe->nsrc++;
  }
  PetscCall(PetscFree(rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Gauges `name,x,y`. */
static PetscErrorCode ReadGauges(RslSWE swe, const char path[])
{
  char        *text;
  PetscInt     n;
  RslGaugeRow *rows;

  PetscFunctionBegin;
  PetscCall(RslReadTextFile(swe->comm, "-swe_gauges", path, &text));
  PetscCall(RslGaugesParse(swe->comm, path, text, &n, &rows));
  PetscCall(PetscFree(text));
  PetscCall(PetscMalloc1(n, &swe->gauge));
  for (PetscInt r = 0; r < n; r++) {
    RslGauge *gg = &swe->gauge[r];
    PetscCall(PetscStrncpy(gg->name, rows[r].name, sizeof gg->name));
    gg->x = rows[r].x;
    gg->y = rows[r].y;
    RSLCHECK(swe->comm, RslGridLocate(swe->grid, gg->x, gg->y, &gg->i, &gg->j), "-swe_gauges: '%s' line %d: gauge '%s' at (%g, %g) is outside the grid", path, rows[r].line, gg->name, gg->x, gg->y);
    swe->ngauge++;
  }
  PetscCall(PetscFree(rows));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBCSetFromOptions(RslSWE swe)
{
  RslGrid *g = swe->grid;
  char     name[64], value[PETSC_MAX_PATH_LEN], opt[64];
  PetscBool set;

  PetscFunctionBegin;
  for (int s = 0; s < 4; s++) {
    PetscInt n = s < 2 ? g->ny : g->nx;
    PetscCall(PetscMalloc2(n, &swe->side[s].type, n, &swe->side[s].forcing));
  }
  PetscOptionsBegin(swe->comm, NULL, "Boundary conditions", "SWE");
  for (int s = 0; s < 4; s++) {
    RslBCType t       = RSL_BC_CLOSED;
    PetscInt  forcing = -1;
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-swe_bc_%s", SideName[s]));
    PetscCall(PetscStrncpy(name, "closed", sizeof name));
    PetscCall(PetscOptionsString(opt, "Boundary type: closed, free, critical, normal, inflow, stage", "", name, name, sizeof name, NULL));
    PetscCall(ParseBCType(swe->comm, opt, name, &t));
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-swe_slope_%s", SideName[s]));
    PetscCall(PetscOptionsReal(opt, "Bed slope for the normal-depth boundary", "", swe->slope[s], &swe->slope[s], NULL));
    RSLCHECK(swe->comm, t != RSL_BC_NORMAL || swe->slope[s] > 0, "-swe_bc_%s normal: needs %s > 0", SideName[s], opt);
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-swe_inflow_%s", SideName[s]));
    PetscCall(PetscOptionsString(opt, "Inflow per unit width (m2/s) or CSV time_s,q", "", "", value, sizeof value, &set));
    if (t == RSL_BC_INFLOW) {
      RSLCHECK(swe->comm, set, "-swe_bc_%s inflow: needs %s Q (m2/s) or a CSV hydrograph", SideName[s], opt);
      PetscCall(AddForcing(swe, opt, value, NULL, PETSC_TRUE, &forcing));
    }
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-swe_stage_%s", SideName[s]));
    PetscCall(PetscOptionsString(opt, "Water surface elevation (m) or CSV time_s,z", "", "", value, sizeof value, &set));
    if (t == RSL_BC_STAGE) {
      RSLCHECK(swe->comm, set, "-swe_bc_%s stage: needs %s Z (m) or a CSV series", SideName[s], opt);
      PetscCall(AddForcing(swe, opt, value, NULL, PETSC_FALSE, &forcing));
    }
    PetscCall(SetSide(swe, s, 0, s < 2 ? g->ny : g->nx, t, forcing));
  }
  PetscCall(PetscStrncpy(name, "closed", sizeof name));
  PetscCall(PetscOptionsString("-swe_nodata_bc", "Boundary type on the edge of nodata (outside) cells: closed or free", "", name, name, sizeof name, NULL));
  PetscCall(ParseBCType(swe->comm, "-swe_nodata_bc", name, &swe->nodata_bc));
  RSLCHECK(swe->comm, swe->nodata_bc == RSL_BC_CLOSED || swe->nodata_bc == RSL_BC_FREE || swe->nodata_bc == RSL_BC_CRITICAL, "-swe_nodata_bc: '%s' is not allowed (closed, free or critical)", name);
  PetscCall(PetscOptionsString("-swe_bc_segments", "File of side,start,end,type[,value] lines", "", "", value, sizeof value, &set));
  if (set) PetscCall(ReadSegments(swe, value));
  PetscCall(PetscOptionsString("-swe_sources", "File of x,y,hydrograph.csv point inflows (m3/s)", "", "", value, sizeof value, &set));
  if (set) PetscCall(ReadSources(swe, value));
  PetscCall(PetscOptionsString("-swe_gauges", "File of name,x,y gauges (time series in the output)", "", "", value, sizeof value, &set));
  if (set) PetscCall(ReadGauges(swe, value));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSWEBCDestroy(RslSWE swe)
{
  PetscFunctionBegin;
  for (int s = 0; s < 4; s++) PetscCall(PetscFree2(swe->side[s].type, swe->side[s].forcing));
  for (PetscInt k = 0; k < swe->nforcing; k++) PetscCall(RslSeriesFree(&swe->forcing[k]));
  PetscCall(PetscFree(swe->forcing));
  for (PetscInt k = 0; k < swe->nsrc; k++) PetscCall(RslSeriesFree(&swe->src[k].q));
  PetscCall(PetscFree(swe->src));
  PetscCall(PetscFree(swe->gauge));
  PetscFunctionReturn(PETSC_SUCCESS);
}
