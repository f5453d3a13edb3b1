/* seg/metrics: accuracy of a class map against labels (confusion matrix, per-class IoU,
 * mIoU, overall accuracy), possibly in different nomenclatures compared through class
 * tables (seg/nomenclature.h), and the land-cover change between two label vintages
 * (new buildings / sealed surfaces, lost vegetation, in m²), written as a change map.
 *
 * Rasters are read by row strips, each rank a contiguous band of rows; the counts are
 * summed with MPI_Allreduce (integers: the figures do not depend on the rank count).
 *
 * Command (RslMetricsRun reads the options; the driver's `-stages metrics` calls it):
 *   -metrics_pred FILE -metrics_label FILE [-metrics_pred_map CSV] [-metrics_label_map CSV]
 *   [-metrics_map_column ocsge] [-metrics_classes N (identity tables, default 256)]
 *   [-metrics_output FILE.csv]
 *   -change_before FILE -change_after FILE -change_map CSV [-change_output FILE.tif] */
#pragma once
#include "seg/nomenclature.h"

typedef struct {
  PetscInt  n;        /* classes of the common nomenclature */
  char    (*names)[RSL_NOMEN_MAXCODE];
  PetscInt64 *cm;     /* n x n: row = label class, column = predicted class */
  PetscInt64 ignored; /* pixels with no label, unmapped value or nodata in either raster */
  double     pixel_area; /* m² per pixel (from the label's geotransform) */
} RslConfusion;

/* Compare `pred` with `label` (same size and geotransform, else a collective error).
 * Both tables must map into the same target codes (e.g. OCS GE). */
PetscErrorCode RslMetricsConfusion(MPI_Comm comm, const char pred[], const RslNomenclature *pred_map, const char label[], const RslNomenclature *label_map, RslConfusion *c);
/* Overall accuracy, mean IoU over the classes present in the labels, per-class IoU (n
 * entries, NaN when a class is absent from both rasters; may be NULL). */
PetscErrorCode RslConfusionScores(const RslConfusion *c, double *oa, double *miou, double iou[]);
PetscErrorCode RslConfusionView(const RslConfusion *c, PetscViewer viewer);
/* Rank 0 writes the matrix as CSV: a "# overall_accuracy=.. miou=.." line, a header of
 * predicted classes, one row per label class ending with its IoU. */
PetscErrorCode RslConfusionWriteCSV(MPI_Comm comm, const RslConfusion *c, const char path[]);
PetscErrorCode RslConfusionFree(RslConfusion *c);

/* Change categories of the change map (uint8). */
enum { RSL_CHANGE_NONE = 0, RSL_CHANGE_NEW_BUILDING = 1, RSL_CHANGE_NEW_SEALED = 2, RSL_CHANGE_LOST_VEGETATION = 3, RSL_CHANGE_DESEALED = 4, RSL_CHANGE_GAINED_VEGETATION = 5, RSL_CHANGE_LOST_WOODLAND = 6, RSL_CHANGE_NODATA = 255 };

typedef struct {
  double new_building_m2;     /* not building before, building (CS1.1.1.1) after */
  double new_sealed_m2;       /* not sealed (CS1.1.1.*) before, sealed after, buildings included */
  double lost_vegetation_m2;  /* vegetation (CS2.*) before, not after, sealing included */
  double desealed_m2;         /* sealed before, not after */
  double gained_vegetation_m2;/* not vegetation before, vegetation after */
  double lost_woodland_m2;    /* woodland (CS2.1.1.*) before, not after (e.g. clear cuts) */
  double compared_m2;         /* area labelled at both dates */
} RslChange;

/* Change between two label rasters of the same grid, through `map` whose targets are OCS
 * GE cover codes. Writes the change map to `output` when non-NULL (codes above: a pixel
 * gets the first matching category in the order 1, 2, 3, 6, 4, 5). */
PetscErrorCode RslMetricsChange(MPI_Comm comm, const char before[], const char after[], const RslNomenclature *map, const char output[], RslChange *ch);

/* The metrics command: reads the options above, prints the results (rank 0). */
PetscErrorCode RslMetricsRun(MPI_Comm comm);
