/* canopy-dbc-lexer.h — tokens of a DBC file, with their line and column
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DBC_TOKEN_EOF,
  DBC_TOKEN_IDENT,
  DBC_TOKEN_NUMBER,
  DBC_TOKEN_STRING,
  DBC_TOKEN_PUNCT,
} DbcTokenKind;

typedef struct
{
  DbcTokenKind  kind;
  const char   *start;          /* for strings: inside the quotes, escapes kept */
  gsize         len;
  guint         line;
  guint         column;
  gboolean      first_on_line;
  gboolean      unterminated;   /* a string that runs to the end of the file */
} DbcToken;

typedef struct
{
  const char *data;
  const char *p;
  const char *end;
  const char *line_start;
  guint       line;
  gboolean    started;
  DbcToken    tok;              /* the current token */
} DbcLexer;

void      _canopy_dbc_lexer_init      (DbcLexer       *lexer,
                                       const char     *data,
                                       gsize           len);
void      _canopy_dbc_lexer_next      (DbcLexer       *lexer);
gboolean  _canopy_dbc_token_is        (const DbcToken *tok,
                                       const char     *ident);
gboolean  _canopy_dbc_token_is_punct  (const DbcToken *tok,
                                       char            c);
char     *_canopy_dbc_token_dup       (const DbcToken *tok);
char     *_canopy_dbc_token_dup_text  (const DbcToken *tok);
gboolean  _canopy_dbc_token_double    (const DbcToken *tok,
                                       double         *value);
gboolean  _canopy_dbc_token_uint      (const DbcToken *tok,
                                       guint64         max,
                                       guint64        *value);
gboolean  _canopy_dbc_token_int       (const DbcToken *tok,
                                       gint64         *value);
char     *_canopy_dbc_token_describe  (const DbcToken *tok);

G_END_DECLS
