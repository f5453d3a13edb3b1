/* seg/tiling: tile ownership and the exchange of straddling tile centres (tiling.h). */
#include "seg/tiling.h"
#include "kernels/seg_pointwise.h"

#define CHUNK ((PetscInt64)1 << 30) /* bytes per message: MPI counts are int */

typedef struct {
  PetscInt64 c0, r0, nc, nr;
} Block;

struct _p_RslSegTiling {
  RslClassMap     *map, *prob;
  MPI_Comm         comm; /* a duplicate: the exchange's messages meet no one else's */
  PetscInt64       S, np;  /* tile stride; probability planes */
  PetscMPIInt      rank, size, nnbr;
  Block           *blk;    /* every rank's block */
  PetscMPIInt     *nbr;    /* the other ranks whose block meets a centre of a tile this block needs */
  PetscInt64       or0, or1, oc0, oc1; /* tiles owned */
  PetscInt64       kr0, kr1, kc0, kc1; /* tiles meeting this block */
  PetscInt64      *sendn, *recvn, *cursor;
  unsigned char  **sendbuf, **recvbuf;
  MPI_Request     *req;
  PetscInt         nreq;
  RslSegRect      *rect;
};

/* The kept centre of tile (kr, kc) within block b: rows [o[0], o[1]) x columns [o[2], o[3]). */
static PetscBool Meet(const Block *b, PetscInt64 S, PetscInt64 kr, PetscInt64 kc, PetscInt64 o[4])
{
  o[0] = PetscMax(kr * S, b->r0);
  o[1] = PetscMin((kr + 1) * S, b->r0 + b->nr);
  o[2] = PetscMax(kc * S, b->c0);
  o[3] = PetscMin((kc + 1) * S, b->c0 + b->nc);
  return (PetscBool)(o[0] < o[1] && o[2] < o[3]);
}

static PetscBool Holds(const Block *b, PetscInt64 r, PetscInt64 c)
{
  return (PetscBool)(r >= b->r0 && r < b->r0 + b->nr && c >= b->c0 && c < b->c0 + b->nc);
}

/* Index in nbr of the owner of tile (kr, kc), -1 for this rank. */
static PetscErrorCode Owner(RslSegTiling t, PetscInt64 kr, PetscInt64 kc, PetscInt *i)
{
  PetscFunctionBegin;
  *i = -1;
  if (Holds(&t->blk[t->rank], kr * t->S, kc * t->S)) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < t->nnbr; k++)
    if (Holds(&t->blk[t->nbr[k]], kr * t->S, kc * t->S)) {
      *i = k;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "seg tiling: no rank holds pixel (%" PetscInt64_FMT ",%" PetscInt64_FMT "): the blocks do not tile the image", kr * t->S, kc * t->S);
}

/* Post one transfer of n bytes as messages of at most CHUNK bytes (same tag: they match in order). */
static PetscErrorCode Post(RslSegTiling t, PetscBool send, unsigned char *buf, PetscInt64 n, PetscMPIInt peer)
{
  PetscFunctionBegin;
  for (PetscInt64 o = 0; o < n; o += CHUNK) {
    PetscMPIInt cnt = (PetscMPIInt)PetscMin(CHUNK, n - o);
    if (send) PetscCallMPI(MPI_Isend(buf + o, cnt, MPI_UNSIGNED_CHAR, peer, 0, t->comm, &t->req[t->nreq++]));
    else PetscCallMPI(MPI_Irecv(buf + o, cnt, MPI_UNSIGNED_CHAR, peer, 0, t->comm, &t->req[t->nreq++]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegTilingCreate(RslClassMap *map, RslClassMap *prob, PetscInt tile, PetscInt margin, RslSegTiling *tiling)
{
  RslSegTiling t;
  Block        me = {map->c0, map->r0, map->nc, map->nr}, box;
  PetscInt64   o[4], nmsg = 0;
  long         a0, a1, b0, b1;

  PetscFunctionBegin;
  PetscCall(PetscNew(&t));
  t->map  = map;
  t->prob = prob;
  t->S    = tile - 2 * margin;
  t->np   = prob ? prob->nbands : 0;
  PetscCallMPI(MPI_Comm_dup(map->comm, &t->comm));
  PetscCallMPI(MPI_Comm_rank(t->comm, &t->rank));
  PetscCallMPI(MPI_Comm_size(t->comm, &t->size));
  PetscCall(PetscMalloc1(t->size, &t->blk));
  PetscCallMPI(MPI_Allgather(&me, 4, MPIU_INT64, t->blk, 4, MPIU_INT64, t->comm));
  rsl_tile_owned(me.r0, me.nr, (int)tile, (int)margin, &a0, &a1);
  rsl_tile_owned(me.c0, me.nc, (int)tile, (int)margin, &b0, &b1);
  t->or0 = a0, t->or1 = a1, t->oc0 = b0, t->oc1 = b1;
  rsl_tile_range(me.r0, me.nr, (int)tile, (int)margin, &a0, &a1);
  rsl_tile_range(me.c0, me.nc, (int)tile, (int)margin, &b0, &b1);
  t->kr0 = a0, t->kr1 = a1, t->kc0 = b0, t->kc1 = b1;
  /* neighbours: blocks meeting the centres of the tiles this block needs (its own tiles' included) */
  box.r0 = t->kr0 * t->S, box.nr = (t->kr1 - t->kr0) * t->S, box.c0 = t->kc0 * t->S, box.nc = (t->kc1 - t->kc0) * t->S;
  PetscCall(PetscMalloc1(t->size, &t->nbr));
  for (PetscMPIInt q = 0; q < t->size; q++) {
    const Block *b = &t->blk[q];
    if (q != t->rank && b->nr > 0 && b->nc > 0 && b->r0 < box.r0 + box.nr && box.r0 < b->r0 + b->nr && b->c0 < box.c0 + box.nc && box.c0 < b->c0 + b->nc) t->nbr[t->nnbr++] = q;
  }
  PetscCall(PetscCalloc3(t->nnbr, &t->sendn, t->nnbr, &t->recvn, t->nnbr, &t->cursor));
  PetscCall(PetscCalloc2(t->nnbr, &t->sendbuf, t->nnbr, &t->recvbuf));
  PetscCall(PetscMalloc1(t->nnbr + 1, &t->rect));
  for (PetscInt64 kr = t->or0; kr < t->or1; kr++)
    for (PetscInt64 kc = t->oc0; kc < t->oc1; kc++)
      for (PetscInt i = 0; i < t->nnbr; i++)
        if (Meet(&t->blk[t->nbr[i]], t->S, kr, kc, o)) t->sendn[i] += (o[1] - o[0]) * (o[3] - o[2]) * (1 + t->np);
  for (PetscInt64 kr = t->kr0; kr < t->kr1; kr++)
    for (PetscInt64 kc = t->kc0; kc < t->kc1; kc++) {
      PetscInt i;
      PetscCall(Owner(t, kr, kc, &i));
      if (i >= 0 && Meet(&me, t->S, kr, kc, o)) t->recvn[i] += (o[1] - o[0]) * (o[3] - o[2]) * (1 + t->np);
    }
  for (PetscInt i = 0; i < t->nnbr; i++) {
    PetscCall(PetscMalloc1(t->sendn[i] + 1, &t->sendbuf[i]));
    PetscCall(PetscMalloc1(t->recvn[i] + 1, &t->recvbuf[i]));
    nmsg += (t->sendn[i] + CHUNK - 1) / CHUNK + (t->recvn[i] + CHUNK - 1) / CHUNK;
  }
  PetscCall(PetscMalloc1(nmsg + 1, &t->req));
  for (PetscInt i = 0; i < t->nnbr; i++) PetscCall(Post(t, PETSC_FALSE, t->recvbuf[i], t->recvn[i], t->nbr[i]));
  *tiling = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

void RslSegTilingOwned(RslSegTiling t, PetscInt64 *kr0, PetscInt64 *kr1, PetscInt64 *kc0, PetscInt64 *kc1)
{
  *kr0 = t->or0, *kr1 = t->or1, *kc0 = t->oc0, *kc1 = t->oc1;
}

PetscErrorCode RslSegTilingTargets(RslSegTiling t, PetscInt64 kr, PetscInt64 kc, PetscInt *n, const RslSegRect **rects)
{
  const RslClassMap *m = t->map;
  PetscInt64         o[4];

  PetscFunctionBegin;
  *n = 0;
  if (Meet(&t->blk[t->rank], t->S, kr, kc, o)) {
    size_t off = (size_t)(o[0] - m->r0) * m->nc + (o[2] - m->c0);
    t->rect[(*n)++] = (RslSegRect){o[0], o[1], o[2], o[3], m->nc, (PetscInt64)m->nr * m->nc, m->data + off, t->prob ? t->prob->data + off : NULL};
  }
  for (PetscInt i = 0; i < t->nnbr; i++) {
    PetscInt64     area;
    unsigned char *p;
    if (!Meet(&t->blk[t->nbr[i]], t->S, kr, kc, o)) continue;
    area = (o[1] - o[0]) * (o[3] - o[2]);
    p    = t->sendbuf[i] + t->cursor[i];
    PetscCheck(t->cursor[i] + area * (1 + t->np) <= t->sendn[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "seg tiling: tile (%" PetscInt64_FMT ",%" PetscInt64_FMT ") overflows the message to rank %d", kr, kc, t->nbr[i]);
    t->rect[(*n)++] = (RslSegRect){o[0], o[1], o[2], o[3], o[3] - o[2], area, p, t->np ? p + area : NULL};
    t->cursor[i] += area * (1 + t->np);
  }
  *rects = t->rect;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegTilingExchange(RslSegTiling t)
{
  RslClassMap *m = t->map;
  Block        me = t->blk[t->rank];
  PetscInt64   o[4];

  PetscFunctionBegin;
  for (PetscInt i = 0; i < t->nnbr; i++) {
    PetscCheck(t->cursor[i] == t->sendn[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "seg tiling: %" PetscInt64_FMT " of %" PetscInt64_FMT " bytes for rank %d filled", t->cursor[i], t->sendn[i], t->nbr[i]);
    PetscCall(Post(t, PETSC_TRUE, t->sendbuf[i], t->sendn[i], t->nbr[i]));
    t->cursor[i] = 0;
  }
  PetscCallMPI(MPI_Waitall((PetscMPIInt)t->nreq, t->req, MPI_STATUSES_IGNORE));
  t->nreq = 0;
  for (PetscInt64 kr = t->kr0; kr < t->kr1; kr++)
    for (PetscInt64 kc = t->kc0; kc < t->kc1; kc++) {
      PetscInt             i;
      PetscInt64           area, w;
      const unsigned char *src;
      PetscCall(Owner(t, kr, kc, &i));
      if (i < 0 || !Meet(&me, t->S, kr, kc, o)) continue;
      area = (o[1] - o[0]) * (o[3] - o[2]), w = o[3] - o[2];
      src  = t->recvbuf[i] + t->cursor[i];
      for (PetscInt64 b = 0; b <= t->np; b++) { /* the classes, then each probability plane */
        unsigned char *dst = (b ? t->prob->data + (size_t)(b - 1) * m->nr * m->nc : m->data) + (size_t)(o[0] - m->r0) * m->nc + (o[2] - m->c0);
        for (PetscInt64 r = 0; r < o[1] - o[0]; r++) PetscCall(PetscArraycpy(dst + (size_t)r * m->nc, src + b * area + r * w, w));
      }
      t->cursor[i] += area * (1 + t->np);
    }
  for (PetscInt i = 0; i < t->nnbr; i++) PetscCheck(t->cursor[i] == t->recvn[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "seg tiling: %" PetscInt64_FMT " of %" PetscInt64_FMT " bytes from rank %d used", t->cursor[i], t->recvn[i], t->nbr[i]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegTilingDestroy(RslSegTiling *tiling)
{
  RslSegTiling t = *tiling;

  PetscFunctionBegin;
  if (!t) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < t->nnbr; i++) {
    PetscCall(PetscFree(t->sendbuf[i]));
    PetscCall(PetscFree(t->recvbuf[i]));
  }
  PetscCall(PetscFree3(t->sendn, t->recvn, t->cursor));
  PetscCall(PetscFree2(t->sendbuf, t->recvbuf));
  PetscCall(PetscFree(t->rect));
  PetscCall(PetscFree(t->req));
  PetscCall(PetscFree(t->nbr));
  PetscCall(PetscFree(t->blk));
  PetscCallMPI(MPI_Comm_free(&t->comm));
  PetscCall(PetscFree(*tiling));
  PetscFunctionReturn(PETSC_SUCCESS);
}
