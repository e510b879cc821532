/* test-serial-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * python-can's serial frame format, byte by byte.
 */

#include <string.h>

#include <canopy.h>

#include "canopy-serial-codec-private.h"

typedef struct
{
  CanopyMessage msgs[32];
  guint32       stamps[32];
  guint         n;
  gsize         skipped;
} Collected;

static void
feed_all (CanopySerialDecoder *decoder,
          const guint8        *data,
          gsize                len,
          Collected           *out)
{
  while (len > 0)
    {
      gsize consumed = 0, skipped = 0;
      CanopySerialResult r = _canopy_serial_decoder_feed (decoder, data, len, &consumed,
                                                          &out->msgs[out->n], &out->stamps[out->n],
                                                          &skipped);

      g_assert_cmpuint (consumed, <=, len);
      g_assert_true (consumed > 0 || r != CANOPY_SERIAL_NEED_MORE);
      data += consumed;
      len -= consumed;
      out->skipped += skipped;
      if (r == CANOPY_SERIAL_FRAME)
        out->n++;
    }
}

/* The bytes python-can 4.1's SerialBus.send() writes for
 * Message(timestamp=1.5, arbitration_id=0x123, data=[0x11, 0x22, 0x33]). */
static const guint8 pycan_frame[] = {
  0xAA, 0xDC, 0x05, 0x00, 0x00, 0x03, 0x23, 0x01, 0x00, 0x00, 0x11, 0x22, 0x33, 0xBB,
};

static void
test_decode_reference (void)
{
  CanopySerialDecoder decoder;
  Collected out = { 0 };

  _canopy_serial_decoder_init (&decoder);
  feed_all (&decoder, pycan_frame, sizeof pycan_frame, &out);
  g_assert_cmpuint (out.n, ==, 1);
  g_assert_cmpuint (out.skipped, ==, 0);
  g_assert_cmphex (out.msgs[0].arbitration_id, ==, 0x123);
  g_assert_cmpuint (out.msgs[0].dlc, ==, 3);
  g_assert_cmphex (out.msgs[0].data[2], ==, 0x33);
  g_assert_cmpuint (out.stamps[0], ==, 1500);
}

static void
test_encode_reference (void)
{
  CanopyMessage msg = { .timestamp_ns = 1500000000, .arbitration_id = 0x123, .dlc = 3,
                        .data = { 0x11, 0x22, 0x33 }, .channel = -1 };
  guint8 buf[CANOPY_SERIAL_MAX_FRAME];

  g_assert_cmpmem (buf, _canopy_serial_encode_frame (buf, &msg), pycan_frame, sizeof pycan_frame);

  msg.dlc = 12;
  msg.flags = CANOPY_MESSAGE_FD;
  g_assert_cmpuint (_canopy_serial_encode_frame (buf, &msg), ==, 0);
  msg.dlc = 1;
  msg.flags = CANOPY_MESSAGE_REMOTE;
  g_assert_cmpuint (_canopy_serial_encode_frame (buf, &msg), ==, 0);
}

/* Garbage, a start byte inside garbage, a bad DLC, a missing end byte: all
 * skipped and counted, the frames around them intact. */
static void
test_resync (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  static const guint8 noise[] = { 0x00, 0x13, 0xBB, 0xFF };
  static const guint8 bad_dlc[] = { 0xAA, 0, 0, 0, 0, 9 };
  guint8 bad_end[sizeof pycan_frame];
  CanopySerialDecoder decoder;
  Collected out = { 0 };

  memcpy (bad_end, pycan_frame, sizeof bad_end);
  bad_end[sizeof bad_end - 1] = 0xCC;

  g_byte_array_append (input, noise, sizeof noise);
  g_byte_array_append (input, pycan_frame, sizeof pycan_frame);
  g_byte_array_append (input, bad_dlc, sizeof bad_dlc);
  g_byte_array_append (input, pycan_frame, sizeof pycan_frame);
  g_byte_array_append (input, bad_end, sizeof bad_end);
  g_byte_array_append (input, pycan_frame, sizeof pycan_frame);

  for (gsize cut = 0; cut <= input->len; cut++)
    {
      memset (&out, 0, sizeof out);
      _canopy_serial_decoder_init (&decoder);
      feed_all (&decoder, input->data, cut, &out);
      feed_all (&decoder, input->data + cut, input->len - cut, &out);
      g_assert_cmpuint (out.n, ==, 3);
      for (guint i = 0; i < 3; i++)
        g_assert_cmphex (out.msgs[i].data[2], ==, 0x33);
      g_assert_cmpuint (out.skipped, ==, sizeof noise + sizeof bad_dlc + sizeof bad_end);
    }
}

static void
test_extended (void)
{
  CanopyMessage msg = { .arbitration_id = 0x1ABCDEF0, .flags = CANOPY_MESSAGE_EXTENDED, .dlc = 8,
                        .data = { 1, 2, 3, 4, 5, 6, 7, 8 }, .channel = -1 };
  guint8 buf[CANOPY_SERIAL_MAX_FRAME];
  CanopySerialDecoder decoder;
  Collected out = { 0 };

  _canopy_serial_decoder_init (&decoder);
  feed_all (&decoder, buf, _canopy_serial_encode_frame (buf, &msg), &out);
  g_assert_cmpuint (out.n, ==, 1);
  g_assert_true (canopy_message_equal (&msg, &out.msgs[0]));
}

/* Random bytes never stop the decoder; a frame after them is found. */
static void
test_random (void)
{
  for (guint round = 0; round < 200; round++)
    {
      guint8 noise[512];
      CanopySerialDecoder decoder;
      Collected out = { 0 };

      for (guint i = 0; i < sizeof noise; i++)
        noise[i] = g_test_rand_int_range (0, 256);
      _canopy_serial_decoder_init (&decoder);
      for (gsize pos = 0; pos < sizeof noise;)
        {
          CanopyMessage msg;
          guint32 stamp;
          gsize consumed = 0, skipped;

          _canopy_serial_decoder_feed (&decoder, noise + pos, sizeof noise - pos, &consumed, &msg, &stamp, &skipped);
          g_assert_cmpuint (consumed, <=, sizeof noise - pos);
          pos += consumed;
        }
      /* Twice: the first may complete a frame begun by the noise. */
      feed_all (&decoder, pycan_frame, sizeof pycan_frame, &out);
      feed_all (&decoder, pycan_frame, sizeof pycan_frame, &out);
      g_assert_cmpuint (out.n, >=, 1);
      g_assert_cmphex (out.msgs[out.n - 1].arbitration_id, ==, 0x123);
      g_assert_cmphex (out.msgs[out.n - 1].data[2], ==, 0x33);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/serial/codec/decode-reference", test_decode_reference);
  g_test_add_func ("/serial/codec/encode-reference", test_encode_reference);
  g_test_add_func ("/serial/codec/resync", test_resync);
  g_test_add_func ("/serial/codec/extended", test_extended);
  g_test_add_func ("/serial/codec/random", test_random);

  return g_test_run ();
}
