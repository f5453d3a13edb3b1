/* grid: the computational grid of one run — global sizes, cell size, georeferencing and
 * the DMDA decomposition — built from the DEM's header.
 *
 * Orientation: grid index j grows northward (physical y), i eastward. Raster row r of the
 * DEM (row 0 = north edge, as GDAL reads it) is grid row j = ny-1-r. hv > 0 flows north.
 * Cell (i,j) centre: x = gt[0] + (i+0.5) gt[1], y = gt[3] + (ny-1-j+0.5) gt[5]. */
#pragma once
#include "core/validate.h"
#include "io/raster.h"
#include <petscdmda.h>

typedef struct {
  MPI_Comm  comm;
  DM        da;  /* dof 3 (h, hu, hv), star stencil, width sw */
  DM        da1; /* dof 1, same layout: scalar fields (z, manning, masks) */
  PetscInt  nx, ny, sw;
  PetscReal dx, dy;     /* cell sizes (m), dy = |gt[5]| */
  double    gt[6];      /* GDAL geotransform of the grid (north-up) */
  char     *crs_wkt;    /* CRS as WKT, never NULL after creation ("" when unknown) */
  PetscInt  xs, ys, xm, ym; /* owned cells [xs,xs+xm) x [ys,ys+ym) */
  PetscBool partial_fill;   /* -grid_partial_overlap fill: rasters may cover part of the grid */
} RslGrid;

/* Build a grid of nx x ny cells of size dx x dy with georeferencing gt/wkt, stencil width sw.
 * m x n ranks (PETSC_DECIDE) and ownership ranges lx[m], ly[n] (may be NULL) as in
 * DMDACreate2d. */
PetscErrorCode RslGridCreate(MPI_Comm comm, PetscInt nx, PetscInt ny, const double gt[6], const char *crs_wkt, PetscInt sw, PetscInt m, PetscInt n, const PetscInt lx[], const PetscInt ly[], RslGrid **grid);

/* Checks before any PETSc object exists (validation layer, core/validate.h), collective,
 * messages naming option and path: cell sizes in [RSL_CELL_MIN, RSL_CELL_MAX] m; nx x ny x 3
 * unknowns indexable with PetscInt (32-bit in Debian's PETSc); a split of the ranks of comm
 * into m x n blocks of at least sw x sw cells -- PETSc's own choice when it fits, else the
 * factorisation leaving the most cells per rank. */
PetscErrorCode RslGridCheckSize(MPI_Comm comm, const char option[], const char path[], PetscInt nx, PetscInt ny, double dx, double dy, PetscInt sw, PetscInt *m, PetscInt *n);
/* The m x n split of size ranks described above; PETSC_FALSE when none fits. */
PetscBool RslGridSplit(PetscInt nx, PetscInt ny, PetscInt sw, PetscMPIInt size, PetscInt *m, PetscInt *n);
PetscErrorCode RslGridDestroy(RslGrid **grid);
/* Map coordinates of the centre of cell (i,j). */
void RslGridCellCentre(const RslGrid *g, PetscInt i, PetscInt j, double *x, double *y);
/* Cell containing map point (x,y); returns PETSC_FALSE when outside the grid. */
PetscBool RslGridLocate(const RslGrid *g, double x, double y, PetscInt *i, PetscInt *j);

/* Grid and bed elevation (dof-1 global Vec) from a DEM raster: projected CRS in metres,
 * north-up; nodata cells keep the nodata value (returned) and are inactive. Collective.
 * -grid_balance active: the layout and ownership ranges are then chosen so that every rank's
 * block holds about the same number of active cells — domains that are mostly sea or
 * outside the territory (grid/balance.c) — and the bed read on the first layout moves to the
 * new blocks in memory (the DEM is read once). z == NULL: the grid from the DEM's header
 * only, with the even layout (checking options: no pixel is read). */
PetscErrorCode RslGridCreateFromDEM(MPI_Comm comm, const char path[], PetscInt sw, RslGrid **grid, Vec *z, double *nodata);

/* -grid_balance none|active and -grid_partial_overlap error|fill (RslGridCreateFromDEM
 * reads them; the driver's -help too). */
PetscErrorCode RslGridOptionsRead(MPI_Comm comm, PetscBool *active, PetscBool *fill);
/* A secondary raster (land cover, Manning, soil, initial depth, rain) against the grid,
 * collective, before its pixels are read: georeferenced and north-up with finite pixel
 * sizes, in the grid's CRS, overlapping the grid. A raster that covers only part of the
 * grid (some cell centres outside it) is an error unless -grid_partial_overlap fill was
 * given; `fill` says in the message what the cells outside then take. */
PetscErrorCode RslGridCheckRaster(const RslGrid *g, const char option[], const char path[], const RslRasterInfo *info, const char fill[]);
/* Same, except the CRS (a reprojecting reader checks it): overlap and coverage only. */
PetscErrorCode RslGridCheckCoverage(const RslGrid *g, const char option[], const char path[], PetscInt ncells_outside, const char fill[]);

/* The block of a raster (geotransform gi, nxi x nyi pixels, same CRS, north-up) whose
 * pixel centres fall in this rank's cells; the outermost ranks also take the pixels beyond
 * the grid, so the blocks of all ranks tile the raster exactly. Columns [c0, c0+nc),
 * rows [r0, r0+nr), row 0 = north. */
void RslGridPixelBlock(const RslGrid *g, const double gi[6], PetscInt nxi, PetscInt nyi, PetscInt *c0, PetscInt *r0, PetscInt *nc, PetscInt *nr);
