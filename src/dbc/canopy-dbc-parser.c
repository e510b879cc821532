/* canopy-dbc-parser.c — reads the sections of a DBC file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-error.h"

#include "canopy-dbc-parser-private.h"

const char * const _canopy_dbc_statement_keywords[] = {
  "VERSION", "NS_", "BS_", "BU_", "BO_", "SG_", "CM_", "BA_DEF_", "BA_DEF_DEF_",
  "BA_", "VAL_", "VAL_TABLE_", "SIG_VALTYPE_", "BO_TX_BU_", "SIG_GROUP_",
  "SG_MUL_VAL_", "EV_", "ENVVAR_DATA_", "SGTYPE_", "SGTYPE_VAL_", "BA_DEF_SGTYPE_",
  "BA_SGTYPE_", "SIG_TYPE_REF_", "BA_DEF_REL_", "BA_REL_", "BA_DEF_DEF_REL_",
  "BU_SG_REL_", "BU_EV_REL_", "BU_BO_REL_", "CAT_DEF_", "CAT_", "FILTER",
  "EV_DATA_",
};
const gsize _canopy_dbc_n_statement_keywords = G_N_ELEMENTS (_canopy_dbc_statement_keywords);

/* Known sections that carry nothing Canopy uses; skipped without a count. */
static const char * const ignored_keywords[] = {
  "EV_", "ENVVAR_DATA_", "SGTYPE_", "SGTYPE_VAL_", "BA_DEF_SGTYPE_", "BA_SGTYPE_",
  "SIG_TYPE_REF_", "BA_DEF_REL_", "BA_REL_", "BA_DEF_DEF_REL_", "BU_SG_REL_",
  "BU_EV_REL_", "BU_BO_REL_", "CAT_DEF_", "CAT_", "FILTER", "EV_DATA_",
};

gboolean
_canopy_dbc_is_keyword (const DbcToken     *tok,
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

gboolean
_canopy_dbc_at_statement (const DbcToken *tok)
{
  return tok->kind == DBC_TOKEN_EOF ||
         (tok->first_on_line && _canopy_dbc_is_keyword (tok, _canopy_dbc_statement_keywords, _canopy_dbc_n_statement_keywords));
}

/* Records why the statement failed; always FALSE. */
gboolean
_canopy_dbc_fail (Parser     *parser,
                  const char *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  g_string_vprintf (parser->problem, format, args);
  va_end (args);
  return FALSE;
}

gboolean
_canopy_dbc_expected (Parser     *parser,
                      const char *what)
{
  g_autofree char *found = _canopy_dbc_token_describe (TOK (parser));

  return _canopy_dbc_fail (parser, "expected %s, found %s", what, found);
}

gboolean
_canopy_dbc_expect_punct (Parser *parser,
                          char    c)
{
  char what[8] = { '"', c, '"', 0 };

  if (!_canopy_dbc_token_is_punct (TOK (parser), c))
    return _canopy_dbc_expected (parser, what);
  advance (parser);
  return TRUE;
}

gboolean
_canopy_dbc_take_ident (Parser  *parser,
                        char   **out)
{
  if (TOK (parser)->kind != DBC_TOKEN_IDENT)
    return _canopy_dbc_expected (parser, "a name");
  *out = _canopy_dbc_token_dup (TOK (parser));
  advance (parser);
  return TRUE;
}

gboolean
_canopy_dbc_take_string (Parser  *parser,
                         char   **out)
{
  if (TOK (parser)->kind != DBC_TOKEN_STRING)
    return _canopy_dbc_expected (parser, "a quoted string");
  if (TOK (parser)->unterminated)
    return _canopy_dbc_fail (parser, "a string that starts here is never closed");
  if (TOK (parser)->len > MAX_TEXT_LEN)
    return _canopy_dbc_fail (parser, "a string longer than %d bytes", MAX_TEXT_LEN);
  *out = _canopy_dbc_token_dup_text (TOK (parser));
  advance (parser);
  return TRUE;
}

gboolean
_canopy_dbc_take_double (Parser *parser,
                         double *out)
{
  if (!_canopy_dbc_token_double (TOK (parser), out) || !isfinite (*out))
    return _canopy_dbc_expected (parser, "a number");
  advance (parser);
  return TRUE;
}

gboolean
_canopy_dbc_take_uint (Parser  *parser,
                       guint64  max,
                       guint64 *out)
{
  if (!_canopy_dbc_token_uint (TOK (parser), max, out))
    {
      g_autofree char *what = g_strdup_printf ("a whole number up to %" G_GUINT64_FORMAT, max);
      return _canopy_dbc_expected (parser, what);
    }
  advance (parser);
  return TRUE;
}

gboolean
_canopy_dbc_end_statement (Parser *parser)
{
  return _canopy_dbc_expect_punct (parser, ';');
}

/* Skips a statement that ends with ';' (strings may hold ';'). */
void
_canopy_dbc_skip_to_semicolon (Parser *parser)
{
  while (TOK (parser)->kind != DBC_TOKEN_EOF && !_canopy_dbc_token_is_punct (TOK (parser), ';'))
    advance (parser);
  if (TOK (parser)->kind != DBC_TOKEN_EOF)
    advance (parser);
}

void
_canopy_dbc_skip_line (Parser *parser)
{
  do
    advance (parser);
  while (!TOK (parser)->first_on_line && TOK (parser)->kind != DBC_TOKEN_EOF);
}

/* g_strv_builder_take() is GLib 2.80. */
void
_canopy_dbc_strv_builder_take (GStrvBuilder *builder,
                               char         *text)
{
  g_strv_builder_add (builder, text);
  g_free (text);
}

CanopyMessageDef *
_canopy_dbc_find_message (Parser  *parser,
                          guint64  dbc_id)
{
  if (dbc_id > G_MAXUINT32)
    return NULL;
  return g_hash_table_lookup (parser->by_dbc_id, GUINT_TO_POINTER ((guint32) dbc_id));
}

gboolean
_canopy_dbc_take_message (Parser            *parser,
                          CanopyMessageDef **out)
{
  guint64 id;

  if (!_canopy_dbc_take_uint (parser, G_MAXUINT32, &id))
    return FALSE;
  if ((*out = _canopy_dbc_find_message (parser, id)) == NULL)
    return _canopy_dbc_fail (parser, "no message has the id %" G_GUINT64_FORMAT, id);
  return TRUE;
}

gboolean
_canopy_dbc_take_signal (Parser            *parser,
                         CanopyMessageDef **message,
                         CanopySignalDef  **signal)
{
  g_autofree char *name = NULL;

  if (!_canopy_dbc_take_message (parser, message) || !_canopy_dbc_take_ident (parser, &name))
    return FALSE;
  if ((*signal = g_hash_table_lookup ((*message)->signals_by_name, name)) == NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s/%s", (*message)->name, name);

      /* That signal was already counted as damaged: not again. */
      parser->silent = g_hash_table_contains (parser->skipped_signals, key);
      return _canopy_dbc_fail (parser, "message %s has no signal %s", (*message)->name, name);
    }
  return TRUE;
}

/* VERSION "text" */
static gboolean
parse_version (Parser *parser)
{
  g_clear_pointer (&parser->version, g_free);
  return _canopy_dbc_take_string (parser, &parser->version);
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
  if (!_canopy_dbc_expect_punct (parser, ':'))
    return FALSE;
  while (TOK (parser)->kind == DBC_TOKEN_IDENT && !_canopy_dbc_at_statement (TOK (parser)))
    {
      g_ptr_array_add (parser->nodes, _canopy_dbc_token_dup (TOK (parser)));
      advance (parser);
    }
  return TRUE;
}

static void
clear_value_text (gpointer data)
{
  g_free (((CanopyValueText *) data)->text);
}

/* (number "text")* ; — for VAL_ and VAL_TABLE_ */
static gboolean
parse_value_texts (Parser  *parser,
                   GArray **out)
{
  g_autoptr(GArray) texts = g_array_new (FALSE, FALSE, sizeof (CanopyValueText));

  /* Every way out but success frees the texts read so far. */
  g_array_set_clear_func (texts, clear_value_text);
  while (TOK (parser)->kind == DBC_TOKEN_NUMBER)
    {
      CanopyValueText entry;
      double value;

      if (!_canopy_dbc_token_int (TOK (parser), &entry.raw))
        {
          /* Some files write 1.0 or a huge unsigned value. */
          if (!_canopy_dbc_token_double (TOK (parser), &value) || !(fabs (value) < 9.2e18))
            return _canopy_dbc_expected (parser, "a whole number");
          entry.raw = (gint64) value;
        }
      advance (parser);
      if (!_canopy_dbc_take_string (parser, &entry.text))
        return FALSE;
      g_array_append_val (texts, entry);
    }
  if (!_canopy_dbc_end_statement (parser))
    return FALSE;

  g_array_set_clear_func (texts, NULL);
  *out = g_steal_pointer (&texts);
  return TRUE;
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

  if (!_canopy_dbc_take_ident (parser, &name) || !parse_value_texts (parser, &texts))
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
      _canopy_dbc_skip_to_semicolon (parser);
      return TRUE;
    }
  if (!_canopy_dbc_take_signal (parser, &message, &signal) || !parse_value_texts (parser, &texts))
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

  if (!_canopy_dbc_take_uint (parser, G_MAXUINT32, &id) || !_canopy_dbc_take_ident (parser, &name) ||
      !_canopy_dbc_expect_punct (parser, ':') || !_canopy_dbc_take_uint (parser, G_MAXUINT32, &size))
    return FALSE;
  if (TOK (parser)->kind == DBC_TOKEN_IDENT && !TOK (parser)->first_on_line)
    _canopy_dbc_take_ident (parser, &sender);

  /* Vector's holder of signals that belong to no message. */
  if (g_str_equal (name, "VECTOR__INDEPENDENT_SIG_MSG"))
    return TRUE;
  if (size > CANOPY_MESSAGE_MAX_DATA)
    return _canopy_dbc_fail (parser, "message %s is %" G_GUINT64_FORMAT " bytes long; CAN FD carries at most 64", name, size);
  if ((id & 0x80000000u) ? (id & 0x7FFFFFFFu) > 0x1FFFFFFFu : id > 0x7FF)
    return _canopy_dbc_fail (parser, "message %s has the id %" G_GUINT64_FORMAT ", which is not a CAN identifier", name, id);
  if (parser->messages->len >= MAX_MESSAGES)
    return _canopy_dbc_fail (parser, "more than %d messages: message %s is left out", MAX_MESSAGES, name);
  if (_canopy_dbc_find_message (parser, id) != NULL)
    return _canopy_dbc_fail (parser, "the id %" G_GUINT64_FORMAT " of message %s is already message %s's",
                 id, name, _canopy_dbc_find_message (parser, id)->name);

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
      _canopy_dbc_skip_line (parser);
      if (parser->skipping_message)
        return TRUE;
      return _canopy_dbc_fail (parser, "a signal outside a message");
    }

  if (!_canopy_dbc_take_ident (parser, &name))
    return FALSE;
  signal = _canopy_signal_def_new (name);

  if (TOK (parser)->kind == DBC_TOKEN_IDENT)
    {
      if (!parse_mux_mark (TOK (parser), signal))
        return _canopy_dbc_expected (parser, "a multiplexing mark (M, mN or mNM) or “:”");
      advance (parser);
    }

  if (!_canopy_dbc_expect_punct (parser, ':') ||
      !_canopy_dbc_take_uint (parser, 511, &start) || !_canopy_dbc_expect_punct (parser, '|') ||
      !_canopy_dbc_take_uint (parser, 64, &length) || !_canopy_dbc_expect_punct (parser, '@') ||
      !_canopy_dbc_take_uint (parser, 1, &order))
    return FALSE;
  if (_canopy_dbc_token_is_punct (TOK (parser), '+'))
    signal->is_signed = FALSE;
  else if (_canopy_dbc_token_is_punct (TOK (parser), '-'))
    signal->is_signed = TRUE;
  else
    return _canopy_dbc_expected (parser, "“+” or “-”");
  advance (parser);

  if (!_canopy_dbc_expect_punct (parser, '(') || !_canopy_dbc_take_double (parser, &signal->factor) ||
      !_canopy_dbc_expect_punct (parser, ',') || !_canopy_dbc_take_double (parser, &signal->offset) ||
      !_canopy_dbc_expect_punct (parser, ')') ||
      !_canopy_dbc_expect_punct (parser, '[') || !_canopy_dbc_take_double (parser, &signal->minimum) ||
      !_canopy_dbc_expect_punct (parser, '|') || !_canopy_dbc_take_double (parser, &signal->maximum) ||
      !_canopy_dbc_expect_punct (parser, ']'))
    return FALSE;

  g_free (signal->unit);
  signal->unit = NULL;
  if (!_canopy_dbc_take_string (parser, &signal->unit))
    return FALSE;

  receivers = g_ptr_array_new_with_free_func (g_free);
  while (!TOK (parser)->first_on_line && TOK (parser)->kind != DBC_TOKEN_EOF)
    {
      if (TOK (parser)->kind == DBC_TOKEN_IDENT)
        g_ptr_array_add (receivers, _canopy_dbc_token_dup (TOK (parser)));
      else if (!_canopy_dbc_token_is_punct (TOK (parser), ','))
        return _canopy_dbc_expected (parser, "a receiving node");
      advance (parser);
    }
  g_ptr_array_add (receivers, NULL);
  g_ptr_array_set_free_func (receivers, NULL);
  signal->receivers = (GStrv) g_ptr_array_free (g_steal_pointer (&receivers), FALSE);

  signal->start_bit = (guint16) start;
  signal->length = (guint16) length;
  signal->byte_order = order == 1 ? CANOPY_BYTE_ORDER_LITTLE_ENDIAN : CANOPY_BYTE_ORDER_BIG_ENDIAN;

  if (length == 0)
    return _canopy_dbc_fail (parser, "signal %s has no bits", name);
  if (!_canopy_signal_def_compute_layout (signal, parser->current->size))
    g_hash_table_add (parser->skipped_signals, g_strdup_printf ("%s/%s", parser->current->name, name));
  if (!_canopy_signal_def_compute_layout (signal, parser->current->size))
    return _canopy_dbc_fail (parser, "signal %s (start bit %u, %u bits, %s) does not fit in message %s of %u bytes",
                 name, signal->start_bit, signal->length, order == 1 ? "Intel" : "Motorola",
                 parser->current->name, parser->current->size);
  if (g_hash_table_contains (parser->current->signals_by_name, name))
    return _canopy_dbc_fail (parser, "message %s has two signals named %s", parser->current->name, name);

  if (parser->n_signals >= MAX_SIGNALS || parser->current->signals->len >= MAX_SIGNALS_PER_MESSAGE)
    return _canopy_dbc_fail (parser, "more than %d signals in message %s or %d in all: signal %s is left out",
                             MAX_SIGNALS_PER_MESSAGE, parser->current->name, MAX_SIGNALS, name);

  parser->n_signals++;
  _canopy_message_def_add_signal (parser->current, g_steal_pointer (&signal));
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

  if (!_canopy_dbc_take_signal (parser, &message, &signal) || !_canopy_dbc_take_ident (parser, &switch_name))
    return FALSE;

  while (TOK (parser)->kind == DBC_TOKEN_NUMBER)
    {
      CanopyMuxRange range;
      gint64 high;

      if (!_canopy_dbc_take_uint (parser, G_MAXUINT32, &range.low))
        return FALSE;
      if (_canopy_dbc_token_is_punct (TOK (parser), '-'))
        advance (parser);
      if (!_canopy_dbc_token_int (TOK (parser), &high) ||
          high < -(gint64) G_MAXUINT32 || high > (gint64) G_MAXUINT32)
        return _canopy_dbc_expected (parser, "the end of a range");
      advance (parser);
      range.high = (guint64) ABS (high);
      if (range.high < range.low)
        return _canopy_dbc_fail (parser, "the range %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT " is empty",
                     range.low, range.high);
      g_array_append_val (ranges, range);
      if (_canopy_dbc_token_is_punct (TOK (parser), ','))
        advance (parser);
    }
  if (!_canopy_dbc_end_statement (parser))
    return FALSE;
  if (ranges->len == 0)
    return _canopy_dbc_fail (parser, "no multiplexor values for signal %s", signal->name);

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
      while (!_canopy_dbc_at_statement (TOK (parser)))
        advance (parser);
      return TRUE;
    }
  if (IS ("BU_"))
    return parse_nodes (parser);
  if (IS ("CM_"))
    return _canopy_dbc_parse_comment (parser);
  if (IS ("BA_DEF_"))
    return _canopy_dbc_parse_attribute_definition (parser);
  if (IS ("BA_DEF_DEF_"))
    return _canopy_dbc_parse_attribute_default (parser);
  if (IS ("BA_"))
    return _canopy_dbc_parse_attribute (parser);
  if (IS ("VAL_"))
    return parse_values (parser);
  if (IS ("VAL_TABLE_"))
    return parse_value_table (parser);
  if (IS ("SIG_VALTYPE_"))
    return _canopy_dbc_parse_signal_value_type (parser);
  if (IS ("BO_TX_BU_"))
    return _canopy_dbc_parse_transmitters (parser);
  if (IS ("SIG_GROUP_"))
    return _canopy_dbc_parse_signal_group (parser);
  if (IS ("SG_MUL_VAL_"))
    return parse_extended_multiplexing (parser);
#undef IS

  if (_canopy_dbc_is_keyword (&keyword, ignored_keywords, G_N_ELEMENTS (ignored_keywords)))
    {
      _canopy_dbc_skip_to_semicolon (parser);
      return TRUE;
    }

  {
    g_autofree char *found = _canopy_dbc_token_describe (&keyword);
    return _canopy_dbc_fail (parser, "unknown section %s", found);
  }
}

static void
problem (Parser *parser,
         guint   line)
{
  _canopy_database_add_problem (parser->db, line, parser->problem->str);
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

  if (!_canopy_dbc_is_keyword (tok, _canopy_dbc_statement_keywords, _canopy_dbc_n_statement_keywords))
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
  parser.attr_defs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _canopy_dbc_attr_def_free);
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
      while (!_canopy_dbc_at_statement (TOK (&parser)))
        advance (&parser);
    }

  _canopy_dbc_apply_attributes (&parser);

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
  _canopy_database_set_info (db, parser.version, node_names, parser.comment, parser.network_attrs);
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
