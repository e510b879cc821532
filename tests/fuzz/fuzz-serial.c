/* fuzz-serial.c — libFuzzer target: python-can's serial frame decoder on
 * an arbitrary byte stream, fed in the pieces a serial line delivers (the
 * input's first byte seeds where it is split); every decoded frame is
 * encoded again and must decode to the same frame and timestamp.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fuzz-common.h"

/* after <canopy.h>, which private headers need */
#include "canopy-serial-codec-private.h"

static void
check_round_trip (const CanopyMessage *msg,
                  guint32              timestamp_ms)
{
  guint8 buf[CANOPY_SERIAL_MAX_FRAME];
  CanopySerialDecoder decoder;
  CanopyMessage again;
  guint32 again_ms = 0;
  gsize consumed = 0, n_skipped = 0;
  CanopyMessage stamped = *msg;
  gsize len;
  CanopySerialResult res;

  stamped.timestamp_ns = (gint64) timestamp_ms * 1000000;
  len = _canopy_serial_encode_frame (buf, &stamped);

  g_assert_cmpuint (len, ==, 1 + 4 + 1 + 4 + msg->dlc + 1);

  memset (&again, 0, sizeof again);
  _canopy_serial_decoder_init (&decoder);
  res = _canopy_serial_decoder_feed (&decoder, buf, len, &consumed, &again, &again_ms, &n_skipped);
  g_assert_cmpint (res, ==, CANOPY_SERIAL_FRAME);
  g_assert_cmpuint (consumed, ==, len);
  fuzz_assert_same_frame (msg, &again);
  g_assert_cmpuint (again_ms, ==, timestamp_ms);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  CanopySerialDecoder decoder;
  FuzzSplitter splitter;
  gsize pos = 1;

  if (size == 0)
    return 0;

  fuzz_splitter_init (&splitter, data[0]);
  _canopy_serial_decoder_init (&decoder);

  while (pos < size)
    {
      gsize piece = fuzz_splitter_next (&splitter, size - pos);
      gsize done = 0;

      while (done < piece)
        {
          CanopyMessage msg;
          guint32 timestamp_ms = 0;
          gsize consumed = 0, n_skipped = 0;
          CanopySerialResult res;

          memset (&msg, 0, sizeof msg);
          res = _canopy_serial_decoder_feed (&decoder, data + pos + done, piece - done,
                                             &consumed, &msg, &timestamp_ms, &n_skipped);
          g_assert_cmpuint (consumed, <=, piece - done);
          g_assert_cmpuint (decoder.len, <=, sizeof decoder.buf);
          if (res == CANOPY_SERIAL_NEED_MORE)
            g_assert_cmpuint (consumed, ==, piece - done);
          else if (res == CANOPY_SERIAL_SKIPPED)
            g_assert_cmpuint (n_skipped, >, 0);
          else
            {
              g_assert (canopy_message_validate (&msg, NULL));
              check_round_trip (&msg, timestamp_ms);
            }
          done += consumed;
        }
      pos += piece;
    }

  return 0;
}
