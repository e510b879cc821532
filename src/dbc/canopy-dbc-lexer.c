/* canopy-dbc-lexer.c — splits DBC text into tokens
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "canopy-dbc-lexer.h"

/* Input is untrusted: every read checks the end, numbers and names are
 * bounded, and strings longer than this are refused by the parser. */
#define MAX_NUMBER_TEXT 64

void
_canopy_dbc_lexer_init (DbcLexer   *lexer,
                        const char *data,
                        gsize       len)
{
  memset (lexer, 0, sizeof *lexer);
  lexer->data = data;
  lexer->p = data;
  lexer->end = data + len;
  lexer->line_start = data;
  lexer->line = 1;

  /* A UTF-8 byte order mark is not part of the text. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    lexer->p += 3;
}

static inline gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static inline gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static inline void
newline (DbcLexer   *lexer,
         const char *after)
{
  lexer->line++;
  lexer->line_start = after;
}

void
_canopy_dbc_lexer_next (DbcLexer *lexer)
{
  DbcToken *tok = &lexer->tok;
  const char *p = lexer->p;
  const char *end = lexer->end;
  gboolean first_on_line = !lexer->started;

  lexer->started = TRUE;

  for (;;)
    {
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v'))
        {
          if (*p == '\n')
            {
              newline (lexer, p + 1);
              first_on_line = TRUE;
            }
          p++;
        }
      /* // comments, which some generators write. */
      if (p + 1 < end && p[0] == '/' && p[1] == '/')
        {
          while (p < end && *p != '\n')
            p++;
          continue;
        }
      break;
    }

  memset (tok, 0, sizeof *tok);
  tok->line = lexer->line;
  tok->column = (guint) (p - lexer->line_start) + 1;
  tok->first_on_line = first_on_line;
  tok->start = p;

  if (p >= end)
    {
      tok->kind = DBC_TOKEN_EOF;
      lexer->p = p;
      return;
    }

  if (*p == '"')
    {
      const char *q = ++p;

      while (q < end && *q != '"')
        {
          if (*q == '\\' && q + 1 < end)
            q++;
          if (*q == '\n')
            newline (lexer, q + 1);
          q++;
        }
      tok->kind = DBC_TOKEN_STRING;
      tok->start = p;
      tok->len = q - p;
      tok->unterminated = q >= end;
      lexer->p = q < end ? q + 1 : q;
      return;
    }

  if (is_ident_start (*p))
    {
      const char *q = p;

      while (q < end && is_ident_char (*q))
        q++;
      tok->kind = DBC_TOKEN_IDENT;
      tok->len = q - p;
      lexer->p = q;
      return;
    }

  if (g_ascii_isdigit (*p) || *p == '.' ||
      ((*p == '-' || *p == '+') && p + 1 < end && (g_ascii_isdigit (p[1]) || p[1] == '.')))
    {
      const char *q = p + 1;

      while (q < end && (g_ascii_isdigit (*q) || *q == '.'))
        q++;
      if (q < end && (*q == 'e' || *q == 'E'))
        {
          const char *r = q + 1;

          if (r < end && (*r == '-' || *r == '+'))
            r++;
          if (r < end && g_ascii_isdigit (*r))
            {
              while (r < end && g_ascii_isdigit (*r))
                r++;
              q = r;
            }
        }
      /* Names that start with a digit (some generators write them): an
       * identifier after all. */
      if (q < end && is_ident_char (*q) && g_ascii_isdigit (*p))
        {
          while (q < end && is_ident_char (*q))
            q++;
          tok->kind = DBC_TOKEN_IDENT;
        }
      else
        {
          tok->kind = DBC_TOKEN_NUMBER;
        }
      tok->len = q - p;
      lexer->p = q;
      return;
    }

  tok->kind = DBC_TOKEN_PUNCT;
  tok->len = 1;
  lexer->p = p + 1;
}

gboolean
_canopy_dbc_token_is (const DbcToken *tok,
                      const char     *ident)
{
  return tok->kind == DBC_TOKEN_IDENT && strlen (ident) == tok->len &&
         memcmp (tok->start, ident, tok->len) == 0;
}

gboolean
_canopy_dbc_token_is_punct (const DbcToken *tok,
                            char            c)
{
  return tok->kind == DBC_TOKEN_PUNCT && tok->start[0] == c;
}

char *
_canopy_dbc_token_dup (const DbcToken *tok)
{
  return g_strndup (tok->start, tok->len);
}

/* The text of a string token in UTF-8: escapes resolved, and bytes that
 * are not UTF-8 read as Windows-1252's Latin-1 part, the encoding most DBC
 * editors write. */
char *
_canopy_dbc_token_dup_text (const DbcToken *tok)
{
  GString *s = g_string_sized_new (tok->len);

  for (gsize i = 0; i < tok->len; i++)
    {
      char c = tok->start[i];

      if (c == '\\' && i + 1 < tok->len && (tok->start[i + 1] == '"' || tok->start[i + 1] == '\\'))
        c = tok->start[++i];
      if (c == '\0')
        continue;
      g_string_append_c (s, c);
    }

  if (!g_utf8_validate (s->str, s->len, NULL))
    {
      GString *utf8 = g_string_sized_new (s->len + 16);

      for (gsize i = 0; i < s->len; i++)
        g_string_append_unichar (utf8, (guchar) s->str[i]);
      g_string_free (s, TRUE);
      s = utf8;
    }

  return g_string_free (s, FALSE);
}

static gboolean
token_text (const DbcToken *tok,
            char           *buf)
{
  if (tok->kind != DBC_TOKEN_NUMBER || tok->len >= MAX_NUMBER_TEXT)
    return FALSE;
  memcpy (buf, tok->start, tok->len);
  buf[tok->len] = '\0';
  return TRUE;
}

gboolean
_canopy_dbc_token_double (const DbcToken *tok,
                          double         *value)
{
  char buf[MAX_NUMBER_TEXT];
  char *endp;

  if (!token_text (tok, buf))
    return FALSE;
  *value = g_ascii_strtod (buf, &endp);
  return *endp == '\0';
}

gboolean
_canopy_dbc_token_uint (const DbcToken *tok,
                        guint64         max,
                        guint64        *value)
{
  char buf[MAX_NUMBER_TEXT];
  char *endp;

  if (!token_text (tok, buf) || !g_ascii_isdigit (buf[0]))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoull (buf, &endp, 10);
  return *endp == '\0' && errno == 0 && *value <= max;
}

gboolean
_canopy_dbc_token_int (const DbcToken *tok,
                       gint64         *value)
{
  char buf[MAX_NUMBER_TEXT];
  char *endp;

  if (!token_text (tok, buf))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoll (buf, &endp, 10);
  return *endp == '\0' && errno == 0;
}

/* For messages: the token as the user sees it, shortened. */
char *
_canopy_dbc_token_describe (const DbcToken *tok)
{
  g_autofree char *text = NULL;

  switch (tok->kind)
    {
    case DBC_TOKEN_EOF:
      return g_strdup ("the end of the file");
    case DBC_TOKEN_STRING:
      return g_strdup ("a string");
    case DBC_TOKEN_PUNCT:
      if (g_ascii_isprint (tok->start[0]))
        return g_strdup_printf ("“%c”", tok->start[0]);
      return g_strdup_printf ("the byte 0x%02X", (guchar) tok->start[0]);
    case DBC_TOKEN_IDENT:
    case DBC_TOKEN_NUMBER:
    default:
      text = g_strndup (tok->start, MIN (tok->len, 40));
      return g_strdup_printf ("“%s”", text);
    }
}
