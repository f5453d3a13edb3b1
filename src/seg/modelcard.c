/* seg/modelcard: the model's JSON card (see modelcard.h). */
#include "seg/modelcard.h"
#include "core/text.h"
#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>

static const struct {
  const char *name;
  RslSegBand  band;
} aliases[] = {
  {"R", RSL_BAND_R},        {"RED", RSL_BAND_R},           {"G", RSL_BAND_G},            {"GREEN", RSL_BAND_G},      {"B", RSL_BAND_B},
  {"BLUE", RSL_BAND_B},     {"NIR", RSL_BAND_NIR},         {"IR", RSL_BAND_NIR},         {"PIR", RSL_BAND_NIR},      {"INFRARED", RSL_BAND_NIR},
  {"NDSM", RSL_BAND_NDSM}, {"ELEVATION", RSL_BAND_NDSM}, {"HEIGHT", RSL_BAND_NDSM}, {"DSM", RSL_BAND_NDSM}, {"E", RSL_BAND_NDSM},
};

/* FLAIR-1 normalisation (IGN's baselines): R, G, B, NIR, elevation */
static const PetscReal flair_mean[5] = {105.08, 110.87, 101.82, 106.38, 53.26};
static const PetscReal flair_std[5]  = {52.17, 45.38, 44.0, 39.69, 79.3};

RslSegBand RslSegBandFromName(const char name[])
{
  char   w[16];
  size_t n = 0;

  while (name[n] && n < sizeof w - 1 && isalnum((unsigned char)name[n])) {
    w[n] = (char)toupper((unsigned char)name[n]);
    n++;
  }
  w[n] = 0;
  if (name[n] && isalnum((unsigned char)name[n])) return RSL_BAND_OTHER; /* longer than any alias */
  for (size_t i = 0; i < PETSC_STATIC_ARRAY_LENGTH(aliases); i++)
    if (!strcmp(w, aliases[i].name)) return aliases[i].band;
  return RSL_BAND_OTHER;
}

const char *RslSegBandName(RslSegBand b)
{
  static const char *const names[] = {"R", "G", "B", "NIR", "nDSM", "other"};
  return names[b];
}

void RslSegBandFlairNorm(RslSegBand b, PetscReal *mean, PetscReal *std)
{
  *mean = b < RSL_BAND_OTHER ? flair_mean[b] : 0.0;
  *std  = b < RSL_BAND_OTHER ? flair_std[b] : 1.0;
}

typedef struct {
  MPI_Comm    comm;
  const char *path;
} Ctx;

/* The member key of obj with the JSON type t, or NULL when absent; a wrong type is an error. */
static PetscErrorCode member(Ctx *c, struct json_object *obj, const char key[], json_type t, struct json_object **v)
{
  PetscBool ok;

  PetscFunctionBegin;
  *v = NULL;
  if (!json_object_object_get_ex(obj, key, v)) PetscFunctionReturn(PETSC_SUCCESS);
  ok = (PetscBool)(json_object_is_type(*v, t) || (t == json_type_double && json_object_is_type(*v, json_type_int)));
  RSLCHECK(c->comm, ok, "-seg_model %s: \"%s\" must be %s", c->path, key, t == json_type_string ? "a string" : t == json_type_int ? "an integer" : t == json_type_double ? "a number" : "an array");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode get_int(Ctx *c, struct json_object *obj, const char key[], PetscInt lo, PetscInt hi, PetscInt *out)
{
  struct json_object *v;

  PetscFunctionBegin;
  PetscCall(member(c, obj, key, json_type_int, &v));
  if (!v) PetscFunctionReturn(PETSC_SUCCESS);
  {
    int64_t x = json_object_get_int64(v);
    RSLCHECK(c->comm, x >= lo && x <= hi, "-seg_model %s: \"%s\" = %lld: must be in %" PetscInt_FMT "..%" PetscInt_FMT, c->path, key, (long long)x, lo, hi);
    *out = (PetscInt)x;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode get_path(Ctx *c, struct json_object *obj, const char key[], char out[], size_t len)
{
  struct json_object *v;
  const char         *s;

  PetscFunctionBegin;
  PetscCall(member(c, obj, key, json_type_string, &v));
  if (!v) PetscFunctionReturn(PETSC_SUCCESS);
  s = json_object_get_string(v);
  RSLCHECK(c->comm, s[0] && (size_t)json_object_get_string_len(v) == strlen(s) && strlen(s) + strlen(c->path) < len, "-seg_model %s: \"%s\" must be a non-empty file name without NUL bytes, shorter than %zu", c->path, key, len);
  PetscCall(RslPathRelativeTo(c->path, s, out, len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* norm_mean / norm_std: n finite numbers (std > 0); absent: *given = false. */
static PetscErrorCode get_norm(Ctx *c, struct json_object *obj, const char key[], PetscInt n, PetscBool positive, PetscReal out[], PetscBool *given)
{
  struct json_object *v;

  PetscFunctionBegin;
  PetscCall(member(c, obj, key, json_type_array, &v));
  *given = (PetscBool)(v != NULL);
  if (!v) PetscFunctionReturn(PETSC_SUCCESS);
  RSLCHECK(c->comm, (PetscInt)json_object_array_length(v) == n, "-seg_model %s: \"%s\" has %zu values, \"bands\" %" PetscInt_FMT, c->path, key, json_object_array_length(v), n);
  for (PetscInt i = 0; i < n; i++) {
    struct json_object *e  = json_object_array_get_idx(v, (size_t)i);
    PetscBool           ok = (PetscBool)(json_object_is_type(e, json_type_double) || json_object_is_type(e, json_type_int));
    double              x  = ok ? json_object_get_double(e) : NAN;
    RSLCHECK(c->comm, ok && isfinite(x) && (!positive || x > 0), "-seg_model %s: \"%s\" value %" PetscInt_FMT ": must be a finite number%s", c->path, key, i + 1, positive ? " > 0" : "");
    out[i] = x;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parse(Ctx *c, struct json_object *root, RslSegModelCard *card)
{
  struct json_object *v;
  PetscInt            inch = 0;
  PetscBool           hm, hs;

  PetscFunctionBegin;
  RSLCHECK(c->comm, json_object_is_type(root, json_type_object), "-seg_model %s: not a JSON object", c->path);
  PetscCall(member(c, root, "arch", json_type_string, &v));
  if (v) {
    RSLCHECK(c->comm, (size_t)json_object_get_string_len(v) < sizeof card->arch, "-seg_model %s: \"arch\" too long", c->path);
    PetscCall(PetscStrncpy(card->arch, json_object_get_string(v), sizeof card->arch));
  }
  PetscCall(member(c, root, "width_mult", json_type_double, &v));
  if (v) {
    card->width = json_object_get_double(v);
    RSLCHECK(c->comm, isfinite(card->width) && card->width > 0 && card->width <= 4, "-seg_model %s: \"width_mult\" = %g: must be in (0, 4]", c->path, (double)card->width);
  }
  PetscCall(get_int(c, root, "classes", 1, 255, &card->classes));
  PetscCall(get_int(c, root, "in_channels", 1, RSL_SEG_MAX_BANDS, &inch));
  PetscCall(member(c, root, "bands", json_type_array, &v));
  RSLCHECK(c->comm, v, "-seg_model %s: no \"bands\" (the model's input bands in order, e.g. [\"R\", \"G\", \"B\", \"NIR\", \"nDSM\"])", c->path);
  card->nbands = (PetscInt)json_object_array_length(v);
  RSLCHECK(c->comm, card->nbands >= 1 && card->nbands <= RSL_SEG_MAX_BANDS, "-seg_model %s: \"bands\" has %" PetscInt_FMT " entries: 1..%d expected", c->path, card->nbands, RSL_SEG_MAX_BANDS);
  RSLCHECK(c->comm, !inch || inch == card->nbands, "-seg_model %s: \"in_channels\" = %" PetscInt_FMT " but \"bands\" names %" PetscInt_FMT, c->path, inch, card->nbands);
  for (PetscInt i = 0; i < card->nbands; i++) {
    struct json_object *e = json_object_array_get_idx(v, (size_t)i);
    RSLCHECK(c->comm, json_object_is_type(e, json_type_string) && json_object_get_string_len(e) > 0, "-seg_model %s: \"bands\" entry %" PetscInt_FMT " must be a non-empty string", c->path, i + 1);
    PetscCall(PetscStrncpy(card->band_name[i], json_object_get_string(e), sizeof card->band_name[i]));
    card->band[i] = RslSegBandFromName(card->band_name[i]);
    for (PetscInt j = 0; j < i; j++) RSLCHECK(c->comm, card->band[i] == RSL_BAND_OTHER || card->band[j] != card->band[i], "-seg_model %s: \"bands\" names %s twice", c->path, RslSegBandName(card->band[i]));
  }
  PetscCall(get_norm(c, root, "norm_mean", card->nbands, PETSC_FALSE, card->mean, &hm));
  PetscCall(get_norm(c, root, "norm_std", card->nbands, PETSC_TRUE, card->std, &hs));
  RSLCHECK(c->comm, hm == hs, "-seg_model %s: \"norm_mean\" and \"norm_std\" go together", c->path);
  for (PetscInt i = 0; !hm && i < card->nbands; i++) {
    RSLCHECK(c->comm, card->band[i] != RSL_BAND_OTHER, "-seg_model %s: band '%s' has no FLAIR default normalisation: give \"norm_mean\" and \"norm_std\"", c->path, card->band_name[i]);
    RslSegBandFlairNorm(card->band[i], &card->mean[i], &card->std[i]);
  }
  PetscCall(get_path(c, root, "weights", card->weights, sizeof card->weights));
  if (!card->weights[0]) { /* the card's name with .safetensors */
    const char *dot = strrchr(c->path, '.'), *slash = strrchr(c->path, '/');
    size_t      n   = dot && (!slash || dot > slash) ? (size_t)(dot - c->path) : strlen(c->path);
    PetscCall(PetscSNPrintf(card->weights, sizeof card->weights, "%.*s.safetensors", (int)n, c->path));
  }
  PetscCall(get_path(c, root, "int8_calibration", card->calibration, sizeof card->calibration));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode RslSegModelCardRead(MPI_Comm comm, const char path[], RslSegModelCard *card)
{
  Ctx                 c = {comm, path};
  char               *text;
  struct json_tokener *tok;
  struct json_object  *root;
  size_t               len, end;
  PetscErrorCode       ierr;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(card, sizeof *card));
  PetscCall(RslReadTextFile(comm, "-seg_model", path, &text));
  len = strlen(text);
  tok = json_tokener_new();
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  root = json_tokener_parse_ex(tok, text, (int)len);
  {
    enum json_tokener_error e = json_tokener_get_error(tok);
    end                       = json_tokener_get_parse_end(tok);
    while (end < len && isspace((unsigned char)text[end])) end++;
    if (!root || e != json_tokener_success || end != len) {
      char msg[PETSC_MAX_PATH_LEN + 128];
      PetscCall(PetscSNPrintf(msg, sizeof msg, "-seg_model %s: not a JSON model card (%s at byte %zu)", path, !root || e != json_tokener_success ? json_tokener_error_desc(e) : "text after the object", end));
      json_object_put(root);
      json_tokener_free(tok);
      PetscCall(PetscFree(text));
      RSLCHECK(comm, 0, "%s", msg);
    }
  }
  json_tokener_free(tok);
  PetscCall(PetscFree(text));
  ierr = parse(&c, root, card);
  json_object_put(root);
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}
