/* test-slcan-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Lawicel line codec alone: what adapters write, byte by byte.
 */

#include <string.h>

#include <canopy.h>

#include "canopy-slcan-codec-private.h"

typedef struct
{
  CanopySlcanResult results[64];
  CanopySlcanLine   lines[64];
  guint             n;
} Collected;

static void
feed_all (CanopySlcanDecoder *decoder,
          const char         *data,
          gsize               len,
          Collected          *out)
{
  while (len > 0)
    {
      gsize consumed = 0;
      CanopySlcanResult r = _canopy_slcan_decoder_feed (decoder, (const guint8 *) data, len,
                                                        &consumed, &out->lines[out->n]);

      g_assert_cmpuint (consumed, >, 0);
      g_assert_cmpuint (consumed, <=, len);
      data += consumed;
      len -= consumed;
      if (r != CANOPY_SLCAN_NEED_MORE)
        out->results[out->n++] = r;
    }
}

static void
test_frames (void)
{
  static const char input[] = "t1232AABB\rT1ABCDEF08" "0102030405060708\rr7FF4\rR000000010\rt0000\rt1231001A2B\r";
  CanopySlcanDecoder decoder;
  Collected out = { 0 };

  _canopy_slcan_decoder_init (&decoder);
  feed_all (&decoder, input, strlen (input), &out);

  g_assert_cmpuint (out.n, ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (out.results[i], ==, CANOPY_SLCAN_FRAME);

  g_assert_cmphex (out.lines[0].msg.arbitration_id, ==, 0x123);
  g_assert_cmpuint (out.lines[0].msg.dlc, ==, 2);
  g_assert_cmphex (out.lines[0].msg.data[0], ==, 0xAA);
  g_assert_cmphex (out.lines[0].msg.data[1], ==, 0xBB);
  g_assert_false (out.lines[0].has_timestamp);

  g_assert_cmphex (out.lines[1].msg.arbitration_id, ==, 0x1ABCDEF0);
  g_assert_true (out.lines[1].msg.flags & CANOPY_MESSAGE_EXTENDED);
  g_assert_cmpuint (out.lines[1].msg.dlc, ==, 8);
  g_assert_cmphex (out.lines[1].msg.data[7], ==, 0x08);

  g_assert_true (out.lines[2].msg.flags & CANOPY_MESSAGE_REMOTE);
  g_assert_cmpuint (out.lines[2].msg.dlc, ==, 4);
  g_assert_true ((out.lines[3].msg.flags & (CANOPY_MESSAGE_REMOTE | CANOPY_MESSAGE_EXTENDED)) ==
                 (CANOPY_MESSAGE_REMOTE | CANOPY_MESSAGE_EXTENDED));
  g_assert_cmpuint (out.lines[4].msg.dlc, ==, 0);
  g_assert_true (out.lines[5].has_timestamp);
  g_assert_cmpuint (out.lines[5].timestamp_ms, ==, 0x1A2B);
}

static void
test_timestamps (void)
{
  static const char input[] = "t1231011A2B\rt123100EA5F\r";
  CanopySlcanDecoder decoder;
  Collected out = { 0 };

  _canopy_slcan_decoder_init (&decoder);
  feed_all (&decoder, input, strlen (input), &out);
  g_assert_cmpuint (out.n, ==, 2);
  g_assert_cmpint (out.results[0], ==, CANOPY_SLCAN_FRAME);
  g_assert_true (out.lines[0].has_timestamp);
  g_assert_cmpuint (out.lines[0].timestamp_ms, ==, 0x1A2B);
  g_assert_cmpuint (out.lines[0].msg.dlc, ==, 1);
  g_assert_cmphex (out.lines[0].msg.data[0], ==, 0x01);
  /* 0xEA5F = 59999, the last millisecond of the minute */
  g_assert_cmpuint (out.lines[1].timestamp_ms, ==, 59999);
}

static void
test_replies (void)
{
  static const char input[] = "\r\az\rZ\rV1013\rNA123\rF88\r";
  CanopySlcanDecoder decoder;
  Collected out = { 0 };

  _canopy_slcan_decoder_init (&decoder);
  feed_all (&decoder, input, strlen (input), &out);
  g_assert_cmpuint (out.n, ==, 7);
  g_assert_cmpint (out.results[0], ==, CANOPY_SLCAN_OK);
  g_assert_cmpint (out.results[1], ==, CANOPY_SLCAN_BELL);
  g_assert_cmpint (out.results[2], ==, CANOPY_SLCAN_TX_ACK);
  g_assert_cmpint (out.results[3], ==, CANOPY_SLCAN_TX_ACK);
  g_assert_cmpint (out.results[4], ==, CANOPY_SLCAN_VERSION);
  g_assert_cmpstr (out.lines[4].text, ==, "1013");
  g_assert_cmpint (out.results[5], ==, CANOPY_SLCAN_SERIAL);
  g_assert_cmpstr (out.lines[5].text, ==, "A123");
  g_assert_cmpint (out.results[6], ==, CANOPY_SLCAN_STATUS);
  g_assert_cmphex (out.lines[6].status, ==, CANOPY_SLCAN_STATUS_DATA_OVERRUN | CANOPY_SLCAN_STATUS_BUS_ERROR);
}

/* Every way a line can be wrong is skipped alone; the good lines around it
 * survive. */
static void
test_garbage (void)
{
  g_autoptr(GString) input = g_string_new (NULL);
  CanopySlcanDecoder decoder;
  Collected out = { 0 };

  g_string_append (input, "t1231AA\r");
  g_string_append (input, "hello\r");              /* unknown command */
  g_string_append (input, "t8001AA\r");            /* standard id above 0x7FF */
  g_string_append (input, "t1239" "00\r");         /* DLC 9 */
  g_string_append (input, "t1232AA\r");            /* data too short */
  g_string_append (input, "t1231AAB\r");           /* stray digit */
  g_string_append (input, "t1231AAFFFF\r");        /* timestamp 65535 >= 60000 */
  g_string_append (input, "t1231GG\r");            /* not hex */
  for (guint i = 0; i < 1000; i++)                 /* over-long line */
    g_string_append_c (input, 'x');
  g_string_append (input, "\r");
  g_string_append (input, "t12");                  /* cut by a BELL */
  g_string_append (input, "\a");
  g_string_append (input, "t3212CCDD\r");

  _canopy_slcan_decoder_init (&decoder);
  feed_all (&decoder, input->str, input->len, &out);

  g_assert_cmpuint (out.n, ==, 11);
  g_assert_cmpint (out.results[0], ==, CANOPY_SLCAN_FRAME);
  for (guint i = 1; i < 10; i++)
    g_assert_cmpint (out.results[i], ==, CANOPY_SLCAN_SKIPPED);
  g_assert_cmpint (out.results[10], ==, CANOPY_SLCAN_FRAME);
  g_assert_cmphex (out.lines[10].msg.arbitration_id, ==, 0x321);
  g_assert_cmphex (out.lines[10].msg.data[1], ==, 0xDD);
}

/* Frames split at every possible byte decode the same as whole ones. */
static void
test_split (void)
{
  static const char input[] = "T1ABCDEF08" "0102030405060708" "1234\rt1232AABB\r";
  gsize len = strlen (input);

  for (gsize cut = 1; cut < len; cut++)
    {
      CanopySlcanDecoder decoder;
      Collected out = { 0 };

      _canopy_slcan_decoder_init (&decoder);
      feed_all (&decoder, input, cut, &out);
      feed_all (&decoder, input + cut, len - cut, &out);
      g_assert_cmpuint (out.n, ==, 2);
      g_assert_cmphex (out.lines[0].msg.arbitration_id, ==, 0x1ABCDEF0);
      g_assert_cmpuint (out.lines[0].timestamp_ms, ==, 0x1234);
      g_assert_cmphex (out.lines[1].msg.data[1], ==, 0xBB);
    }
}

static void
test_encode_round_trip (void)
{
  static const guint lengths[] = { 0, 1, 8 };
  static const guint32 flag_sets[] = {
    0, CANOPY_MESSAGE_EXTENDED, CANOPY_MESSAGE_REMOTE, CANOPY_MESSAGE_REMOTE | CANOPY_MESSAGE_EXTENDED,
  };

  for (guint f = 0; f < G_N_ELEMENTS (flag_sets); f++)
    for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
      {
        CanopyMessage msg = { .arbitration_id = (flag_sets[f] & CANOPY_MESSAGE_EXTENDED) ? 0x1FFFFFFF : 0x7FF,
                              .flags = flag_sets[f], .dlc = lengths[l], .channel = -1 };
        char buf[CANOPY_SLCAN_MAX_COMMAND];
        CanopySlcanLine line;
        gsize len;

        for (guint i = 0; i < msg.dlc; i++)
          msg.data[i] = (flag_sets[f] & CANOPY_MESSAGE_REMOTE) ? 0 : 0xF0 + i;

        len = _canopy_slcan_encode_frame (buf, &msg);
        g_assert_cmpuint (len, >, 0);
        g_assert_cmpint (buf[len - 1], ==, '\r');
        g_assert_cmpint (_canopy_slcan_parse_line (buf, len - 1, &line), ==, CANOPY_SLCAN_FRAME);
        g_assert_true (canopy_message_equal (&msg, &line.msg));
      }

  {
    CanopyMessage fd = { .arbitration_id = 0x10, .flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS, .dlc = 64, .channel = -1 };
    char buf[CANOPY_SLCAN_MAX_COMMAND];
    CanopySlcanLine line;
    gsize len;

    fd.data[63] = 0x5A;
    len = _canopy_slcan_encode_frame (buf, &fd);
    g_assert_cmpint (buf[0], ==, 'b');
    g_assert_cmpint (_canopy_slcan_parse_line (buf, len - 1, &line), ==, CANOPY_SLCAN_FRAME);
    g_assert_true (canopy_message_equal (&fd, &line.msg));

    fd.dlc = 63;     /* no CAN FD length */
    g_assert_cmpuint (_canopy_slcan_encode_frame (buf, &fd), ==, 0);
  }
}

static void
test_encode_commands (void)
{
  char buf[CANOPY_SLCAN_MAX_COMMAND];
  CanopyMessage msg = { .arbitration_id = 0x123, .dlc = 2, .data = { 0xAB, 0x01 }, .channel = -1 };

  g_assert_cmpuint (_canopy_slcan_encode_frame (buf, &msg), ==, 10);
  g_assert_cmpmem (buf, 10, "t1232AB01\r", 10);

  g_assert_cmpuint (_canopy_slcan_encode_bitrate (buf, 10000), ==, 3);
  g_assert_cmpmem (buf, 3, "S0\r", 3);
  g_assert_cmpuint (_canopy_slcan_encode_bitrate (buf, 500000), ==, 3);
  g_assert_cmpmem (buf, 3, "S6\r", 3);
  g_assert_cmpuint (_canopy_slcan_encode_bitrate (buf, 1000000), ==, 3);
  g_assert_cmpmem (buf, 3, "S8\r", 3);
  g_assert_cmpuint (_canopy_slcan_encode_bitrate (buf, 33333), ==, 0);

  g_assert_cmpuint (_canopy_slcan_encode_btr (buf, "031c"), ==, 6);
  g_assert_cmpmem (buf, 6, "s031C\r", 6);
  g_assert_cmpuint (_canopy_slcan_encode_btr (buf, "31C"), ==, 0);
  g_assert_cmpuint (_canopy_slcan_encode_btr (buf, "03XC"), ==, 0);

  msg.flags = CANOPY_MESSAGE_ERROR;
  g_assert_cmpuint (_canopy_slcan_encode_frame (buf, &msg), ==, 0);
}

/* Random bytes, fed in random pieces: the decoder always moves on, never
 * reads past its buffer, and decodes a valid line that follows. */
static void
test_random (void)
{
  for (guint round = 0; round < 200; round++)
    {
      guint8 noise[512];
      CanopySlcanDecoder decoder;
      Collected out = { 0 };
      gsize pos = 0;

      for (guint i = 0; i < sizeof noise; i++)
        noise[i] = g_test_rand_int_range (0, 256);
      _canopy_slcan_decoder_init (&decoder);
      while (pos < sizeof noise)
        {
          /* Not inside MIN(): it would draw twice. */
          gsize want = g_test_rand_int_range (1, 64);
          gsize piece = MIN (want, sizeof noise - pos);
          CanopySlcanLine line;

          while (piece > 0)
            {
              gsize consumed = 0;

              _canopy_slcan_decoder_feed (&decoder, noise + pos, piece, &consumed, &line);
              g_assert_cmpuint (consumed, >, 0);
              g_assert_cmpuint (consumed, <=, piece);
              pos += consumed;
              piece -= consumed;
            }
        }
      /* A line end resynchronises; the next frame is whole. */
      feed_all (&decoder, "\rt1231AB\r", 10, &out);
      g_assert_cmpint (out.results[out.n - 1], ==, CANOPY_SLCAN_FRAME);
      g_assert_cmphex (out.lines[out.n - 1].msg.data[0], ==, 0xAB);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/slcan/codec/frames", test_frames);
  g_test_add_func ("/slcan/codec/timestamps", test_timestamps);
  g_test_add_func ("/slcan/codec/replies", test_replies);
  g_test_add_func ("/slcan/codec/garbage", test_garbage);
  g_test_add_func ("/slcan/codec/split", test_split);
  g_test_add_func ("/slcan/codec/encode-round-trip", test_encode_round_trip);
  g_test_add_func ("/slcan/codec/encode-commands", test_encode_commands);
  g_test_add_func ("/slcan/codec/random", test_random);

  return g_test_run ();
}
