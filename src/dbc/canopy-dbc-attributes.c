/* canopy-dbc-attributes.c — the sections that describe messages and
 * signals already defined: comments, attributes, value types, transmitters,
 * signal groups
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-dbc-parser-private.h"

void
_canopy_dbc_attr_def_free (gpointer data)
{
  AttrDef *def = data;

  g_strfreev (def->labels);
  g_free (def->default_value);
  g_free (def);
}

/* CM_ [BU_ node | BO_ id | SG_ id signal | EV_ name] "text" ; */
gboolean
_canopy_dbc_parse_comment (Parser *parser)
{
  g_autofree char *text = NULL;
  char **target = NULL;

  if (_canopy_dbc_token_is (TOK (parser), "BO_"))
    {
      CanopyMessageDef *message;

      advance (parser);
      if (!_canopy_dbc_take_message (parser, &message))
        return FALSE;
      target = &message->comment;
    }
  else if (_canopy_dbc_token_is (TOK (parser), "SG_"))
    {
      CanopyMessageDef *message;
      CanopySignalDef *signal;

      advance (parser);
      if (!_canopy_dbc_take_signal (parser, &message, &signal))
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
      return _canopy_dbc_expected (parser, "BU_, BO_, SG_, EV_ or a string");
    }

  if (!_canopy_dbc_take_string (parser, &text) || !_canopy_dbc_end_statement (parser))
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
gboolean
_canopy_dbc_parse_attribute_definition (Parser *parser)
{
  g_autofree char *name = NULL;
  AttrDef *def;
  AttrObject object;

  if (!take_attr_object (parser, &object) || !_canopy_dbc_take_string (parser, &name))
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

          if (!_canopy_dbc_take_string (parser, &label))
            break;
          _canopy_dbc_strv_builder_take (labels, label);
          if (_canopy_dbc_token_is_punct (TOK (parser), ','))
            advance (parser);
        }
      def->labels = g_strv_builder_end (labels);
    }
  else if (TOK (parser)->kind != DBC_TOKEN_IDENT)
    {
      _canopy_dbc_attr_def_free (def);
      return _canopy_dbc_expected (parser, "INT, HEX, FLOAT, STRING or ENUM");
    }
  /* The limits of INT, HEX and FLOAT are not enforced on values. */
  while (TOK (parser)->kind != DBC_TOKEN_EOF && !_canopy_dbc_token_is_punct (TOK (parser), ';') &&
         !_canopy_dbc_at_statement (TOK (parser)))
    advance (parser);

  g_hash_table_replace (parser->attr_defs, g_steal_pointer (&name), def);
  return _canopy_dbc_end_statement (parser);
}

/* An attribute value as text: enumerations give their label. */
static gboolean
take_attr_value (Parser      *parser,
                 const char  *name,
                 char       **out)
{
  AttrDef *def = g_hash_table_lookup (parser->attr_defs, name);

  if (TOK (parser)->kind == DBC_TOKEN_STRING)
    return _canopy_dbc_take_string (parser, out);
  if (TOK (parser)->kind != DBC_TOKEN_NUMBER)
    return _canopy_dbc_expected (parser, "an attribute value");

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
gboolean
_canopy_dbc_parse_attribute_default (Parser *parser)
{
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  AttrDef *def;

  if (!_canopy_dbc_take_string (parser, &name) || !take_attr_value (parser, name, &value) ||
      !_canopy_dbc_end_statement (parser))
    return FALSE;
  if ((def = g_hash_table_lookup (parser->attr_defs, name)) == NULL)
    return _canopy_dbc_fail (parser, "a default for attribute %s, which BA_DEF_ does not define", name);

  g_free (def->default_value);
  def->default_value = g_steal_pointer (&value);
  return TRUE;
}

/* BA_ "name" [BU_ node | BO_ id | SG_ id signal | EV_ name] value ; */
gboolean
_canopy_dbc_parse_attribute (Parser *parser)
{
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  CanopyMessageDef *message = NULL;
  CanopySignalDef *signal = NULL;
  AttrObject object;

  if (!_canopy_dbc_take_string (parser, &name) || !take_attr_object (parser, &object))
    return FALSE;

  switch (object)
    {
    case ATTR_OBJECT_MESSAGE:
      if (!_canopy_dbc_take_message (parser, &message))
        return FALSE;
      break;
    case ATTR_OBJECT_SIGNAL:
      if (!_canopy_dbc_take_signal (parser, &message, &signal))
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

  if (!take_attr_value (parser, name, &value) || !_canopy_dbc_end_statement (parser))
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
gboolean
_canopy_dbc_parse_signal_value_type (Parser *parser)
{
  CanopyMessageDef *message;
  CanopySignalDef *signal;
  guint64 type;

  if (!_canopy_dbc_take_signal (parser, &message, &signal))
    return FALSE;
  if (_canopy_dbc_token_is_punct (TOK (parser), ':'))
    advance (parser);
  if (!_canopy_dbc_take_uint (parser, 3, &type) || !_canopy_dbc_end_statement (parser))
    return FALSE;

  if (type == 1 || type == 2)
    {
      guint bits = type == 1 ? 32 : 64;

      if (signal->length != bits)
        return _canopy_dbc_fail (parser, "signal %s is %s but has %u bits, not %u", signal->name,
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
gboolean
_canopy_dbc_parse_transmitters (Parser *parser)
{
  g_autoptr(GStrvBuilder) nodes = g_strv_builder_new ();
  CanopyMessageDef *message;

  if (!_canopy_dbc_take_message (parser, &message) || !_canopy_dbc_expect_punct (parser, ':'))
    return FALSE;
  while (TOK (parser)->kind == DBC_TOKEN_IDENT || _canopy_dbc_token_is_punct (TOK (parser), ','))
    {
      if (TOK (parser)->kind == DBC_TOKEN_IDENT)
        _canopy_dbc_strv_builder_take (nodes, _canopy_dbc_token_dup (TOK (parser)));
      advance (parser);
    }
  if (!_canopy_dbc_end_statement (parser))
    return FALSE;

  g_strfreev (message->transmitters);
  message->transmitters = g_strv_builder_end (nodes);
  return TRUE;
}

/* SIG_GROUP_ id name repetitions : signal signal … ; */
gboolean
_canopy_dbc_parse_signal_group (Parser *parser)
{
  g_autoptr(GStrvBuilder) members = g_strv_builder_new ();
  g_autofree char *name = NULL;
  CanopyMessageDef *message;
  guint64 repetitions;

  if (!_canopy_dbc_take_message (parser, &message) || !_canopy_dbc_take_ident (parser, &name) ||
      !_canopy_dbc_take_uint (parser, G_MAXUINT32, &repetitions) || !_canopy_dbc_expect_punct (parser, ':'))
    return FALSE;
  while (TOK (parser)->kind == DBC_TOKEN_IDENT)
    {
      _canopy_dbc_strv_builder_take (members, _canopy_dbc_token_dup (TOK (parser)));
      advance (parser);
    }
  if (!_canopy_dbc_end_statement (parser))
    return FALSE;

  if (message->signal_groups == NULL)
    message->signal_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) g_strfreev);
  g_hash_table_replace (message->signal_groups, g_steal_pointer (&name), g_strv_builder_end (members));
  return TRUE;
}

/* Applies BA_DEF_DEF_ defaults, then reads the attributes Canopy acts on. */
void
_canopy_dbc_apply_attributes (Parser *parser)
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

