/* GPU launch of the first-order shallow-water step on one rank's block. Compiled for sm_80
 * and sm_90 whenever nvcc is found; NOT RUN on the development machines (no GPU) and not yet
 * called by src/swe (Debian's PETSc has no CUDA vectors): see docs/hpc.md. The arithmetic is
 * the single-source functions of kernels/swe_flux.h that the CPU solver and its tests use.
 *
 * Layout: the DMDA local (ghosted) block of gxm x gym cells starting at global (gxs, gys),
 * state U as 3 doubles per cell (h, hu, hv), bed z and active mask act (1/0) per cell; the
 * owned cells [xs, xs+xm) x [ys, ys+ym) are updated. Each thread computes the four faces of
 * its cell (a face is computed by both of its cells, identically), so no atomics are needed
 * and results do not depend on the thread schedule. Boundary faces: closed (reflective) or
 * free (transmissive for outflow) per side W, E, S, N. */
#include "kernels/swe_flux.h"

typedef struct {
  int    nx, ny, gxs, gys, gxm, gym, xs, ys, xm, ym;
  double dx, dy, g, hdry;
  int    free_side[4]; /* W, E, S, N: 1 free outflow, 0 closed */
} RslSweBlock;

__device__ static int Active(const RslSweBlock *b, const double *act, int i, int j)
{
  return i >= 0 && j >= 0 && i < b->nx && j < b->ny && act[(j - b->gys) * b->gxm + (i - b->gxs)] > 0.5;
}

/* Flux through the face between cells a (minus side) and c (plus side) along x or y. */
__device__ static double Face(const RslSweBlock *b, const double *U, const double *z, const double *act, int ia, int ja, int ic, int jc, int alongx, double out[4])
{
  int    aa = Active(b, act, ia, ja), ac = Active(b, act, ic, jc);
  int    ii = aa ? ia : ic, jj = aa ? ja : jc, k = (jj - b->gys) * b->gxm + (ii - b->gxs), side;
  double h, un, ut, zz, gun;

  out[0] = out[1] = out[2] = out[3] = 0.0;
  if (aa && ac) {
    int          ka = (ja - b->gys) * b->gxm + (ia - b->gxs), kc = (jc - b->gys) * b->gxm + (ic - b->gxs);
    const double *A = U + 3 * ka, *C = U + 3 * kc;
    return rsl_swe_face(A[0], rsl_swe_vel(A[0], alongx ? A[1] : A[2], b->hdry), rsl_swe_vel(A[0], alongx ? A[2] : A[1], b->hdry), z[ka], C[0], rsl_swe_vel(C[0], alongx ? C[1] : C[2], b->hdry), rsl_swe_vel(C[0], alongx ? C[2] : C[1], b->hdry), z[kc], b->g, out);
  }
  if (!aa && !ac) return 0.0;
  h    = U[3 * k];
  un   = rsl_swe_vel(h, alongx ? U[3 * k + 1] : U[3 * k + 2], b->hdry);
  ut   = rsl_swe_vel(h, alongx ? U[3 * k + 2] : U[3 * k + 1], b->hdry);
  zz   = z[k];
  side = alongx ? (aa ? 1 : 0) : (aa ? 3 : 2);
  /* closed: mirror the normal velocity; free: keep it when it leaves, zero when it enters */
  gun = b->free_side[side] ? (aa ? rsl_max(un, 0.0) : rsl_min(un, 0.0)) : -un;
  if (aa) return rsl_swe_face(h, un, ut, zz, h, gun, ut, zz, b->g, out);
  return rsl_swe_face(h, gun, ut, zz, h, un, ut, zz, b->g, out);
}

/* R = L(U) on the owned cells (3 doubles each); rate[c] = CFL rate of the cell's faces
 * (the time step is the CFL number over their maximum, docs/theory.md section 6);
 * bq[c] = outward boundary discharge of the cell (m3/s). */
__global__ static void Residual(RslSweBlock b, const double *U, const double *z, const double *act, double *R, double *rate, double *bq)
{
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= b.xm * b.ym) return;
  int    i = b.xs + c % b.xm, j = b.ys + c / b.xm;
  double w[4], e[4], s[4], n[4], aw, ae, as, an, q = 0.0;
  aw = Face(&b, U, z, act, i - 1, j, i, j, 1, w);
  ae = Face(&b, U, z, act, i, j, i + 1, j, 1, e);
  as = Face(&b, U, z, act, i, j - 1, i, j, 0, s);
  an = Face(&b, U, z, act, i, j, i, j + 1, 0, n);
  if (!Active(&b, act, i, j)) {
    R[3 * c] = R[3 * c + 1] = R[3 * c + 2] = 0.0;
    rate[c] = bq[c] = 0.0;
    return;
  }
  R[3 * c]     = -(e[0] - w[0]) / b.dx - (n[0] - s[0]) / b.dy;
  R[3 * c + 1] = -(e[1] - w[2]) / b.dx - (n[3] - s[3]) / b.dy;
  R[3 * c + 2] = -(e[3] - w[3]) / b.dx - (n[1] - s[2]) / b.dy;
  rate[c]      = rsl_swe_cell_rate(aw, ae, as, an, 1.0 / b.dx, 1.0 / b.dy);
  if (!Active(&b, act, i - 1, j)) q -= w[0] * b.dy;
  if (!Active(&b, act, i + 1, j)) q += e[0] * b.dy;
  if (!Active(&b, act, i, j - 1)) q -= s[0] * b.dx;
  if (!Active(&b, act, i, j + 1)) q += n[0] * b.dx;
  bq[c] = q;
}

/* Owned state Uo (3 doubles per owned cell) += dt R, then rain (m/s) and friction; rain,
 * manning and act_owned are per owned cell. */
__global__ static void Update(int ncell, double dt, double g, double hdry, const double *R, const double *rain, const double *manning, const double *act_owned, double *Uo)
{
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= ncell || act_owned[c] < 0.5) return;
  double *u = Uo + 3 * c;
  u[0] += dt * R[3 * c] + rain[c] * dt;
  u[1] += dt * R[3 * c + 1];
  u[2] += dt * R[3 * c + 2];
  double f = rsl_swe_friction_factor(u[0], sqrt(u[1] * u[1] + u[2] * u[2]), manning[c], g, dt, hdry);
  u[1] = u[0] > hdry ? u[1] * f : 0.0;
  u[2] = u[0] > hdry ? u[2] * f : 0.0;
}

/* Host launchers (device pointers; the caller reduces rate and bq, e.g. with cub). Return a
 * cudaError_t as int. */
extern "C" int rsl_cuda_swe_residual(const RslSweBlock *b, const double *U, const double *z, const double *act, double *R, double *rate, double *bq)
{
  const int threads = 128, n = b->xm * b->ym;
  if (n <= 0) return 0;
  Residual<<<(n + threads - 1) / threads, threads>>>(*b, U, z, act, R, rate, bq);
  return (int)cudaGetLastError();
}

extern "C" int rsl_cuda_swe_update(int ncell, double dt, double g, double hdry, const double *R, const double *rain, const double *manning, const double *act, double *Uo)
{
  const int threads = 256;
  if (ncell <= 0) return 0;
  Update<<<(ncell + threads - 1) / threads, threads>>>(ncell, dt, g, hdry, R, rain, manning, act, Uo);
  return (int)cudaGetLastError();
}
