/* fuzz-slcan.c — libFuzzer target: the slcan (Lawicel) line decoder on an
 * arbitrary byte stream, fed in the pieces a serial line delivers (the
 * input's first byte seeds where it is split); every decoded frame is
 * encoded again and must decode to the same frame.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fuzz-common.h"

/* after <canopy.h>, which private headers need */
#include "canopy-slcan-codec-private.h"

static void
check_round_trip (const CanopySlcanLine *line)
{
  char command[CANOPY_SLCAN_MAX_COMMAND];
  CanopySlcanLine again;
  gsize len = _canopy_slcan_encode_frame (command, &line->msg);

  /* Error frames have no slcan command; every other decoded frame does. */
  if (line->msg.flags & CANOPY_MESSAGE_ERROR)
    {
      g_assert_cmpuint (len, ==, 0);
      return;
    }
  g_assert_cmpuint (len, >, 1);
  g_assert_cmpuint (len, <=, CANOPY_SLCAN_MAX_COMMAND);
  g_assert (command[len - 1] == '\r');

  memset (&again, 0, sizeof again);
  g_assert_cmpint (_canopy_slcan_parse_line (command, len - 1, &again), ==, CANOPY_SLCAN_FRAME);
  fuzz_assert_same_frame (&line->msg, &again.msg);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  CanopySlcanDecoder decoder;
  FuzzSplitter splitter;
  gsize pos = 1;

  if (size == 0)
    return 0;

  fuzz_splitter_init (&splitter, data[0]);
  _canopy_slcan_decoder_init (&decoder);

  while (pos < size)
    {
      gsize piece = fuzz_splitter_next (&splitter, size - pos);
      gsize done = 0;

      while (done < piece)
        {
          CanopySlcanLine line;
          gsize consumed = 0;
          CanopySlcanResult res;

          memset (&line, 0, sizeof line);
          res = _canopy_slcan_decoder_feed (&decoder, data + pos + done, piece - done,
                                            &consumed, &line);
          g_assert_cmpuint (consumed, <=, piece - done);
          g_assert_cmpuint (decoder.len, <=, sizeof decoder.buf);
          if (res == CANOPY_SLCAN_NEED_MORE)
            g_assert_cmpuint (consumed, ==, piece - done);
          else
            g_assert_cmpuint (consumed, >, 0);

          if (res == CANOPY_SLCAN_FRAME)
            {
              g_assert (canopy_message_validate (&line.msg, NULL));
              check_round_trip (&line);
            }
          else if (res == CANOPY_SLCAN_VERSION || res == CANOPY_SLCAN_SERIAL)
            g_assert (memchr (line.text, '\0', sizeof line.text) != NULL);
          if (res == CANOPY_SLCAN_FRAME && line.has_timestamp)
            g_assert_cmpuint (line.timestamp_ms, <, 60000);
          done += consumed;
        }
      pos += piece;
    }

  return 0;
}
