/* canopy-dbc-parser.c — reads the sections of a DBC file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-error.h"

#include "canopy-dbc-lexer.h"
#include "canopy-dbc-private.h"

/* Bounds for untrusted input. */
#define MAX_TEXT_LEN      (1024 * 1024)

typedef enum
{
  ATTR_OBJECT_NETWORK,
  ATTR_OBJECT_NODE,
  ATTR_OBJECT_MESSAGE,
  ATTR_OBJECT_SIGNAL,
  ATTR_OBJECT_ENV,
} AttrObject;

typedef struct
{
  AttrObject  object;
  gboolean    is_enum;
  GStrv       labels;
  char       *default_value;
} AttrDef;

typedef struct
{
  DbcLexer          lex;
  CanopyDatabase   *db;
  GPtrArray        *messages;          /* CanopyMessageDef, owned */
  GArray           *message_lines;
  GHashTable       *by_dbc_id;         /* guint32 DBC id → CanopyMessageDef */
  GHashTable       *attr_defs;         /* name → AttrDef */
  GHashTable       *network_attrs;     /* name → value */
  CanopyMessageDef *current;           /* the BO_ that SG_ lines belong to */
  gboolean          skipping_message;  /* its BO_ was damaged or ignored */
  char             *version;
  GPtrArray        *nodes;
  char             *comment;
  GString          *problem;
  GHashTable       *skipped_signals;   /* "id/name" of signals skipped as damaged */
  gboolean          silent;            /* the failure refers to one of them */
} Parser;

static void
attr_def_free (gpointer data)
{
  AttrDef *def = data;

  g_strfreev (def->labels);
  g_free (def->default_value);
  g_free (def);
}

static const char * const statement_keywords[] = {
  "VERSION", "NS_", "BS_", "BU_", "BO_", "SG_", "CM_", "BA_DEF_", "BA_DEF_DEF_",
  "BA_", "VAL_", "VAL_TABLE_", "SIG_VALTYPE_", "BO_TX_BU_", "SIG_GROUP_",
  "SG_MUL_VAL_", "EV_", "ENVVAR_DATA_", "SGTYPE_", "SGTYPE_VAL_", "BA_DEF_SGTYPE_",
  "BA_SGTYPE_", "SIG_TYPE_REF_", "BA_DEF_REL_", "BA_REL_", "BA_DEF_DEF_REL_",
  "BU_SG_REL_", "BU_EV_REL_", "BU_BO_REL_", "CAT_DEF_", "CAT_", "FILTER",
  "EV_DATA_", "SIG_TYPE_REF_",
};

/* Known sections that carry nothing Canopy uses; skipped without a count. */
static const char * const ignored_keywords[] = {
  "EV_", "ENVVAR_DATA_", "SGTYPE_", "SGTYPE_VAL_", "BA_DEF_SGTYPE_", "BA_SGTYPE_",
  "SIG_TYPE_REF_", "BA_DEF_REL_", "BA_REL_", "BA_DEF_DEF_REL_", "BU_SG_REL_",
  "BU_EV_REL_", "BU_BO_REL_", "CAT_DEF_", "CAT_", "FILTER", "EV_DATA_",
};

static gboolean
is_keyword (const DbcToken     *tok,
            const char * const *list,
            gsize               n)
{
  if (tok->kind != DBC_TOKEN_IDENT)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (_canopy_dbc_token_is (tok, list[i]))
      return TRUE;
  return FALSE;
}

static inline gboolean
at_statement (const DbcToken *tok)
{
  return tok->kind == DBC_TOKEN_EOF ||
         (tok->first_on_line && is_keyword (tok, statement_keywords, G_N_ELEMENTS (statement_keywords)));
}

#define TOK(parser) (&(parser)->lex.tok)

static inline void
advance (Parser *parser)
{
  _canopy_dbc_lexer_next (&parser->lex);
}

/* Records why the statement failed; always FALSE. */
static gboolean G_GNUC_PRINTF (2, 3)
fail (Parser     *parser,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_string_vprintf (parser->problem, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
expected (Parser     *parser,
          const char *what)
{
  g_autofree char *found = _canopy_dbc_token_describe (TOK (parser));

  return fail (parser, "expected %s, found %s", what, found);
}

static gboolean
expect_punct (Parser *parser,
              char    c)
{
  char what[8] = { '"', c, '"', 0 };

  if (!_canopy_dbc_token_is_punct (TOK (parser), c))
    return expected (parser, what);
  advance (parser);
  return TRUE;
}

static gboolean
take_ident (Parser  *parser,
            char   **out)
{
  if (TOK (parser)->kind != DBC_TOKEN_IDENT)
    return expected (parser, "a name");
  *out = _canopy_dbc_token_dup (TOK (parser));
  advance (parser);
  return TRUE;
}

static gboolean
take_string (Parser  *parser,
             char   **out)
{
  if (TOK (parser)->kind != DBC_TOKEN_STRING)
    return expected (parser, "a quoted string");
  if (TOK (parser)->unterminated)
    return fail (parser, "a string that starts here is never closed");
  if (TOK (parser)->len > MAX_TEXT_LEN)
    return fail (parser, "a string longer than %d bytes", MAX_TEXT_LEN);
  *out = _canopy_dbc_token_dup_text (TOK (parser));
  advance (parser);
  return TRUE;
}

static gboolean
take_double (Parser *parser,
             double *out)
{
  if (!_canopy_dbc_token_double (TOK (parser), out) || !isfinite (*out))
    return expected (parser, "a number");
  advance (parser);
  return TRUE;
}

static gboolean
take_uint (Parser  *parser,
           guint64  max,
           guint64 *out)
{
  if (!_canopy_dbc_token_uint (TOK (parser), max, out))
    {
      g_autofree char *what = g_strdup_printf ("a whole number up to %" G_GUINT64_FORMAT, max);
      return expected (parser, what);
    }
  advance (parser);
  return TRUE;
}

static gboolean
end_statement (Parser *parser)
{
  return expect_punct (parser, ';');
}

/* Skips a statement that ends with ';' (strings may hold ';'). */
static void
skip_to_semicolon (Parser *parser)
{
  while (TOK (parser)->kind != DBC_TOKEN_EOF && !_canopy_dbc_token_is_punct (TOK (parser), ';'))
    advance (parser);
  if (TOK (parser)->kind != DBC_TOKEN_EOF)
    advance (parser);
}

static void
skip_line (Parser *parser)
{
  do
    advance (parser);
  while (!TOK (parser)->first_on_line && TOK (parser)->kind != DBC_TOKEN_EOF);
}

/* g_strv_builder_take() is GLib 2.80. */
static void
strv_builder_take (GStrvBuilder *builder,
                   char         *text)
{
  g_strv_builder_add (builder, text);
  g_free (text);
}

static CanopyMessageDef *
find_message (Parser  *parser,
              guint64  dbc_id)
{
  if (dbc_id > G_MAXUINT32)
    return NULL;
  return g_hash_table_lookup (parser->by_dbc_id, GUINT_TO_POINTER ((guint32) dbc_id));
}

static gboolean
take_message (Parser            *parser,
              CanopyMessageDef **out)
{
  guint64 id;

  if (!take_uint (parser, G_MAXUINT32, &id))
    return FALSE;
  if ((*out = find_message (parser, id)) == NULL)
    return fail (parser, "no message has the id %" G_GUINT64_FORMAT, id);
  return TRUE;
}

static gboolean
take_signal (Parser            *parser,
             CanopyMessageDef **message,
             CanopySignalDef  **signal)
{
  g_autofree char *name = NULL;

  if (!take_message (parser, message) || !take_ident (parser, &name))
    return FALSE;
  if ((*signal = g_hash_table_lookup ((*message)->signals_by_name, name)) == NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s/%s", (*message)->name, name);

      /* That signal was already counted as damaged: not again. */
      parser->silent = g_hash_table_contains (parser->skipped_signals, key);
      return fail (parser, "message %s has no signal %s", (*message)->name, name);
    }
  return TRUE;
}

/* VERSION "text" */
static gboolean
parse_version (Parser *parser)
{
  g_clear_pointer (&parser->version, g_free);
  return take_string (parser, &parser->version);
}

/* NS_ : followed by indented names, which are section keywords themselves. */
static gboolean
parse_new_symbols (Parser *parser)
{
  do
    advance (parser);
  while (TOK (parser)->kind != DBC_TOKEN_EOF &&
         !(TOK (parser)->first_on_line &&
           (TOK (parser)->column == 1 || _canopy_dbc_token_is (TOK (parser), "BS_") ||
            _canopy_dbc_token_is (TOK (parser), "BU_") || _canopy_dbc_token_is (TOK (parser), "BO_"))));
  return TRUE;
}

/* BU_ : node node … (to the end of the line) */
static gboolean
parse_nodes (Parser *parser)
{
  if (!expect_punct (parser, ':'))
    return FALSE;
  while (TOK (parser)->kind == DBC_TOKEN_IDENT && !at_statement (TOK (parser)))
    {
      g_ptr_array_add (parser->nodes, _canopy_dbc_token_dup (TOK (parser)));
      advance (parser);
    }
  return TRUE;
}

/* (number "text")* ; — for VAL_ and VAL_TABLE_ */
static gboolean
parse_value_texts (Parser  *parser,
                   GArray **out)
{
  g_autoptr(GArray) texts = g_array_new (FALSE, FALSE, sizeof (CanopyValueText));

  while (TOK (parser)->kind == DBC_TOKEN_NUMBER)
    {
      CanopyValueText entry;
      double value;

      if (!_canopy_dbc_token_int (TOK (parser), &entry.raw))
        {
          /* Some files write 1.0 or a huge unsigned value. */
          if (!_canopy_dbc_token_double (TOK (parser), &value) || !(fabs (value) < 9.2e18))
            return expected (parser, "a whole number");
          entry.raw = (gint64) value;
        }
      advance (parser);
      if (!take_string (parser, &entry.text))
        goto failed;
      g_array_append_val (texts, entry);
    }
  if (!end_statement (parser))
    goto failed;

  *out = g_steal_pointer (&texts);
  return TRUE;

failed:
  for (guint i = 0; i < texts->len; i++)
    g_free (g_array_index (texts, CanopyValueText, i).text);
  return FALSE;
}

static int
compare_value_texts (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = ((const CanopyValueText *) a)->raw;
  gint64 y = ((const CanopyValueText *) b)->raw;

  return x < y ? -1 : x > y;
}

/* Sorted by raw value; of two texts for one value the later wins. */
static CanopyValueText *
sorted_texts (GArray *texts,
              guint  *n)
{
  guint kept = 0;

  g_array_sort (texts, compare_value_texts);
  for (guint i = 0; i < texts->len; i++)
    {
      CanopyValueText *entry = &g_array_index (texts, CanopyValueText, i);

      if (kept > 0 && g_array_index (texts, CanopyValueText, kept - 1).raw == entry->raw)
        {
          g_free (g_array_index (texts, CanopyValueText, kept - 1).text);
          g_array_index (texts, CanopyValueText, kept - 1) = *entry;
          continue;
        }
      g_array_index (texts, CanopyValueText, kept++) = *entry;
    }
  *n = kept;
  return (CanopyValueText *) g_array_free (texts, FALSE);
}

/* VAL_TABLE_ name (number "text")* ; */
static gboolean
parse_value_table (Parser *parser)
{
  g_autofree char *name = NULL;
  GArray *texts = NULL;
  CanopyValueText *sorted;
  guint n;

  if (!take_ident (parser, &name) || !parse_value_texts (parser, &texts))
    return FALSE;
  sorted = sorted_texts (texts, &n);
  _canopy_database_add_value_table (parser->db, name, sorted, n);
  return TRUE;
}

/* VAL_ id signal (number "text")* ;  (VAL_ of an environment variable is
 * skipped). */
static gboolean
parse_values (Parser *parser)
{
  CanopyMessageDef *message;
  CanopySignalDef *signal;
  GArray *texts = NULL;

  if (TOK (parser)->kind == DBC_TOKEN_IDENT)
    {
      skip_to_semicolon (parser);
      return TRUE;
    }
  if (!take_signal (parser, &message, &signal) || !parse_value_texts (parser, &texts))
    return FALSE;

  for (guint i = 0; i < signal->n_value_texts; i++)
    g_free (signal->value_texts[i].text);
  g_free (signal->value_texts);
  signal->value_texts = sorted_texts (texts, &signal->n_value_texts);
  return TRUE;
}

/* BO_ id name : size sender */
static gboolean
parse_message (Parser *parser)
{
  g_autofree char *name = NULL;
  g_autofree char *sender = NULL;
  CanopyMessageDef *message;
  guint line = TOK (parser)->line;
  guint64 id, size;

  parser->current = NULL;
  parser->skipping_message = TRUE;

  if (!take_uint (parser, G_MAXUINT32, &id) || !take_ident (parser, &name) ||
      !expect_punct (parser, ':') || !take_uint (parser, G_MAXUINT32, &size))
    return FALSE;
  if (TOK (parser)->kind == DBC_TOKEN_IDENT && !TOK (parser)->first_on_line)
    take_ident (parser, &sender);

  /* Vector's holder of signals that belong to no message. */
  if (g_str_equal (name, "VECTOR__INDEPENDENT_SIG_MSG"))
    return TRUE;
  if (size > CANOPY_MESSAGE_MAX_DATA)
    return fail (parser, "message %s is %" G_GUINT64_FORMAT " bytes long; CAN FD carries at most 64", name, size);
  if ((id & 0x80000000u) ? (id & 0x7FFFFFFFu) > 0x1FFFFFFFu : id > 0x7FF)
    return fail (parser, "message %s has the id %" G_GUINT64_FORMAT ", which is not a CAN identifier", name, id);
  if (find_message (parser, id) != NULL)
    return fail (parser, "the id %" G_GUINT64_FORMAT " of message %s is already message %s's",
                 id, name, find_message (parser, id)->name);

  message = _canopy_message_def_new (name, (guint32) id, (guint) size);
  message->sender = g_steal_pointer (&sender);
  g_ptr_array_add (parser->messages, message);
  g_array_append_val (parser->message_lines, line);
  g_hash_table_insert (parser->by_dbc_id, GUINT_TO_POINTER ((guint32) id), message);
  parser->current = message;
  parser->skipping_message = FALSE;
  return TRUE;
}

/* The multiplexing mark of an SG_ line: M, mN or mNM. */
static gboolean
parse_mux_mark (const DbcToken  *tok,
                CanopySignalDef *signal)
{
  const char *s = tok->start;
  gsize len = tok->len;
  guint64 value = 0;
  gsize i = 1;

  if (len == 1 && s[0] == 'M')
    {
      signal->is_multiplexor = TRUE;
      return TRUE;
    }
  if (len < 2 || s[0] != 'm')
    return FALSE;
  for (; i < len && g_ascii_isdigit (s[i]); i++)
    {
      if (value > G_MAXUINT32)
        return FALSE;
      value = value * 10 + (s[i] - '0');
    }
  if (i == 1)
    return FALSE;
  if (i < len)
    {
      if (i + 1 != len || s[i] != 'M')
        return FALSE;
      signal->is_multiplexor = TRUE;
    }
  signal->n_mux_ranges = 1;
  signal->mux_ranges = g_new (CanopyMuxRange, 1);
  signal->mux_ranges[0].low = signal->mux_ranges[0].high = value;
  return TRUE;
}

/* SG_ name [mux] : start|length@order sign (factor,offset) [min|max] "unit" receivers */
static gboolean
parse_signal (Parser *parser)
{
  g_autoptr(CanopySignalDef) signal = NULL;
  g_autoptr(GPtrArray) receivers = NULL;
  g_autofree char *name = NULL;
  guint64 start, length, order;

  if (parser->current == NULL)
    {
      skip_line (parser);
      if (parser->skipping_message)
        return TRUE;
      return fail (parser, "a signal outside a message");
    }

  if (!take_ident (parser, &name))
    return FALSE;
  signal = _canopy_signal_def_new (name);

  if (TOK (parser)->kind == DBC_TOKEN_IDENT)
    {
      if (!parse_mux_mark (TOK (parser), signal))
        return expected (parser, "a multiplexing mark (M, mN or mNM) or “:”");
      advance (parser);
    }

  if (!expect_punct (parser, ':') ||
      !take_uint (parser, 511, &start) || !expect_punct (parser, '|') ||
      !take_uint (parser, 64, &length) || !expect_punct (parser, '@') ||
      !take_uint (parser, 1, &order))
    return FALSE;
  if (_canopy_dbc_token_is_punct (TOK (parser), '+'))
    signal->is_signed = FALSE;
  else if (_canopy_dbc_token_is_punct (TOK (parser), '-'))
    signal->is_signed = TRUE;
  else
    return expected (parser, "“+” or “-”");
  advance (parser);

  if (!expect_punct (parser, '(') || !take_double (parser, &signal->factor) ||
      !expect_punct (parser, ',') || !take_double (parser, &signal->offset) ||
      !expect_punct (parser, ')') ||
      !expect_punct (parser, '[') || !take_double (parser, &signal->minimum) ||
      !expect_punct (parser, '|') || !take_double (parser, &signal->maximum) ||
      !expect_punct (parser, ']'))
    return FALSE;

  g_free (signal->unit);
  signal->unit = NULL;
  if (!take_string (parser, &signal->unit))
    return FALSE;

  receivers = g_ptr_array_new_with_free_func (g_free);
  while (!TOK (parser)->first_on_line && TOK (parser)->kind != DBC_TOKEN_EOF)
    {
      if (TOK (parser)->kind == DBC_TOKEN_IDENT)
        g_ptr_array_add (receivers, _canopy_dbc_token_dup (TOK (parser)));
      else if (!_canopy_dbc_token_is_punct (TOK (parser), ','))
        return expected (parser, "a receiving node");
      advance (parser);
    }
  g_ptr_array_add (receivers, NULL);
  g_ptr_array_set_free_func (receivers, NULL);
  signal->receivers = (GStrv) g_ptr_array_free (g_steal_pointer (&receivers), FALSE);

  signal->start_bit = (guint16) start;
  signal->length = (guint16) length;
  signal->byte_order = order == 1 ? CANOPY_BYTE_ORDER_LITTLE_ENDIAN : CANOPY_BYTE_ORDER_BIG_ENDIAN;

  if (length == 0)
    return fail (parser, "signal %s has no bits", name);
  if (!_canopy_signal_def_compute_layout (signal, parser->current->size))
    g_hash_table_add (parser->skipped_signals, g_strdup_printf ("%s/%s", parser->current->name, name));
  if (!_canopy_signal_def_compute_layout (signal, parser->current->size))
    return fail (parser, "signal %s (start bit %u, %u bits, %s) does not fit in message %s of %u bytes",
                 name, signal->start_bit, signal->length, order == 1 ? "Intel" : "Motorola",
                 parser->current->name, parser->current->size);
  if (g_hash_table_contains (parser->current->signals_by_name, name))
    return fail (parser, "message %s has two signals named %s", parser->current->name, name);

  _canopy_message_def_add_signal (parser->current, g_steal_pointer (&signal));
  return TRUE;
}

/* CM_ [BU_ node | BO_ id | SG_ id signal | EV_ name] "text" ; */
static gboolean
parse_comment (Parser *parser)
{
  g_autofree char *text = NULL;
  char **target = NULL;

  if (_canopy_dbc_token_is (TOK (parser), "BO_"))
    {
      CanopyMessageDef *message;

      advance (parser);
      if (!take_message (parser, &message))
        return FALSE;
      target = &message->comment;
    }
  else if (_canopy_dbc_token_is (TOK (parser), "SG_"))
    {
      CanopyMessageDef *message;
      CanopySignalDef *signal;

      advance (parser);
      if (!take_signal (parser, &message, &signal))
        return FALSE;
      target = &signal->comment;
    }
  else if (_canopy_dbc_token_is (TOK (parser), "BU_") || _canopy_dbc_token_is (TOK (parser), "EV_"))
    {
      advance (parser);
      advance (parser);
    }
  else if (TOK (parser)->kind == DBC_TOKEN_STRING)
    {
      target = &parser->comment;
    }
  else
    {
      return expected (parser, "BU_, BO_, SG_, EV_ or a string");
    }

  if (!take_string (parser, &text) || !end_statement (parser))
    return FALSE;
  if (target != NULL)
    {
      g_free (*target);
      *target = g_steal_pointer (&text);
    }
  return TRUE;
}

static gboolean
take_attr_object (Parser     *parser,
                  AttrObject *object)
{
  static const char * const names[] = { NULL, "BU_", "BO_", "SG_", "EV_" };

  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    if (_canopy_dbc_token_is (TOK (parser), names[i]))
      {
        *object = i;
        advance (parser);
        return TRUE;
      }
  *object = ATTR_OBJECT_NETWORK;
  return TRUE;
}

/* BA_DEF_ [object] "name" INT|HEX|FLOAT min max | STRING | ENUM "a","b" ; */
static gboolean
parse_attribute_definition (Parser *parser)
{
  g_autofree char *name = NULL;
  AttrDef *def;
  AttrObject object;

  if (!take_attr_object (parser, &object) || !take_string (parser, &name))
    return FALSE;

  def = g_new0 (AttrDef, 1);
  def->object = object;
  if (_canopy_dbc_token_is (TOK (parser), "ENUM"))
    {
      g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();

      def->is_enum = TRUE;
      advance (parser);
      while (TOK (parser)->kind == DBC_TOKEN_STRING)
        {
          char *label = NULL;

          if (!take_string (parser, &label))
            break;
          strv_builder_take (labels, label);
          if (_canopy_dbc_token_is_punct (TOK (parser), ','))
            advance (parser);
        }
      def->labels = g_strv_builder_end (labels);
    }
  else if (TOK (parser)->kind != DBC_TOKEN_IDENT)
    {
      attr_def_free (def);
      return expected (parser, "INT, HEX, FLOAT, STRING or ENUM");
    }
  /* The limits of INT, HEX and FLOAT are not enforced on values. */
  while (TOK (parser)->kind != DBC_TOKEN_EOF && !_canopy_dbc_token_is_punct (TOK (parser), ';') &&
         !at_statement (TOK (parser)))
    advance (parser);

  g_hash_table_replace (parser->attr_defs, g_steal_pointer (&name), def);
  return end_statement (parser);
}

/* An attribute value as text: enumerations give their label. */
static gboolean
take_attr_value (Parser      *parser,
                 const char  *name,
                 char       **out)
{
  AttrDef *def = g_hash_table_lookup (parser->attr_defs, name);

  if (TOK (parser)->kind == DBC_TOKEN_STRING)
    return take_string (parser, out);
  if (TOK (parser)->kind != DBC_TOKEN_NUMBER)
    return expected (parser, "an attribute value");

  if (def != NULL && def->is_enum)
    {
      guint64 index;

      if (_canopy_dbc_token_uint (TOK (parser), G_MAXUINT32, &index) &&
          index < g_strv_length (def->labels))
        {
          *out = g_strdup (def->labels[index]);
          advance (parser);
          return TRUE;
        }
    }
  *out = _canopy_dbc_token_dup (TOK (parser));
  advance (parser);
  return TRUE;
}

/* BA_DEF_DEF_ "name" value ; */
static gboolean
parse_attribute_default (Parser *parser)
{
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  AttrDef *def;

  if (!take_string (parser, &name) || !take_attr_value (parser, name, &value) ||
      !end_statement (parser))
    return FALSE;
  if ((def = g_hash_table_lookup (parser->attr_defs, name)) == NULL)
    return fail (parser, "a default for attribute %s, which BA_DEF_ does not define", name);

  g_free (def->default_value);
  def->default_value = g_steal_pointer (&value);
  return TRUE;
}

/* BA_ "name" [BU_ node | BO_ id | SG_ id signal | EV_ name] value ; */
static gboolean
parse_attribute (Parser *parser)
{
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  CanopyMessageDef *message = NULL;
  CanopySignalDef *signal = NULL;
  AttrObject object;

  if (!take_string (parser, &name) || !take_attr_object (parser, &object))
    return FALSE;

  switch (object)
    {
    case ATTR_OBJECT_MESSAGE:
      if (!take_message (parser, &message))
        return FALSE;
      break;
    case ATTR_OBJECT_SIGNAL:
      if (!take_signal (parser, &message, &signal))
        return FALSE;
      break;
    case ATTR_OBJECT_NODE:
    case ATTR_OBJECT_ENV:
      advance (parser);
      break;
    case ATTR_OBJECT_NETWORK:
    default:
      break;
    }

  if (!take_attr_value (parser, name, &value) || !end_statement (parser))
    return FALSE;

  if (signal != NULL)
    _canopy_signal_def_set_attribute (signal, name, value);
  else if (message != NULL)
    _canopy_message_def_set_attribute (message, name, value);
  else if (object == ATTR_OBJECT_NETWORK)
    g_hash_table_replace (parser->network_attrs, g_steal_pointer (&name), g_steal_pointer (&value));
  return TRUE;
}

/* SIG_VALTYPE_ id signal : 0|1|2 ; */
static gboolean
parse_signal_value_type (Parser *parser)
{
  CanopyMessageDef *message;
  CanopySignalDef *signal;
  guint64 type;

  if (!take_signal (parser, &message, &signal))
    return FALSE;
  if (_canopy_dbc_token_is_punct (TOK (parser), ':'))
    advance (parser);
  if (!take_uint (parser, 3, &type) || !end_statement (parser))
    return FALSE;

  if (type == 1 || type == 2)
    {
      guint bits = type == 1 ? 32 : 64;

      if (signal->length != bits)
        return fail (parser, "signal %s is %s but has %u bits, not %u", signal->name,
                     type == 1 ? "a float" : "a double", signal->length, bits);
      signal->value_type = type == 1 ? CANOPY_SIGNAL_VALUE_TYPE_FLOAT : CANOPY_SIGNAL_VALUE_TYPE_DOUBLE;
    }
  else
    {
      signal->value_type = CANOPY_SIGNAL_VALUE_TYPE_INTEGER;
    }
  return TRUE;
}

/* BO_TX_BU_ id : node , node ; */
static gboolean
parse_transmitters (Parser *parser)
{
  g_autoptr(GStrvBuilder) nodes = g_strv_builder_new ();
  CanopyMessageDef *message;

  if (!take_message (parser, &message) || !expect_punct (parser, ':'))
    return FALSE;
  while (TOK (parser)->kind == DBC_TOKEN_IDENT || _canopy_dbc_token_is_punct (TOK (parser), ','))
    {
      if (TOK (parser)->kind == DBC_TOKEN_IDENT)
        strv_builder_take (nodes, _canopy_dbc_token_dup (TOK (parser)));
      advance (parser);
    }
  if (!end_statement (parser))
    return FALSE;

  g_strfreev (message->transmitters);
  message->transmitters = g_strv_builder_end (nodes);
  return TRUE;
}

/* SIG_GROUP_ id name repetitions : signal signal … ; */
static gboolean
parse_signal_group (Parser *parser)
{
  g_autoptr(GStrvBuilder) members = g_strv_builder_new ();
  g_autofree char *name = NULL;
  CanopyMessageDef *message;
  guint64 repetitions;

  if (!take_message (parser, &message) || !take_ident (parser, &name) ||
      !take_uint (parser, G_MAXUINT32, &repetitions) || !expect_punct (parser, ':'))
    return FALSE;
  while (TOK (parser)->kind == DBC_TOKEN_IDENT)
    {
      strv_builder_take (members, _canopy_dbc_token_dup (TOK (parser)));
      advance (parser);
    }
  if (!end_statement (parser))
    return FALSE;

  if (message->signal_groups == NULL)
    message->signal_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) g_strfreev);
  g_hash_table_replace (message->signal_groups, g_steal_pointer (&name), g_strv_builder_end (members));
  return TRUE;
}

/* SG_MUL_VAL_ id signal switch low-high, low-high ; — the lexer reads
 * "0-3" as 0 and -3, so each range is one or two number tokens. */
static gboolean
parse_extended_multiplexing (Parser *parser)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (CanopyMuxRange));
  g_autofree char *switch_name = NULL;
  CanopyMessageDef *message;
  CanopySignalDef *signal;

  if (!take_signal (parser, &message, &signal) || !take_ident (parser, &switch_name))
    return FALSE;

  while (TOK (parser)->kind == DBC_TOKEN_NUMBER)
    {
      CanopyMuxRange range;
      gint64 high;

      if (!take_uint (parser, G_MAXUINT32, &range.low))
        return FALSE;
      if (_canopy_dbc_token_is_punct (TOK (parser), '-'))
        advance (parser);
      if (!_canopy_dbc_token_int (TOK (parser), &high) ||
          high < -(gint64) G_MAXUINT32 || high > (gint64) G_MAXUINT32)
        return expected (parser, "the end of a range");
      advance (parser);
      range.high = (guint64) ABS (high);
      if (range.high < range.low)
        return fail (parser, "the range %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT " is empty",
                     range.low, range.high);
      g_array_append_val (ranges, range);
      if (_canopy_dbc_token_is_punct (TOK (parser), ','))
        advance (parser);
    }
  if (!end_statement (parser))
    return FALSE;
  if (ranges->len == 0)
    return fail (parser, "no multiplexor values for signal %s", signal->name);

  /* Several SG_MUL_VAL_ lines for one signal add up. */
  if (signal->mux_switch_name == NULL || !g_str_equal (signal->mux_switch_name, switch_name))
    {
      g_free (signal->mux_ranges);
      signal->mux_ranges = NULL;
      signal->n_mux_ranges = 0;
      g_free (signal->mux_switch_name);
      signal->mux_switch_name = g_steal_pointer (&switch_name);
    }
  signal->mux_ranges = g_renew (CanopyMuxRange, signal->mux_ranges, signal->n_mux_ranges + ranges->len);
  memcpy (signal->mux_ranges + signal->n_mux_ranges, ranges->data, ranges->len * sizeof (CanopyMuxRange));
  signal->n_mux_ranges += ranges->len;
  return TRUE;
}

static gboolean
parse_statement (Parser *parser)
{
  DbcToken keyword = *TOK (parser);

  advance (parser);

#define IS(name) _canopy_dbc_token_is (&keyword, name)
  if (IS ("SG_"))
    return parse_signal (parser);
  parser->current = NULL;
  parser->skipping_message = FALSE;
  if (IS ("BO_"))
    return parse_message (parser);
  if (IS ("VERSION"))
    return parse_version (parser);
  if (IS ("NS_"))
    return parse_new_symbols (parser);
  if (IS ("BS_"))
    {
      while (!at_statement (TOK (parser)))
        advance (parser);
      return TRUE;
    }
  if (IS ("BU_"))
    return parse_nodes (parser);
  if (IS ("CM_"))
    return parse_comment (parser);
  if (IS ("BA_DEF_"))
    return parse_attribute_definition (parser);
  if (IS ("BA_DEF_DEF_"))
    return parse_attribute_default (parser);
  if (IS ("BA_"))
    return parse_attribute (parser);
  if (IS ("VAL_"))
    return parse_values (parser);
  if (IS ("VAL_TABLE_"))
    return parse_value_table (parser);
  if (IS ("SIG_VALTYPE_"))
    return parse_signal_value_type (parser);
  if (IS ("BO_TX_BU_"))
    return parse_transmitters (parser);
  if (IS ("SIG_GROUP_"))
    return parse_signal_group (parser);
  if (IS ("SG_MUL_VAL_"))
    return parse_extended_multiplexing (parser);
#undef IS

  if (is_keyword (&keyword, ignored_keywords, G_N_ELEMENTS (ignored_keywords)))
    {
      skip_to_semicolon (parser);
      return TRUE;
    }

  {
    g_autofree char *found = _canopy_dbc_token_describe (&keyword);
    return fail (parser, "unknown section %s", found);
  }
}

static void
problem (Parser *parser,
         guint   line)
{
  _canopy_database_add_problem (parser->db, line, parser->problem->str);
}

/* Applies BA_DEF_DEF_ defaults, then reads the attributes Canopy acts on. */
static void
apply_attributes (Parser *parser)
{
  const char *protocol = g_hash_table_lookup (parser->network_attrs, "ProtocolType");
  gboolean j1939 = protocol != NULL && g_ascii_strncasecmp (protocol, "J1939", 5) == 0;
  GHashTableIter iter;
  gpointer key, value;

  for (guint m = 0; m < parser->messages->len; m++)
    {
      CanopyMessageDef *message = g_ptr_array_index (parser->messages, m);
      const char *text;

      g_hash_table_iter_init (&iter, parser->attr_defs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          AttrDef *def = value;

          if (def->default_value == NULL)
            continue;
          if (def->object == ATTR_OBJECT_MESSAGE && canopy_message_def_get_attribute (message, key) == NULL)
            _canopy_message_def_set_attribute (message, key, def->default_value);
          if (def->object == ATTR_OBJECT_SIGNAL)
            for (guint s = 0; s < message->signals->len; s++)
              {
                CanopySignalDef *signal = g_ptr_array_index (message->signals, s);

                if (canopy_signal_def_get_attribute (signal, key) == NULL)
                  _canopy_signal_def_set_attribute (signal, key, def->default_value);
              }
        }

      if ((text = canopy_message_def_get_attribute (message, "GenMsgCycleTime")) != NULL)
        {
          double ms = g_ascii_strtod (text, NULL);

          message->cycle_time_ms = ms > 0 && ms < G_MAXUINT32 ? (guint) ms : 0;
        }
      if ((text = canopy_message_def_get_attribute (message, "VFrameFormat")) != NULL)
        {
          if (strstr (text, "FD") != NULL)
            message->is_fd = TRUE;
          if (strstr (text, "J1939") != NULL)
            message->is_j1939 = TRUE;
        }
      if (j1939 && message->is_extended)
        message->is_j1939 = TRUE;

      for (guint s = 0; s < message->signals->len; s++)
        {
          CanopySignalDef *signal = g_ptr_array_index (message->signals, s);

          if ((text = canopy_signal_def_get_attribute (signal, "GenSigStartValue")) != NULL)
            {
              char *end;
              double start = g_ascii_strtod (text, &end);

              if (end != text && isfinite (start))
                {
                  signal->start_value = start;
                  signal->has_start_value = TRUE;
                }
            }
        }
    }

  g_hash_table_iter_init (&iter, parser->attr_defs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AttrDef *def = value;

      if (def->object == ATTR_OBJECT_NETWORK && def->default_value != NULL &&
          !g_hash_table_contains (parser->network_attrs, key))
        g_hash_table_insert (parser->network_attrs, g_strdup (key), g_strdup (def->default_value));
    }
}

/* A file that cannot be a DBC at all: empty, binary, or not starting with
 * one of its sections. */
static gboolean
check_usable (Parser  *parser,
              gsize    len,
              GError **error)
{
  const DbcToken *tok = TOK (parser);
  const char *nul = memchr (parser->lex.data, '\0', MIN (len, 4096));

  if (nul != NULL)
    {
      DbcLexer probe;

      /* Count lines up to the NUL for the position. */
      _canopy_dbc_lexer_init (&probe, parser->lex.data, nul - parser->lex.data);
      do
        _canopy_dbc_lexer_next (&probe);
      while (probe.tok.kind != DBC_TOKEN_EOF);
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "line %u, column %u: a NUL byte: this is not a DBC text file",
                   probe.line, (guint) (nul - probe.line_start) + 1);
      return FALSE;
    }

  if (tok->kind == DBC_TOKEN_EOF)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "line %u, column %u: the file is empty: a DBC file starts with VERSION, NS_, BU_ or BO_",
                   tok->line, tok->column);
      return FALSE;
    }

  if (!is_keyword (tok, statement_keywords, G_N_ELEMENTS (statement_keywords)))
    {
      g_autofree char *found = _canopy_dbc_token_describe (tok);

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "line %u, column %u: %s: this is not a DBC file (it starts with VERSION, NS_, BU_ or BO_)",
                   tok->line, tok->column, found);
      return FALSE;
    }

  return TRUE;
}

gboolean
_canopy_dbc_parse (CanopyDatabase  *db,
                   const char      *data,
                   gsize            len,
                   GError         **error)
{
  Parser parser = { 0 };
  gboolean ok = FALSE;
  g_autoptr(GStrvBuilder) nodes = g_strv_builder_new ();
  g_auto(GStrv) node_names = NULL;

  parser.db = db;
  parser.messages = g_ptr_array_new_with_free_func (g_object_unref);
  parser.message_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  parser.by_dbc_id = g_hash_table_new (NULL, NULL);
  parser.attr_defs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, attr_def_free);
  parser.network_attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  parser.nodes = g_ptr_array_new_with_free_func (g_free);
  parser.problem = g_string_new (NULL);
  parser.skipped_signals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  _canopy_dbc_lexer_init (&parser.lex, data, len);
  advance (&parser);

  if (!check_usable (&parser, len, error))
    goto out;

  while (TOK (&parser)->kind != DBC_TOKEN_EOF)
    {
      guint line = TOK (&parser)->line;

      gboolean parsed = TOK (&parser)->kind == DBC_TOKEN_IDENT;
      /* A damaged SG_ line loses that signal, not the rest of its message. */
      gboolean in_message = _canopy_dbc_token_is (TOK (&parser), "SG_") && parser.current != NULL;
      CanopyMessageDef *current = parser.current;
      const char *start = TOK (&parser)->start;

      if (parsed && parse_statement (&parser))
        continue;

      if (!parsed)
        {
          g_autofree char *found = _canopy_dbc_token_describe (TOK (&parser));

          g_string_printf (parser.problem, "%s where a section should start", found);
        }
      if (!parser.silent)
        problem (&parser, line);
      parser.silent = FALSE;
      g_string_truncate (parser.problem, 0);
      parser.current = in_message ? current : NULL;
      parser.skipping_message = !in_message;

      /* Resume at the next line that starts a section. */
      if (TOK (&parser)->start == start)
        advance (&parser);
      while (!at_statement (TOK (&parser)))
        advance (&parser);
    }

  apply_attributes (&parser);

  for (guint m = 0; m < parser.messages->len; m++)
    {
      CanopyMessageDef *message = g_ptr_array_index (parser.messages, m);

      if (!_canopy_message_def_resolve_multiplexing (message, parser.problem))
        problem (&parser, g_array_index (parser.message_lines, guint, m));
      _canopy_database_add_message (db, message);
    }

  for (guint i = 0; i < parser.nodes->len; i++)
    g_strv_builder_add (nodes, g_ptr_array_index (parser.nodes, i));
  node_names = g_strv_builder_end (nodes);
  {
    const char *protocol = g_hash_table_lookup (parser.network_attrs, "ProtocolType");

    _canopy_database_set_info (db, parser.version, node_names, parser.comment,
                               protocol != NULL && g_ascii_strncasecmp (protocol, "J1939", 5) == 0);
  }
  ok = TRUE;

out:
  g_string_free (parser.problem, TRUE);
  g_hash_table_unref (parser.skipped_signals);
  g_ptr_array_unref (parser.nodes);
  g_hash_table_unref (parser.network_attrs);
  g_hash_table_unref (parser.attr_defs);
  g_hash_table_unref (parser.by_dbc_id);
  g_array_unref (parser.message_lines);
  g_ptr_array_unref (parser.messages);
  g_free (parser.comment);
  g_free (parser.version);
  return ok;
}
