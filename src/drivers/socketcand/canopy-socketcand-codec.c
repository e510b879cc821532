/* canopy-socketcand-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-socketcand-codec-private.h"
#include "canopy-wire-hex-private.h"

/* Identifiers: socketcand writes 3 hex digits for standard and 8 for
 * extended frames, so the digit count carries the frame format. The data of
 * `frame` is one run of hex digits; `send` takes a length and one token per
 * byte (python-can writes them without leading zeros). Error frames carry
 * the SocketCAN error class in their identifier. */

void
_canopy_socketcand_decoder_init (CanopySocketcandDecoder *decoder)
{
  memset (decoder, 0, sizeof *decoder);
}

CanopySocketcandResult
_canopy_socketcand_decoder_feed (CanopySocketcandDecoder *decoder,
                                 const guint8            *data,
                                 gsize                    len,
                                 gsize                   *consumed,
                                 CanopySocketcandElement *element)
{
  gsize pos = 0;

  if (!decoder->inside)
    {
      gsize start = pos;

      /* Whitespace between elements is normal; anything else is garbage. */
      while (pos < len && data[pos] != '<')
        pos++;
      for (gsize i = start; i < pos; i++)
        if (!g_ascii_isspace (data[i]))
          {
            *consumed = pos;
            return CANOPY_SOCKETCAND_SKIPPED;
          }
      if (pos == len)
        {
          *consumed = pos;
          return CANOPY_SOCKETCAND_NEED_MORE;
        }
      pos++;
      decoder->inside = TRUE;
      decoder->len = 0;
      decoder->overflow = FALSE;
    }

  for (; pos < len; pos++)
    {
      char c = data[pos];

      if (c == '>')
        {
          CanopySocketcandResult result;

          *consumed = pos + 1;
          decoder->inside = FALSE;
          if (decoder->overflow)
            return CANOPY_SOCKETCAND_SKIPPED;
          result = _canopy_socketcand_parse_element (decoder->buf, decoder->len, element);
          return result;
        }
      if (c == '<')
        {
          /* A new element before the old one ended: the old one was cut. */
          *consumed = pos;
          decoder->inside = FALSE;
          return CANOPY_SOCKETCAND_SKIPPED;
        }
      if (decoder->len == sizeof decoder->buf)
        decoder->overflow = TRUE;
      else
        decoder->buf[decoder->len++] = c;
    }

  *consumed = pos;
  return CANOPY_SOCKETCAND_NEED_MORE;
}

/* Splits @text into at most @max tokens at spaces, in place of nothing:
 * the tokens point into @text with their lengths. */
typedef struct
{
  const char *p;
  gsize       len;
} Token;

static guint
tokenize (const char *text,
          gsize       len,
          Token      *tokens,
          guint       max)
{
  guint n = 0;
  gsize i = 0;

  while (i < len)
    {
      gsize start;

      while (i < len && g_ascii_isspace (text[i]))
        i++;
      if (i == len)
        break;
      start = i;
      while (i < len && !g_ascii_isspace (text[i]))
        i++;
      if (n == max)
        return max + 1;
      tokens[n].p = text + start;
      tokens[n].len = i - start;
      n++;
    }
  return n;
}

static gboolean
token_is (const Token *token,
          const char  *word)
{
  gsize len = strlen (word);

  return token->len == len && memcmp (token->p, word, len) == 0;
}

static gboolean
parse_hex_token (const Token *token,
                 guint        max_digits,
                 guint32     *value)
{
  guint32 v = 0;

  if (token->len == 0 || token->len > max_digits)
    return FALSE;
  for (gsize i = 0; i < token->len; i++)
    {
      int d = _canopy_wire_hex_value (token->p[i]);

      if (d < 0)
        return FALSE;
      v = (v << 4) | d;
    }
  *value = v;
  return TRUE;
}

static gboolean
parse_id (const Token   *token,
          CanopyMessage *msg,
          gboolean       error_frame)
{
  guint32 id;

  if (!parse_hex_token (token, 8, &id))
    return FALSE;
  if (error_frame)
    {
      msg->arbitration_id = id & 0x1FFFFFFFu;
      msg->flags |= CANOPY_MESSAGE_ERROR;
      return TRUE;
    }
  if (token->len > 3 || id > 0x7FF)
    {
      if (id > 0x1FFFFFFFu)
        return FALSE;
      msg->flags |= CANOPY_MESSAGE_EXTENDED;
    }
  msg->arbitration_id = id;
  return TRUE;
}

/* SECS.USECS since the Unix epoch (or since the daemon started). */
static gboolean
parse_timestamp (const Token *token,
                 gint64      *ns)
{
  gint64 secs = 0, frac = 0, scale = 1000000000;
  gsize i = 0;

  /* A time past 2262 has no nanosecond representation: the element is
   * refused, never wrapped. secs stays below G_MAXINT64 / 10^9 here, so
   * neither the next digit nor the final scaling can overflow. */
  for (; i < token->len && g_ascii_isdigit (token->p[i]); i++)
    {
      secs = secs * 10 + (token->p[i] - '0');
      if (secs > G_MAXINT64 / 1000000000)
        return FALSE;
    }
  if (i == 0)
    return FALSE;
  if (i < token->len)
    {
      if (token->p[i++] != '.' || i == token->len)
        return FALSE;
      for (; i < token->len; i++)
        {
          if (!g_ascii_isdigit (token->p[i]))
            return FALSE;
          if (scale > 1)
            {
              scale /= 10;
              frac += (token->p[i] - '0') * scale;
            }
        }
    }
  if (secs * 1000000000 > G_MAXINT64 - frac)
    return FALSE;
  *ns = secs * 1000000000 + frac;
  return TRUE;
}

/* `frame`/`error`: ID SECS.USECS [HEXDATA] — the data may also come as
 * several tokens of whole bytes. */
static gboolean
parse_frame (const Token   *tokens,
             guint          n,
             CanopyMessage *msg,
             gboolean       error_frame)
{
  guint dlc = 0;

  if (n < 3 || !parse_id (&tokens[1], msg, error_frame) || !parse_timestamp (&tokens[2], &msg->timestamp_ns))
    return FALSE;

  for (guint t = 3; t < n; t++)
    {
      if (tokens[t].len % 2 != 0)
        return FALSE;
      for (gsize i = 0; i < tokens[t].len; i += 2)
        {
          int hi = _canopy_wire_hex_value (tokens[t].p[i]), lo = _canopy_wire_hex_value (tokens[t].p[i + 1]);

          if (hi < 0 || lo < 0 || dlc == 8)
            return FALSE;
          msg->data[dlc++] = (hi << 4) | lo;
        }
    }
  msg->dlc = dlc;
  return TRUE;
}

/* `send`: ID LEN B0 … with one token of one or two hex digits per byte. */
static gboolean
parse_send (const Token   *tokens,
            guint          n,
            CanopyMessage *msg)
{
  guint32 dlc, byte;

  if (n < 3 || !parse_id (&tokens[1], msg, FALSE) || !parse_hex_token (&tokens[2], 1, &dlc) ||
      dlc > 8 || n != 3 + dlc)
    return FALSE;
  for (guint i = 0; i < dlc; i++)
    {
      if (!parse_hex_token (&tokens[3 + i], 2, &byte))
        return FALSE;
      msg->data[i] = byte;
    }
  msg->dlc = dlc;
  return TRUE;
}

static void
copy_rest (CanopySocketcandElement *element,
           const char              *from,
           const char              *end)
{
  gsize len = MIN ((gsize) (end - from), sizeof element->text - 1);

  while (len > 0 && g_ascii_isspace (from[len - 1]))
    len--;
  memcpy (element->text, from, len);
  element->text[len] = '\0';
}

CanopySocketcandResult
_canopy_socketcand_parse_element (const char              *text,
                                  gsize                    len,
                                  CanopySocketcandElement *element)
{
  Token tokens[3 + 8 + 1];
  guint n = tokenize (text, len, tokens, G_N_ELEMENTS (tokens));

  memset (&element->msg, 0, sizeof element->msg);
  element->msg.channel = -1;
  element->text[0] = '\0';

  if (n == 0)
    return CANOPY_SOCKETCAND_SKIPPED;

  if (token_is (&tokens[0], "frame"))
    return n <= G_N_ELEMENTS (tokens) && parse_frame (tokens, n, &element->msg, FALSE)
           ? CANOPY_SOCKETCAND_FRAME : CANOPY_SOCKETCAND_SKIPPED;

  if (token_is (&tokens[0], "send"))
    return n <= G_N_ELEMENTS (tokens) && parse_send (tokens, n, &element->msg)
           ? CANOPY_SOCKETCAND_SEND : CANOPY_SOCKETCAND_SKIPPED;

  if (token_is (&tokens[0], "error"))
    {
      if (n <= G_N_ELEMENTS (tokens) && parse_frame (tokens, n, &element->msg, TRUE))
        return CANOPY_SOCKETCAND_ERROR_FRAME;
      memset (&element->msg, 0, sizeof element->msg);
      element->msg.channel = -1;
      copy_rest (element, n > 1 ? tokens[1].p : text + len, text + len);
      return CANOPY_SOCKETCAND_ERROR;
    }

  if (n == 1 && token_is (&tokens[0], "hi"))
    return CANOPY_SOCKETCAND_HI;
  if (n == 1 && token_is (&tokens[0], "ok"))
    return CANOPY_SOCKETCAND_OK;
  if (n == 1 && token_is (&tokens[0], "rawmode"))
    return CANOPY_SOCKETCAND_RAWMODE;
  if (n == 1 && token_is (&tokens[0], "echo"))
    return CANOPY_SOCKETCAND_ECHO;
  if (n == 2 && token_is (&tokens[0], "open"))
    {
      copy_rest (element, tokens[1].p, tokens[1].p + tokens[1].len);
      return CANOPY_SOCKETCAND_OPEN;
    }

  for (gsize i = 0; i < tokens[0].len; i++)
    if (!g_ascii_isalpha (tokens[0].p[i]))
      return CANOPY_SOCKETCAND_SKIPPED;
  copy_rest (element, tokens[0].p, text + len);
  return CANOPY_SOCKETCAND_OTHER;
}

static char *
put_id (char                *p,
        const CanopyMessage *msg)
{
  if (msg->flags & CANOPY_MESSAGE_EXTENDED)
    return _canopy_wire_put_hex (p, msg->arbitration_id & 0x1FFFFFFFu, 8);
  return _canopy_wire_put_hex (p, msg->arbitration_id & 0x7FFu, 3);
}

static char *
put_string (char       *p,
            const char *s)
{
  gsize len = strlen (s);

  memcpy (p, s, len);
  return p + len;
}

gsize
_canopy_socketcand_encode_frame (char                *buf,
                                 const CanopyMessage *msg)
{
  gboolean error_frame = (msg->flags & CANOPY_MESSAGE_ERROR) != 0;
  gint64 secs, usecs;
  char *p = buf;
  char number[24];

  if (msg->dlc > 8 || (msg->flags & CANOPY_MESSAGE_FD))
    return 0;

  secs = msg->timestamp_ns / 1000000000;
  usecs = (msg->timestamp_ns % 1000000000) / 1000;
  if (secs < 0)
    secs = usecs = 0;

  p = put_string (p, error_frame ? "< error " : "< frame ");
  if (error_frame)
    p = _canopy_wire_put_hex (p, msg->arbitration_id & 0x1FFFFFFFu, 8);
  else
    p = put_id (p, msg);
  g_snprintf (number, sizeof number, " %" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT " ", secs, usecs);
  p = put_string (p, number);
  /* Remote frames carry no data: socketcand writes their length as none. */
  if (!(msg->flags & CANOPY_MESSAGE_REMOTE))
    for (guint i = 0; i < msg->dlc; i++)
      p = _canopy_wire_put_hex (p, msg->data[i], 2);
  /* Always " >", as socketcand: python-can finds an empty data field then. */
  p = put_string (p, " >");
  return p - buf;
}

gsize
_canopy_socketcand_encode_send (char                *buf,
                                const CanopyMessage *msg)
{
  char *p = buf;

  if (msg->dlc > 8 || (msg->flags & (CANOPY_MESSAGE_FD | CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_REMOTE)))
    return 0;

  p = put_string (p, "< send ");
  p = put_id (p, msg);
  *p++ = ' ';
  *p++ = _canopy_wire_hex_digit (msg->dlc);
  for (guint i = 0; i < msg->dlc; i++)
    {
      *p++ = ' ';
      p = _canopy_wire_put_hex (p, msg->data[i], 2);
    }
  p = put_string (p, " >");
  return p - buf;
}

gsize
_canopy_socketcand_encode_word (char       *buf,
                                const char *word,
                                const char *argument)
{
  gsize max_argument = CANOPY_SOCKETCAND_MAX_ELEMENT - strlen (word) - 8;
  g_autofree char *clean = NULL;
  int n;

  if (argument == NULL)
    return g_snprintf (buf, CANOPY_SOCKETCAND_MAX_ELEMENT, "< %s >", word);

  /* The argument must not end the element early. */
  clean = g_strndup (argument, max_argument);
  g_strdelimit (clean, "<>\r\n", ' ');
  n = g_snprintf (buf, CANOPY_SOCKETCAND_MAX_ELEMENT, "< %s %s >", word, clean);
  return n;
}
