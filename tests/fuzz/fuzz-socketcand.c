/* fuzz-socketcand.c — libFuzzer target: the socketcand element decoder,
 * both sides of the protocol, on an arbitrary byte stream fed in the
 * pieces a socket delivers (the input's first byte seeds where it is
 * split). Frames a client receives (`frame`, `error`) and frames a server
 * receives (`send`) are encoded again and must decode to the same frame;
 * every word a server answers with is encoded from the decoded text.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fuzz-common.h"

/* after <canopy.h>, which private headers need */
#include "canopy-socketcand-codec-private.h"

static CanopySocketcandResult
decode_one (const char              *buf,
            gsize                    len,
            CanopySocketcandElement *element)
{
  CanopySocketcandDecoder decoder;
  gsize consumed = 0;
  CanopySocketcandResult res;

  _canopy_socketcand_decoder_init (&decoder);
  memset (element, 0, sizeof *element);
  res = _canopy_socketcand_decoder_feed (&decoder, (const guint8 *) buf, len, &consumed, element);
  g_assert_cmpuint (consumed, ==, len);
  return res;
}

static void
check_round_trip (CanopySocketcandResult         res,
                  const CanopySocketcandElement *element)
{
  char buf[CANOPY_SOCKETCAND_MAX_ELEMENT];
  CanopySocketcandElement again;
  gsize len;

  switch (res)
    {
    case CANOPY_SOCKETCAND_FRAME:
    case CANOPY_SOCKETCAND_ERROR_FRAME:
      len = _canopy_socketcand_encode_frame (buf, &element->msg);
      g_assert_cmpuint (len, >, 0);
      g_assert_cmpuint (len, <=, sizeof buf);
      g_assert_cmpint (decode_one (buf, len, &again), ==, res);
      fuzz_assert_same_frame (&element->msg, &again.msg);
      /* The encoder writes microseconds. */
      g_assert_cmpint (again.msg.timestamp_ns, ==, element->msg.timestamp_ns / 1000 * 1000);
      break;

    case CANOPY_SOCKETCAND_SEND:
      len = _canopy_socketcand_encode_send (buf, &element->msg);
      g_assert_cmpuint (len, >, 0);
      g_assert_cmpuint (len, <=, sizeof buf);
      g_assert_cmpint (decode_one (buf, len, &again), ==, res);
      fuzz_assert_same_frame (&element->msg, &again.msg);
      break;

    case CANOPY_SOCKETCAND_OPEN:
    case CANOPY_SOCKETCAND_ERROR:
    case CANOPY_SOCKETCAND_OTHER:
      /* The server echoes names and reasons back in its own elements. */
      g_assert (memchr (element->text, '\0', sizeof element->text) != NULL);
      len = _canopy_socketcand_encode_word (buf, "error", element->text);
      g_assert_cmpuint (len, <, sizeof buf);
      /* A reason that reads as an id and a time is an error frame. */
      res = decode_one (buf, len, &again);
      g_assert (res == CANOPY_SOCKETCAND_ERROR || res == CANOPY_SOCKETCAND_ERROR_FRAME);
      break;

    default:
      break;
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  CanopySocketcandDecoder decoder;
  FuzzSplitter splitter;
  gsize pos = 1;

  if (size == 0)
    return 0;

  fuzz_splitter_init (&splitter, data[0]);
  _canopy_socketcand_decoder_init (&decoder);

  while (pos < size)
    {
      gsize piece = fuzz_splitter_next (&splitter, size - pos);
      gsize done = 0;

      while (done < piece)
        {
          CanopySocketcandElement element;
          gsize consumed = 0;
          CanopySocketcandResult res;

          memset (&element, 0, sizeof element);
          res = _canopy_socketcand_decoder_feed (&decoder, data + pos + done, piece - done,
                                                 &consumed, &element);
          g_assert_cmpuint (consumed, <=, piece - done);
          g_assert_cmpuint (decoder.len, <=, sizeof decoder.buf);
          if (res == CANOPY_SOCKETCAND_NEED_MORE)
            g_assert_cmpuint (consumed, ==, piece - done);
          else
            g_assert (consumed > 0 || res == CANOPY_SOCKETCAND_SKIPPED);
          if (res == CANOPY_SOCKETCAND_FRAME || res == CANOPY_SOCKETCAND_SEND)
            g_assert (canopy_message_validate (&element.msg, NULL));
          check_round_trip (res, &element);
          done += consumed;
        }
      pos += piece;
    }

  return 0;
}
