/* seg/safetensors: validating reader (see safetensors.h). The JSON parser accepts the
 * subset safetensors uses (objects, arrays, strings, non-negative integers) and rejects
 * everything else, duplicate names included. */
#include "seg/safetensors.h"
#include <string.h>

struct _p_RslSafetensors {
  MPI_Comm       comm;
  char          *path;
  unsigned char *buf;  /* whole file */
  size_t         size; /* file size */
  size_t         data; /* start of the data region in buf */
  PetscInt       n;
  RslSTTensor   *t;
};

static const struct {
  const char *name;
  RslSTDtype  dt;
  size_t      size;
} dtypes[] = {
  {"F32", RSL_ST_F32, 4},
  {"F16", RSL_ST_F16, 2},
  {"BF16", RSL_ST_BF16, 2},
  {"F64", RSL_ST_F64, 8},
  {"I64", RSL_ST_I64, 8},
  {"I32", RSL_ST_I32, 4},
  {"I16", RSL_ST_I16, 2},
  {"I8", RSL_ST_I8, 1},
  {"U8", RSL_ST_U8, 1},
  {"BOOL", RSL_ST_BOOL, 1},
};

const char *RslSTDtypeName(RslSTDtype d)
{
  return dtypes[d].name;
}

PetscInt64 RslSTTensorNumel(const RslSTTensor *t)
{
  PetscInt64 n = 1;
  for (PetscInt i = 0; i < t->ndim; i++)
    if (!t->shape[i]) return 0; /* before any product of huge dimensions can overflow */
  for (PetscInt i = 0; i < t->ndim; i++) n *= t->shape[i];
  return n;
}

/* ---- strict JSON subset ------------------------------------------------------------ */
typedef struct {
  MPI_Comm    comm;
  const char *file;
  const char *s; /* header text */
  size_t      len, pos;
  const char *tensor; /* tensor being parsed, for messages ("" at top level) */
} Parser;

#define PERR(p, ...) RSLCHECK((p)->comm, 0, __VA_ARGS__)

static void skip_ws(Parser *p)
{
  while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' || p->s[p->pos] == '\r')) p->pos++;
}

static PetscErrorCode expect(Parser *p, char c)
{
  PetscFunctionBegin;
  skip_ws(p);
  if (p->pos >= p->len || p->s[p->pos] != c) PERR(p, "seg weights %s: malformed header%s%s%s: expected '%c' at byte %zu", p->file, p->tensor[0] ? " (tensor '" : "", p->tensor, p->tensor[0] ? "')" : "", c, p->pos + 8);
  p->pos++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool peek(Parser *p, char c)
{
  skip_ws(p);
  return (PetscBool)(p->pos < p->len && p->s[p->pos] == c);
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A JSON string into a freshly allocated, NUL-terminated UTF-8 buffer. */
static PetscErrorCode parse_string(Parser *p, char **out)
{
  size_t n = 0, end;
  char  *o;

  PetscFunctionBegin;
  PetscCall(expect(p, '"'));
  for (end = p->pos; end < p->len && p->s[end] != '"'; end++)
    if (p->s[end] == '\\') end++; /* skip the escaped character */
  PetscCall(PetscMalloc1(end - p->pos + 1, &o)); /* escapes only shrink */
  for (;;) {
    if (p->pos >= p->len) {
      PetscCall(PetscFree(o));
      PERR(p, "seg weights %s: malformed header: unterminated string", p->file);
    }
    unsigned char c = (unsigned char)p->s[p->pos++];
    if (c == '"') break;
    if (c < 0x20 || c == '\\') {
      int ok = 0;
      if (c == '\\' && p->pos < p->len) {
        char e = p->s[p->pos++];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *q = strchr(from, e);
        if (e && q) {
          o[n++] = to[q - from];
          ok     = 1;
        } else if (e == 'u' && p->pos + 4 <= p->len) {
          int v = 0;
          ok    = 1;
          for (int k = 0; k < 4; k++) {
            int h = hexval(p->s[p->pos + k]);
            if (h < 0) ok = 0;
            v = 16 * v + h;
          }
          p->pos += 4;
          if (ok && v == 0) ok = 0; /* an embedded NUL would truncate the name */
          if (ok && v < 0x80) o[n++] = (char)v;
          else if (ok && v < 0x800) {
            o[n++] = (char)(0xC0 | (v >> 6));
            o[n++] = (char)(0x80 | (v & 0x3F));
          } else if (ok) {
            o[n++] = (char)(0xE0 | (v >> 12));
            o[n++] = (char)(0x80 | ((v >> 6) & 0x3F));
            o[n++] = (char)(0x80 | (v & 0x3F));
          }
        }
      }
      if (!ok) {
        PetscCall(PetscFree(o));
        PERR(p, "seg weights %s: malformed header: bad character or escape in a string at byte %zu", p->file, p->pos + 8);
      }
    } else o[n++] = (char)c;
  }
  o[n] = 0;
  *out = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A non-negative integer below 2^53 (JSON integers that safetensors uses). */
static PetscErrorCode parse_uint(Parser *p, const char *what, PetscInt64 *v)
{
  PetscInt64 x = 0;
  size_t     start;

  PetscFunctionBegin;
  skip_ws(p);
  start = p->pos;
  while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
    if (x > ((PetscInt64)1 << 53) / 10) PERR(p, "seg weights %s: tensor '%s': %s too large", p->file, p->tensor, what);
    x = 10 * x + (p->s[p->pos++] - '0');
  }
  if (p->pos == start || (p->pos - start > 1 && p->s[start] == '0')) PERR(p, "seg weights %s: tensor '%s': %s is not a non-negative integer (byte %zu)", p->file, p->tensor, what, start + 8);
  *v = x;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parse_metadata(Parser *p)
{
  PetscFunctionBegin;
  PetscCall(expect(p, '{'));
  if (peek(p, '}')) {
    p->pos++;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (;;) {
    char *k, *v;
    PetscCall(parse_string(p, &k));
    PetscCall(PetscFree(k));
    PetscCall(expect(p, ':'));
    PetscCall(parse_string(p, &v)); /* safetensors metadata: string -> string */
    PetscCall(PetscFree(v));
    if (peek(p, ',')) p->pos++;
    else break;
  }
  PetscCall(expect(p, '}'));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One `"key": value` field of a tensor entry (the key already read). */
static PetscErrorCode parse_field(Parser *p, RslSTTensor *t, const char *key, PetscBool *has_dt, PetscBool *has_shape, PetscBool *has_off)
{
  PetscFunctionBegin;
  PetscCall(expect(p, ':'));
  if (!strcmp(key, "dtype") && !*has_dt) {
    char  *d;
    size_t i;
    PetscCall(parse_string(p, &d));
    for (i = 0; i < PETSC_STATIC_ARRAY_LENGTH(dtypes); i++)
      if (!strcmp(d, dtypes[i].name)) break;
    if (i == PETSC_STATIC_ARRAY_LENGTH(dtypes)) {
      char dn[32];
      PetscCall(PetscStrncpy(dn, d, sizeof dn));
      PetscCall(PetscFree(d));
      PERR(p, "seg weights %s: tensor '%s': unknown dtype '%s'", p->file, t->name, dn);
    }
    PetscCall(PetscFree(d));
    t->dtype = dtypes[i].dt;
    *has_dt  = PETSC_TRUE;
  } else if (!strcmp(key, "shape") && !*has_shape) {
    PetscCall(expect(p, '['));
    t->ndim = 0;
    if (!peek(p, ']')) do {
        if (t->ndim == RSL_ST_MAX_DIMS) PERR(p, "seg weights %s: tensor '%s': more than %d dimensions", p->file, t->name, RSL_ST_MAX_DIMS);
        PetscCall(parse_uint(p, "shape entry", &t->shape[t->ndim++]));
      } while (peek(p, ',') && ++p->pos);
    PetscCall(expect(p, ']'));
    *has_shape = PETSC_TRUE;
  } else if (!strcmp(key, "data_offsets") && !*has_off) {
    PetscInt64 a, b;
    PetscCall(expect(p, '['));
    PetscCall(parse_uint(p, "data offset", &a));
    PetscCall(expect(p, ','));
    PetscCall(parse_uint(p, "data offset", &b));
    PetscCall(expect(p, ']'));
    t->begin = (size_t)a;
    t->end   = (size_t)b;
    *has_off = PETSC_TRUE;
  } else PERR(p, "seg weights %s: tensor '%s': unexpected or repeated field '%.64s'", p->file, t->name, key);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parse_tensor(Parser *p, RslSTTensor *t)
{
  PetscBool has_dt = PETSC_FALSE, has_shape = PETSC_FALSE, has_off = PETSC_FALSE;

  PetscFunctionBegin;
  p->tensor = t->name;
  PetscCall(expect(p, '{'));
  do {
    char          *key;
    PetscErrorCode ierr;
    PetscCall(parse_string(p, &key));
    ierr = parse_field(p, t, key, &has_dt, &has_shape, &has_off);
    PetscCall(PetscFree(key)); /* on every path: the parser must not leak on bad input */
    PetscCall(ierr);
  } while (peek(p, ',') && ++p->pos);
  PetscCall(expect(p, '}'));
  RSLCHECK(p->comm, has_dt && has_shape && has_off, "seg weights %s: tensor '%s': entry lacks %s", p->file, t->name, !has_dt ? "dtype" : !has_shape ? "shape" : "data_offsets");
  p->tensor = "";
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int cmp_begin(const void *a, const void *b)
{
  const RslSTTensor *x = *(const RslSTTensor *const *)a, *y = *(const RslSTTensor *const *)b;
  return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : (x->end > y->end) - (x->end < y->end);
}

static PetscErrorCode parse_header(RslSafetensors st, size_t hlen)
{
  Parser    p = {st->comm, st->path, (const char *)st->buf + 8, hlen, 0, ""};
  PetscInt  cap = 0;
  size_t    dlen = st->size - st->data;

  PetscFunctionBegin;
  PetscCall(expect(&p, '{'));
  if (!peek(&p, '}')) do {
      char          *name;
      PetscErrorCode ierr;
      PetscCall(parse_string(&p, &name));
      ierr = expect(&p, ':');
      if (ierr) PetscCall(PetscFree(name));
      PetscCall(ierr);
      if (!strcmp(name, "__metadata__")) {
        PetscCall(PetscFree(name));
        PetscCall(parse_metadata(&p));
        continue;
      }
      for (PetscInt i = 0; i < st->n; i++) {
        if (!strcmp(st->t[i].name, name)) {
          char nm[256];
          PetscCall(PetscStrncpy(nm, name, sizeof nm));
          PetscCall(PetscFree(name));
          PERR(&p, "seg weights %s: tensor '%s' appears twice in the header", st->path, nm);
        }
      }
      if (st->n == cap) {
        RslSTTensor *t;
        cap = cap ? 2 * cap : 64;
        PetscCall(PetscCalloc1(cap, &t));
        if (st->n) PetscCall(PetscArraycpy(t, st->t, st->n));
        PetscCall(PetscFree(st->t));
        st->t = t;
      }
      st->t[st->n].name = name;
      st->n++;
      PetscCall(parse_tensor(&p, &st->t[st->n - 1]));
    } while (peek(&p, ',') && ++p.pos);
  PetscCall(expect(&p, '}'));
  skip_ws(&p);
  RSLCHECK(st->comm, p.pos == p.len, "seg weights %s: malformed header: trailing bytes after the JSON object (byte %zu)", st->path, p.pos + 8);

  /* sizes, bounds and overlap */
  for (PetscInt i = 0; i < st->n; i++) {
    RslSTTensor *t = &st->t[i];
    double       numel_d = 1;
    for (PetscInt d = 0; d < t->ndim; d++) numel_d *= (double)t->shape[d];
    RSLCHECK(st->comm, t->begin <= t->end && t->end <= dlen, "seg weights %s: tensor '%s': data_offsets [%zu, %zu] outside the data region of %zu bytes", st->path, t->name, t->begin, t->end, dlen);
    RSLCHECK(st->comm, numel_d * (double)dtypes[t->dtype].size == (double)(t->end - t->begin), "seg weights %s: tensor '%s': %zu data bytes do not match dtype %s and its shape (%.0f elements)", st->path, t->name, t->end - t->begin, dtypes[t->dtype].name, numel_d);
  }
  if (st->n > 1) {
    RslSTTensor **o;
    PetscCall(PetscMalloc1(st->n, &o));
    for (PetscInt i = 0; i < st->n; i++) o[i] = &st->t[i];
    qsort(o, (size_t)st->n, sizeof *o, cmp_begin);
    for (PetscInt i = 1; i < st->n; i++) {
      if (o[i]->begin < o[i - 1]->end) {
        char a[256], b[256];
        PetscCall(PetscStrncpy(a, o[i - 1]->name, sizeof a));
        PetscCall(PetscStrncpy(b, o[i]->name, sizeof b));
        PetscCall(PetscFree(o));
        RSLCHECK(st->comm, 0, "seg weights %s: tensors '%s' and '%s' overlap in the data region", st->path, a, b);
      }
    }
    PetscCall(PetscFree(o));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 reads the file; size (or -1 when unreadable) then bytes are broadcast. */
static PetscErrorCode read_file(RslSafetensors st)
{
  PetscMPIInt rank;
  long long   size = -1;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(st->comm, &rank));
  if (rank == 0) {
    FILE *f = fopen(st->path, "rb");
    if (f && !fseek(f, 0, SEEK_END)) size = ftell(f);
    if (f && size >= 0 && !fseek(f, 0, SEEK_SET)) {
      PetscCall(PetscMalloc1((size_t)size + 1, &st->buf));
      if (fread(st->buf, 1, (size_t)size, f) != (size_t)size) size = -1;
    } else size = -1;
    if (f) fclose(f);
  }
  PetscCallMPI(MPI_Bcast(&size, 1, MPI_LONG_LONG, 0, st->comm));
  RSLCHECK(st->comm, size >= 0, "seg weights %s: cannot read the file", st->path);
  if (rank) PetscCall(PetscMalloc1((size_t)size + 1, &st->buf));
  for (long long off = 0; off < size; off += 1 << 30) {
    long long cnt = PetscMin(size - off, 1 << 30);
    PetscCallMPI(MPI_Bcast(st->buf + off, (int)cnt, MPI_BYTE, 0, st->comm));
  }
  st->size = (size_t)size;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Validate the bytes in st->buf (st->size of them) and index the tensors. */
static PetscErrorCode parse(RslSafetensors st)
{
  unsigned long long hlen = 0;

  PetscFunctionBegin;
  RSLCHECK(st->comm, st->size >= 8, "seg weights %s: truncated file (%zu bytes, no header length)", st->path, st->size);
  for (int i = 7; i >= 0; i--) hlen = (hlen << 8) | st->buf[i];
  RSLCHECK(st->comm, hlen <= RSL_ST_MAX_HEADER, "seg weights %s: header length %llu exceeds the %d-byte limit", st->path, hlen, RSL_ST_MAX_HEADER);
  RSLCHECK(st->comm, hlen <= st->size - 8, "seg weights %s: header length %llu larger than the file (%zu bytes): truncated or not safetensors", st->path, hlen, st->size);
  RSLCHECK(st->comm, hlen >= 2, "seg weights %s: header length %llu too small for a JSON object", st->path, hlen);
  st->data = 8 + (size_t)hlen;
  PetscCall(parse_header(st, (size_t)hlen));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSafetensorsOpen(MPI_Comm comm, const char path[], RslSafetensors *out)
{
  RslSafetensors st;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *out = NULL;
  PetscCall(PetscNew(&st));
  st->comm = comm;
  PetscCall(PetscStrallocpy(path, &st->path));
  ierr = read_file(st);
  if (!ierr) ierr = parse(st);
  if (ierr) {
    PetscCall(RslSafetensorsClose(&st));
    PetscCall(ierr);
  }
  *out = st;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSafetensorsOpenMemory(MPI_Comm comm, const char name[], const void *bytes, size_t size, RslSafetensors *out)
{
  RslSafetensors st;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *out = NULL;
  PetscCall(PetscNew(&st));
  st->comm = comm;
  st->size = size;
  PetscCall(PetscStrallocpy(name, &st->path));
  PetscCall(PetscMalloc1(size + 1, &st->buf));
  if (size) PetscCall(PetscArraycpy(st->buf, (const unsigned char *)bytes, size));
  ierr = parse(st);
  if (ierr) {
    PetscCall(RslSafetensorsClose(&st));
    PetscCall(ierr);
  }
  *out = st;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSafetensorsClose(RslSafetensors *st)
{
  PetscFunctionBegin;
  if (!*st) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < (*st)->n; i++) PetscCall(PetscFree((*st)->t[i].name));
  PetscCall(PetscFree((*st)->t));
  PetscCall(PetscFree((*st)->buf));
  PetscCall(PetscFree((*st)->path));
  PetscCall(PetscFree(*st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSafetensorsGetPath(RslSafetensors st, const char **path)
{
  PetscFunctionBegin;
  *path = st->path;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSafetensorsGetNumTensors(RslSafetensors st, PetscInt *n)
{
  PetscFunctionBegin;
  *n = st->n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSafetensorsGetTensor(RslSafetensors st, PetscInt i, const RslSTTensor **t)
{
  PetscFunctionBegin;
  PetscCheck(i >= 0 && i < st->n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "tensor index %" PetscInt_FMT " not in [0, %" PetscInt_FMT ")", i, st->n);
  *t = &st->t[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSafetensorsFind(RslSafetensors st, const char name[], PetscInt *index)
{
  PetscFunctionBegin;
  *index = -1;
  for (PetscInt i = 0; i < st->n; i++)
    if (!strcmp(st->t[i].name, name)) *index = i;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static float half_to_float(uint16_t h)
{
  uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1F, m = h & 0x3FF, u;
  float    f;
  if (e == 0x1F) u = s | 0x7F800000u | (m << 13); /* inf / nan */
  else if (e) u = s | ((e + 112) << 23) | (m << 13);
  else { /* zero / subnormal: m x 2^-24 */
    f = (float)m * 5.9604644775390625e-8f;
    return s ? -f : f;
  }
  memcpy(&f, &u, 4);
  return f;
}

PetscErrorCode RslSafetensorsReadFloat(RslSafetensors st, const RslSTTensor *t, float *out)
{
  const unsigned char *p = st->buf + st->data + t->begin;
  PetscInt64           n = RslSTTensorNumel(t);

  PetscFunctionBegin;
  RSLCHECK(st->comm, t->dtype == RSL_ST_F32 || t->dtype == RSL_ST_F16 || t->dtype == RSL_ST_BF16, "seg weights %s: tensor '%s' has dtype %s; expected F32, F16 or BF16", st->path, t->name, dtypes[t->dtype].name);
  for (PetscInt64 i = 0; i < n; i++) {
    if (t->dtype == RSL_ST_F32) {
      uint32_t u = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
      memcpy(&out[i], &u, 4);
    } else if (t->dtype == RSL_ST_BF16) {
      uint32_t u = ((uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8) << 16;
      memcpy(&out[i], &u, 4);
    } else out[i] = half_to_float((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
