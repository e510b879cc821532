/* canopy-dbc-parser-private.h — the parser's state and the helpers its
 * section readers share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-dbc-lexer.h"
#include "canopy-dbc-private.h"

G_BEGIN_DECLS

/* Bounds for untrusted input. */
#define MAX_TEXT_LEN (1024 * 1024)
/* Far above real databases (a few thousand messages, tens of thousands of
 * signals), far below what would exhaust memory. */
#define MAX_MESSAGES            100000
#define MAX_SIGNALS             1000000
#define MAX_SIGNALS_PER_MESSAGE 8192

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
  guint             n_signals;
  gboolean          silent;            /* the failure refers to one of them */
} Parser;

#define TOK(parser) (&(parser)->lex.tok)

static inline void
advance (Parser *parser)
{
  _canopy_dbc_lexer_next (&parser->lex);
}

/* canopy-dbc-parser.c */
extern const char * const _canopy_dbc_statement_keywords[];
extern const gsize        _canopy_dbc_n_statement_keywords;

gboolean          _canopy_dbc_is_keyword        (const DbcToken     *tok,
                                                 const char * const *list,
                                                 gsize               n);
gboolean          _canopy_dbc_at_statement      (const DbcToken     *tok);
gboolean          _canopy_dbc_fail              (Parser             *parser,
                                                 const char         *format,
                                                 ...) G_GNUC_PRINTF (2, 3);
gboolean          _canopy_dbc_expected          (Parser             *parser,
                                                 const char         *what);
gboolean          _canopy_dbc_expect_punct      (Parser             *parser,
                                                 char                c);
gboolean          _canopy_dbc_take_ident        (Parser             *parser,
                                                 char              **out);
gboolean          _canopy_dbc_take_string       (Parser             *parser,
                                                 char              **out);
gboolean          _canopy_dbc_take_double       (Parser             *parser,
                                                 double             *out);
gboolean          _canopy_dbc_take_uint         (Parser             *parser,
                                                 guint64             max,
                                                 guint64            *out);
gboolean          _canopy_dbc_end_statement     (Parser             *parser);
void              _canopy_dbc_skip_to_semicolon (Parser             *parser);
void              _canopy_dbc_skip_line         (Parser             *parser);
void              _canopy_dbc_strv_builder_take (GStrvBuilder       *builder,
                                                 char               *text);
CanopyMessageDef *_canopy_dbc_find_message      (Parser             *parser,
                                                 guint64             dbc_id);
gboolean          _canopy_dbc_take_message      (Parser             *parser,
                                                 CanopyMessageDef  **out);
gboolean          _canopy_dbc_take_signal       (Parser             *parser,
                                                 CanopyMessageDef  **message,
                                                 CanopySignalDef   **signal);

/* canopy-dbc-attributes.c: CM_, BA_DEF_, BA_DEF_DEF_, BA_, SIG_VALTYPE_,
 * BO_TX_BU_, SIG_GROUP_ */
void              _canopy_dbc_attr_def_free              (gpointer  data);
gboolean          _canopy_dbc_parse_comment              (Parser   *parser);
gboolean          _canopy_dbc_parse_attribute_definition (Parser   *parser);
gboolean          _canopy_dbc_parse_attribute_default    (Parser   *parser);
gboolean          _canopy_dbc_parse_attribute            (Parser   *parser);
gboolean          _canopy_dbc_parse_signal_value_type    (Parser   *parser);
gboolean          _canopy_dbc_parse_transmitters         (Parser   *parser);
gboolean          _canopy_dbc_parse_signal_group         (Parser   *parser);
void              _canopy_dbc_apply_attributes           (Parser   *parser);

G_END_DECLS
