/* canopy-socketcand-codec-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "canopy-message.h"

G_BEGIN_DECLS

/* The text protocol of the socketcand daemon (linux-can/socketcand), raw
 * mode, both directions: every element is `< word arguments… >`. Pure
 * functions over buffers, callable from a fuzz target. */

#define CANOPY_SOCKETCAND_DEFAULT_PORT 29536

/* `< fdframe XXXXXXXX 1234567890.123456 FF <128 hex digits> >` with room. */
#define CANOPY_SOCKETCAND_MAX_ELEMENT 256

typedef enum
{
  CANOPY_SOCKETCAND_NEED_MORE,
  CANOPY_SOCKETCAND_SKIPPED,     /* bytes outside `< >`, an over-long or unknown element */
  CANOPY_SOCKETCAND_HI,
  CANOPY_SOCKETCAND_OK,
  CANOPY_SOCKETCAND_ERROR,       /* `< error text >`: element->text */
  CANOPY_SOCKETCAND_ERROR_FRAME, /* `< error ID SECS.USECS DATA >`: element->msg */
  CANOPY_SOCKETCAND_OPEN,        /* `< open CHANNEL >`: element->text */
  CANOPY_SOCKETCAND_RAWMODE,
  CANOPY_SOCKETCAND_ECHO,
  CANOPY_SOCKETCAND_FRAME,       /* `< frame ID SECS.USECS DATA >`: element->msg */
  CANOPY_SOCKETCAND_SEND,        /* `< send ID LEN B0 B1 … >`: element->msg */
  CANOPY_SOCKETCAND_OTHER,       /* a valid element this side does not handle: element->text */
} CanopySocketcandResult;

typedef struct
{
  CanopyMessage msg;
  char          text[CANOPY_SOCKETCAND_MAX_ELEMENT];
} CanopySocketcandElement;

typedef struct
{
  char     buf[CANOPY_SOCKETCAND_MAX_ELEMENT];
  gsize    len;
  gboolean inside;
  gboolean overflow;
} CanopySocketcandDecoder;

void                   _canopy_socketcand_decoder_init   (CanopySocketcandDecoder *decoder);
CanopySocketcandResult _canopy_socketcand_decoder_feed   (CanopySocketcandDecoder *decoder,
                                                          const guint8            *data,
                                                          gsize                    len,
                                                          gsize                   *consumed,
                                                          CanopySocketcandElement *element);
/* @text is what lies between `<` and `>`. */
CanopySocketcandResult _canopy_socketcand_parse_element  (const char              *text,
                                                          gsize                    len,
                                                          CanopySocketcandElement *element);

/* Encoders: return the length written into @buf, which holds at least
 * CANOPY_SOCKETCAND_MAX_ELEMENT bytes; 0 for a frame the protocol cannot
 * carry (CAN FD). */
gsize                  _canopy_socketcand_encode_frame   (char                    *buf,
                                                          const CanopyMessage     *msg);
gsize                  _canopy_socketcand_encode_send    (char                    *buf,
                                                          const CanopyMessage     *msg);
gsize                  _canopy_socketcand_encode_word    (char                    *buf,
                                                          const char              *word,
                                                          const char              *argument);

G_END_DECLS
