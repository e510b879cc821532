/* test-socketcand-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The socketcand text protocol, element by element, as the daemon and
 * python-can 4.1 write it.
 */

#include <string.h>

#include <canopy.h>

#include "canopy-socketcand-codec-private.h"

typedef struct
{
  CanopySocketcandResult  results[32];
  CanopySocketcandElement elements[32];
  guint                   n;
} Collected;

static void
feed_all (CanopySocketcandDecoder *decoder,
          const char              *data,
          gsize                    len,
          Collected               *out)
{
  while (len > 0)
    {
      gsize consumed = 0;
      CanopySocketcandResult r = _canopy_socketcand_decoder_feed (decoder, (const guint8 *) data, len,
                                                                  &consumed, &out->elements[out->n]);

      g_assert_cmpuint (consumed, <=, len);
      g_assert_true (consumed > 0 || r != CANOPY_SOCKETCAND_NEED_MORE);
      data += consumed;
      len -= consumed;
      if (r != CANOPY_SOCKETCAND_NEED_MORE)
        out->results[out->n++] = r;
    }
}

static void
test_session (void)
{
  /* What the daemon says, with python-can's `send` (bytes without leading
   * zeros, hex length) in between. */
  static const char input[] =
    "< hi >< ok >"
    "< frame 123 1700000000.250000 11223344 >"
    "< frame 1ABCDEF0 23.000001  >"
    "< send 7FF 3 a 0 ff >"
    "< open can0 >< rawmode >"
    "< error 00000004 5.5 0004000000000000 >"
    "< error could not open bus >";
  CanopySocketcandDecoder decoder;
  Collected out = { 0 };

  _canopy_socketcand_decoder_init (&decoder);
  feed_all (&decoder, input, strlen (input), &out);

  g_assert_cmpuint (out.n, ==, 9);
  g_assert_cmpint (out.results[0], ==, CANOPY_SOCKETCAND_HI);
  g_assert_cmpint (out.results[1], ==, CANOPY_SOCKETCAND_OK);

  g_assert_cmpint (out.results[2], ==, CANOPY_SOCKETCAND_FRAME);
  g_assert_cmphex (out.elements[2].msg.arbitration_id, ==, 0x123);
  g_assert_false (out.elements[2].msg.flags & CANOPY_MESSAGE_EXTENDED);
  g_assert_cmpint (out.elements[2].msg.timestamp_ns, ==, G_GINT64_CONSTANT (1700000000250000000));
  g_assert_cmpuint (out.elements[2].msg.dlc, ==, 4);
  g_assert_cmphex (out.elements[2].msg.data[3], ==, 0x44);

  g_assert_cmpint (out.results[3], ==, CANOPY_SOCKETCAND_FRAME);
  g_assert_true (out.elements[3].msg.flags & CANOPY_MESSAGE_EXTENDED);
  g_assert_cmpuint (out.elements[3].msg.dlc, ==, 0);
  g_assert_cmpint (out.elements[3].msg.timestamp_ns, ==, G_GINT64_CONSTANT (23000001000));

  g_assert_cmpint (out.results[4], ==, CANOPY_SOCKETCAND_SEND);
  g_assert_cmphex (out.elements[4].msg.arbitration_id, ==, 0x7FF);
  g_assert_cmpuint (out.elements[4].msg.dlc, ==, 3);
  g_assert_cmphex (out.elements[4].msg.data[0], ==, 0x0A);
  g_assert_cmphex (out.elements[4].msg.data[2], ==, 0xFF);

  g_assert_cmpint (out.results[5], ==, CANOPY_SOCKETCAND_OPEN);
  g_assert_cmpstr (out.elements[5].text, ==, "can0");
  g_assert_cmpint (out.results[6], ==, CANOPY_SOCKETCAND_RAWMODE);

  g_assert_cmpint (out.results[7], ==, CANOPY_SOCKETCAND_ERROR_FRAME);
  g_assert_true (out.elements[7].msg.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (out.elements[7].msg.arbitration_id, ==, 0x4);
  g_assert_cmpuint (out.elements[7].msg.dlc, ==, 8);

  g_assert_cmpint (out.results[8], ==, CANOPY_SOCKETCAND_ERROR);
  g_assert_cmpstr (out.elements[8].text, ==, "could not open bus");
}

static void
test_garbage (void)
{
  g_autoptr(GString) input = g_string_new ("  \n< ok >junk< frame 123 1.0 11 >");

  g_string_append (input, "< frame 800 1.0 11 >");       /* 3 digits above 0x7FF: extended */
  g_string_append (input, "< frame 123 x.0 11 >");       /* bad time */
  g_string_append (input, "< frame 123 1.0 1 >");        /* odd digits */
  g_string_append (input, "< frame 123 1.0 112233445566778899 >"); /* 9 bytes */
  g_string_append (input, "< send 123 2 11 >");          /* length mismatch */
  g_string_append (input, "< frame 123 1.0 ");           /* cut by the next element */
  g_string_append (input, "< ");
  for (guint i = 0; i < 2000; i++)
    g_string_append_c (input, 'z');
  g_string_append (input, " >< frame 456 2.5 AA >");

  {
    CanopySocketcandDecoder decoder;
    Collected out = { 0 };
    guint frames = 0, skipped = 0;

    _canopy_socketcand_decoder_init (&decoder);
    feed_all (&decoder, input->str, input->len, &out);
    for (guint i = 0; i < out.n; i++)
      {
        if (out.results[i] == CANOPY_SOCKETCAND_FRAME)
          frames++;
        else if (out.results[i] == CANOPY_SOCKETCAND_SKIPPED)
          skipped++;
      }
    g_assert_cmpint (out.results[0], ==, CANOPY_SOCKETCAND_OK);
    g_assert_cmpint (out.results[1], ==, CANOPY_SOCKETCAND_SKIPPED);   /* junk */
    g_assert_cmpuint (frames, ==, 3);
    g_assert_cmpuint (skipped, ==, 7);
    g_assert_true (out.elements[3].msg.flags & CANOPY_MESSAGE_EXTENDED);
    g_assert_cmphex (out.elements[out.n - 1].msg.arbitration_id, ==, 0x456);
    g_assert_cmphex (out.elements[out.n - 1].msg.data[0], ==, 0xAA);
  }
}

/* The last representable nanosecond (2262-04-11) is a time; one more
 * microsecond, or one more second, is a refused element, never a wrapped
 * or undefined one (found by tests/fuzz/fuzz-socketcand). */
static void
test_time_limits (void)
{
  static const struct { const char *text; gboolean ok; gint64 ns; } cases[] = {
    { "frame 123 9223372036.854775 11", TRUE, G_GINT64_CONSTANT (9223372036854775000) },
    { "frame 123 9223372036.854776 11", FALSE, 0 },
    { "frame 123 9223372036.900000 11", FALSE, 0 },
    { "frame 123 9223372037 11", FALSE, 0 },
    { "frame 123 9223372039.0 11", FALSE, 0 },
    { "frame 123 99999999999999999999999.5 11", FALSE, 0 },
    { "error 4 9223372037.0 0004000000000000", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CanopySocketcandElement element;
      CanopySocketcandResult r = _canopy_socketcand_parse_element (cases[i].text, strlen (cases[i].text),
                                                                   &element);

      if (cases[i].ok)
        {
          g_assert_cmpint (r, ==, CANOPY_SOCKETCAND_FRAME);
          g_assert_cmpint (element.msg.timestamp_ns, ==, cases[i].ns);
        }
      else
        g_assert_cmpint (r, !=, g_str_has_prefix (cases[i].text, "error") ? CANOPY_SOCKETCAND_ERROR_FRAME
                                                                           : CANOPY_SOCKETCAND_FRAME);
    }
}

static void
test_encode (void)
{
  char buf[CANOPY_SOCKETCAND_MAX_ELEMENT];
  CanopyMessage msg = { .timestamp_ns = G_GINT64_CONSTANT (1700000000250000000), .arbitration_id = 0x123,
                        .dlc = 3, .data = { 0x01, 0xAB, 0xFF }, .channel = -1 };
  CanopySocketcandElement element;
  gsize len;

  len = _canopy_socketcand_encode_frame (buf, &msg);
  buf[len] = '\0';
  g_assert_cmpstr (buf, ==, "< frame 123 1700000000.250000 01ABFF >");

  len = _canopy_socketcand_encode_send (buf, &msg);
  buf[len] = '\0';
  g_assert_cmpstr (buf, ==, "< send 123 3 01 AB FF >");
  g_assert_cmpint (_canopy_socketcand_parse_element (buf + 1, len - 2, &element), ==, CANOPY_SOCKETCAND_SEND);
  msg.timestamp_ns = 0;
  g_assert_true (canopy_message_equal (&msg, &element.msg));

  msg.flags = CANOPY_MESSAGE_EXTENDED;
  msg.arbitration_id = 0x42;
  msg.dlc = 0;
  len = _canopy_socketcand_encode_frame (buf, &msg);
  buf[len] = '\0';
  /* Empty data keeps its field, as socketcand writes it. */
  g_assert_cmpstr (buf, ==, "< frame 00000042 0.000000  >");
  g_assert_cmpint (_canopy_socketcand_parse_element (buf + 1, len - 2, &element), ==, CANOPY_SOCKETCAND_FRAME);
  g_assert_true (canopy_message_equal (&msg, &element.msg));

  msg.flags = CANOPY_MESSAGE_ERROR;
  msg.arbitration_id = 0x20;
  msg.dlc = 8;
  len = _canopy_socketcand_encode_frame (buf, &msg);
  g_assert_cmpint (_canopy_socketcand_parse_element (buf + 1, len - 2, &element), ==, CANOPY_SOCKETCAND_ERROR_FRAME);
  g_assert_cmphex (element.msg.arbitration_id, ==, 0x20);

  msg.flags = CANOPY_MESSAGE_FD;
  msg.dlc = 12;
  g_assert_cmpuint (_canopy_socketcand_encode_frame (buf, &msg), ==, 0);
  g_assert_cmpuint (_canopy_socketcand_encode_send (buf, &msg), ==, 0);

  len = _canopy_socketcand_encode_word (buf, "error", "bad <thing>");
  buf[len] = '\0';
  g_assert_cmpstr (buf, ==, "< error bad  thing  >");
  len = _canopy_socketcand_encode_word (buf, "hi", NULL);
  buf[len] = '\0';
  g_assert_cmpstr (buf, ==, "< hi >");
}

/* Random text never stops the decoder; an element after it is found. */
static void
test_random (void)
{
  static const char alphabet[] = "<> frame send error 0123456789ABCDEFabcdef.\n";

  for (guint round = 0; round < 200; round++)
    {
      char noise[512];
      CanopySocketcandDecoder decoder;
      Collected out = { 0 };
      static const char frame[] = "< frame 321 1.5 C0FFEE >";

      for (guint i = 0; i < sizeof noise; i++)
        noise[i] = g_test_rand_bit () ? alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)]
                                      : g_test_rand_int_range (0, 256);
      _canopy_socketcand_decoder_init (&decoder);
      for (gsize pos = 0; pos < sizeof noise;)
        {
          CanopySocketcandElement element;
          gsize consumed = 0;

          _canopy_socketcand_decoder_feed (&decoder, (const guint8 *) noise + pos, sizeof noise - pos,
                                           &consumed, &element);
          g_assert_cmpuint (consumed, <=, sizeof noise - pos);
          pos += consumed;
        }
      feed_all (&decoder, frame, strlen (frame), &out);
      g_assert_cmpuint (out.n, >=, 1);
      g_assert_cmpint (out.results[out.n - 1], ==, CANOPY_SOCKETCAND_FRAME);
      g_assert_cmphex (out.elements[out.n - 1].msg.arbitration_id, ==, 0x321);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/socketcand/codec/session", test_session);
  g_test_add_func ("/socketcand/codec/garbage", test_garbage);
  g_test_add_func ("/socketcand/codec/time-limits", test_time_limits);
  g_test_add_func ("/socketcand/codec/encode", test_encode);
  g_test_add_func ("/socketcand/codec/random", test_random);

  return g_test_run ();
}
