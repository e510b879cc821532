/* test-remote-protocol.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The byte strings below are written by hand from the tables of the
 * "Remote" section of the python-can 2.0 reference: one byte of event id,
 * then big-endian fields.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <canopy.h>

#include "canopy-remote-protocol-private.h"

/* BusRequest: U8 version 1, S32 bitrate 500000 (0x0007A120) */
static const guint8 bus_request[] = { 0x01, 0x01, 0x00, 0x07, 0xA1, 0x20 };
/* BusRequest with a negative bitrate, as S32 */
static const guint8 bus_request_neg[] = { 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFE };
/* BusResponse: U8 length 5, "vcan0" */
static const guint8 bus_response[] = { 0x02, 0x05, 'v', 'c', 'a', 'n', '0' };
/* CanMessage: F64 1.5, U32 0x123, DLC 3, flags 0, data 11 22 33 padded */
static const guint8 can_message[] = {
  0x03,
  0x3F, 0xF8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x01, 0x23,
  0x03,
  0x00,
  0x11, 0x22, 0x33, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* CanMessage: F64 -2.0, extended 0x1ABCDEF0, DLC 8, flags extended|remote */
static const guint8 can_message_ext_rtr[] = {
  0x03,
  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x1A, 0xBC, 0xDE, 0xF0,
  0x08,
  0x03,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* CanMessage: F64 0.0, id 0x7FF, error frame, 8 data bytes */
static const guint8 can_message_error[] = {
  0x03,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x07, 0xFF,
  0x08,
  0x04,
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};
static const guint8 transmit_success[] = { 0x04 };
/* RemoteException: U8 length 4, "boom" */
static const guint8 remote_exception[] = { 0x06, 0x04, 'b', 'o', 'o', 'm' };
/* FilterConfig: 2 filters, {0x11, 0x21} and {0x100, 0x7FF} */
static const guint8 filter_config[] = {
  0x0A, 0x02,
  0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x21,
  0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0xFF,
};
static const guint8 filter_config_empty[] = { 0x0A, 0x00 };
static const guint8 connection_closed[] = { 0xFF };

typedef struct
{
  const guint8 *bytes;
  gsize         len;
} Sample;

#define SAMPLE(x) { x, sizeof x }

static const Sample samples[] = {
  SAMPLE (bus_request),
  SAMPLE (bus_request_neg),
  SAMPLE (bus_response),
  SAMPLE (can_message),
  SAMPLE (can_message_ext_rtr),
  SAMPLE (can_message_error),
  SAMPLE (transmit_success),
  SAMPLE (remote_exception),
  SAMPLE (filter_config),
  SAMPLE (filter_config_empty),
  SAMPLE (connection_closed),
};

static void
assert_bytes (const guint8 *got,
              gsize         got_len,
              const guint8 *want,
              gsize         want_len)
{
  g_assert_cmpmem (got, got_len, want, want_len);
}

static void
decode_one (const guint8      *bytes,
            gsize              len,
            CanopyRemoteEvent *event)
{
  g_autoptr(GError) error = NULL;
  CanopyRemoteDecoder decoder;
  gsize consumed;

  _canopy_remote_decoder_init (&decoder);
  g_assert_cmpint (_canopy_remote_decoder_feed (&decoder, bytes, len, &consumed, event, &error),
                   ==, CANOPY_REMOTE_DECODE_EVENT);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, len);
  g_assert_true (_canopy_remote_decoder_is_idle (&decoder));
}

static void
test_bus_request (void)
{
  CanopyRemoteEvent event;
  guint8 buf[CANOPY_REMOTE_MAX_EVENT_SIZE];
  gsize len;

  len = _canopy_remote_encode_bus_request (buf, 1, 500000);
  assert_bytes (buf, len, bus_request, sizeof bus_request);
  len = _canopy_remote_encode_bus_request (buf, 2, -2);
  assert_bytes (buf, len, bus_request_neg, sizeof bus_request_neg);

  decode_one (bus_request, sizeof bus_request, &event);
  g_assert_cmpint (event.type, ==, CANOPY_REMOTE_EVENT_BUS_REQUEST);
  g_assert_cmpuint (event.bus_request.version, ==, 1);
  g_assert_cmpint (event.bus_request.bitrate, ==, 500000);

  decode_one (bus_request_neg, sizeof bus_request_neg, &event);
  g_assert_cmpuint (event.bus_request.version, ==, 2);
  g_assert_cmpint (event.bus_request.bitrate, ==, -2);
}

static void
test_text_events (void)
{
  CanopyRemoteEvent event;
  guint8 buf[CANOPY_REMOTE_MAX_EVENT_SIZE];
  gsize len;

  len = _canopy_remote_encode_text (buf, CANOPY_REMOTE_EVENT_BUS_RESPONSE, "vcan0");
  assert_bytes (buf, len, bus_response, sizeof bus_response);
  len = _canopy_remote_encode_text (buf, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION, "boom");
  assert_bytes (buf, len, remote_exception, sizeof remote_exception);

  decode_one (bus_response, sizeof bus_response, &event);
  g_assert_cmpint (event.type, ==, CANOPY_REMOTE_EVENT_BUS_RESPONSE);
  g_assert_cmpstr (event.text, ==, "vcan0");

  decode_one (remote_exception, sizeof remote_exception, &event);
  g_assert_cmpint (event.type, ==, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION);
  g_assert_cmpstr (event.text, ==, "boom");
}

static void
test_text_truncated (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  CanopyRemoteEvent event;
  guint8 buf[CANOPY_REMOTE_MAX_EVENT_SIZE];
  gsize len;

  /* 300 two-byte characters: cut to 127 whole ones (254 bytes), never in
   * the middle of one. */
  for (guint i = 0; i < 300; i++)
    g_string_append (text, "é");

  len = _canopy_remote_encode_text (buf, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION, text->str);
  g_assert_cmpuint (len, ==, 2 + 254);
  g_assert_cmpuint (buf[1], ==, 254);

  decode_one (buf, len, &event);
  g_assert_true (g_utf8_validate (event.text, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (event.text, -1), ==, 127);

  /* Plain ASCII is cut at 255 bytes. */
  g_string_truncate (text, 0);
  for (guint i = 0; i < 300; i++)
    g_string_append_c (text, 'x');
  len = _canopy_remote_encode_text (buf, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION, text->str);
  g_assert_cmpuint (len, ==, 2 + 255);
}

static void
test_can_message (void)
{
  CanopyRemoteEvent event;
  CanopyMessage msg;
  guint8 buf[CANOPY_REMOTE_MAX_EVENT_SIZE];
  const guint8 data[] = { 0x11, 0x22, 0x33 };
  const guint8 data8[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  gsize len;

  canopy_message_init (&msg, 0x123, FALSE, data, sizeof data);
  msg.timestamp_ns = 1500000000;
  len = _canopy_remote_encode_message (buf, &msg);
  assert_bytes (buf, len, can_message, sizeof can_message);

  decode_one (can_message, sizeof can_message, &event);
  g_assert_cmpint (event.type, ==, CANOPY_REMOTE_EVENT_CAN_MESSAGE);
  g_assert_cmpint (event.message.timestamp_ns, ==, 1500000000);
  g_assert_cmpuint (event.message.arbitration_id, ==, 0x123);
  g_assert_cmpuint (event.message.flags, ==, 0);
  g_assert_cmpuint (event.message.dlc, ==, 3);
  g_assert_cmpint (event.message.channel, ==, CANOPY_CHANNEL_NONE);
  g_assert_cmpmem (event.message.data, 3, data, 3);
  g_assert_cmpuint (event.message.data[3], ==, 0);

  /* Extended remote frame asking for 8 bytes */
  canopy_message_init (&msg, 0x1ABCDEF0, TRUE, NULL, 0);
  canopy_message_set_remote (&msg, TRUE);
  msg.dlc = 8;
  msg.timestamp_ns = -2000000000;
  len = _canopy_remote_encode_message (buf, &msg);
  assert_bytes (buf, len, can_message_ext_rtr, sizeof can_message_ext_rtr);

  decode_one (can_message_ext_rtr, sizeof can_message_ext_rtr, &event);
  g_assert_cmpuint (event.message.arbitration_id, ==, 0x1ABCDEF0);
  g_assert_cmpuint (event.message.flags, ==, CANOPY_MESSAGE_EXTENDED | CANOPY_MESSAGE_REMOTE);
  g_assert_cmpuint (event.message.dlc, ==, 8);
  g_assert_cmpint (event.message.timestamp_ns, ==, -2000000000);

  /* Error frame */
  canopy_message_init (&msg, 0x7FF, FALSE, data8, 8);
  canopy_message_set_error (&msg, TRUE);
  msg.timestamp_ns = 0;
  len = _canopy_remote_encode_message (buf, &msg);
  assert_bytes (buf, len, can_message_error, sizeof can_message_error);
  decode_one (can_message_error, sizeof can_message_error, &event);
  g_assert_cmpuint (event.message.arbitration_id, ==, 0x7FF);
  g_assert_cmpuint (event.message.flags, ==, CANOPY_MESSAGE_ERROR);
  g_assert_cmpmem (event.message.data, 8, data8, 8);

  /* CAN FD and long frames cannot travel. */
  {
    g_autoptr(GError) error = NULL;

    canopy_message_init (&msg, 0x10, FALSE, NULL, 0);
    canopy_message_set_fd (&msg, TRUE);
    g_assert_false (_canopy_remote_message_check (&msg, &error));
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  }
}

static void
test_simple_events (void)
{
  CanopyRemoteEvent event;
  guint8 buf[4];

  g_assert_cmpuint (_canopy_remote_encode_simple (buf, CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS), ==, 1);
  assert_bytes (buf, 1, transmit_success, 1);
  g_assert_cmpuint (_canopy_remote_encode_simple (buf, CANOPY_REMOTE_EVENT_CONNECTION_CLOSED), ==, 1);
  assert_bytes (buf, 1, connection_closed, 1);

  decode_one (transmit_success, 1, &event);
  g_assert_cmpint (event.type, ==, CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS);
  decode_one (connection_closed, 1, &event);
  g_assert_cmpint (event.type, ==, CANOPY_REMOTE_EVENT_CONNECTION_CLOSED);
}

static void
test_filter_config (void)
{
  CanopyRemoteEvent event;
  guint8 buf[CANOPY_REMOTE_MAX_EVENT_SIZE];
  CanopyFilter filters[2] = {
    { .can_id = 0x11, .can_mask = 0x21 },
    { .can_id = 0x100, .can_mask = 0x7FF },
  };
  gsize len;

  len = _canopy_remote_encode_filters (buf, filters, 2);
  assert_bytes (buf, len, filter_config, sizeof filter_config);
  len = _canopy_remote_encode_filters (buf, NULL, 0);
  assert_bytes (buf, len, filter_config_empty, sizeof filter_config_empty);

  decode_one (filter_config, sizeof filter_config, &event);
  g_assert_cmpint (event.type, ==, CANOPY_REMOTE_EVENT_FILTER_CONFIG);
  g_assert_cmpuint (event.filter_config.n_filters, ==, 2);
  g_assert_cmphex (event.filter_config.filters[0].can_id, ==, 0x11);
  g_assert_cmphex (event.filter_config.filters[0].can_mask, ==, 0x21);
  g_assert_false (event.filter_config.filters[0].match_id_type);
  g_assert_cmphex (event.filter_config.filters[1].can_id, ==, 0x100);
  g_assert_cmphex (event.filter_config.filters[1].can_mask, ==, 0x7FF);

  decode_one (filter_config_empty, sizeof filter_config_empty, &event);
  g_assert_cmpuint (event.filter_config.n_filters, ==, 0);

  /* A filter for one id type uses bit 31, as later python-can releases. */
  {
    CanopyFilter ext = { .can_id = 0x1234, .can_mask = 0x1FFFFFFF,
                         .extended = TRUE, .match_id_type = TRUE };
    const guint8 want[] = { 0x0A, 0x01, 0x80, 0x00, 0x12, 0x34, 0x9F, 0xFF, 0xFF, 0xFF };

    len = _canopy_remote_encode_filters (buf, &ext, 1);
    assert_bytes (buf, len, want, sizeof want);
    decode_one (want, sizeof want, &event);
    g_assert_true (event.filter_config.filters[0].match_id_type);
    g_assert_true (event.filter_config.filters[0].extended);
    g_assert_cmphex (event.filter_config.filters[0].can_id, ==, 0x1234);
    g_assert_cmphex (event.filter_config.filters[0].can_mask, ==, 0x1FFFFFFF);
  }

  /* Inverted filters cannot travel. */
  filters[1].inverted = TRUE;
  g_assert_false (_canopy_remote_filters_expressible (filters, 2));
  g_assert_true (_canopy_remote_filters_expressible (filters, 1));

  /* The largest event: 255 filters. */
  {
    CanopyFilter many[255] = { { 0 } };

    len = _canopy_remote_encode_filters (buf, many, 255);
    g_assert_cmpuint (len, ==, CANOPY_REMOTE_MAX_EVENT_SIZE);
    decode_one (buf, len, &event);
    g_assert_cmpuint (event.filter_config.n_filters, ==, 255);
  }
}

/* All samples back to back: the stream a peer would send. */
static GByteArray *
build_stream (void)
{
  GByteArray *stream = g_byte_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    g_byte_array_append (stream, samples[i].bytes, samples[i].len);
  return stream;
}

/* Feeds @stream in pieces of the given sizes and re-encodes every event:
 * the result must be the stream again. */
static void
decode_in_pieces (GByteArray *stream,
                  gsize       first_piece,
                  gsize       piece)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  CanopyRemoteDecoder decoder;
  CanopyRemoteEvent event;
  guint n_events = 0;
  gsize pos = 0;

  _canopy_remote_decoder_init (&decoder);

  while (pos < stream->len)
    {
      gsize len = MIN (pos == 0 ? first_piece : piece, stream->len - pos);
      const guint8 *p = stream->data + pos;

      pos += len;
      while (len > 0)
        {
          g_autoptr(GError) error = NULL;
          CanopyRemoteDecodeResult result;
          guint8 buf[CANOPY_REMOTE_MAX_EVENT_SIZE];
          gsize consumed;

          result = _canopy_remote_decoder_feed (&decoder, p, len, &consumed, &event, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (consumed, <=, len);
          p += consumed;
          len -= consumed;
          if (result == CANOPY_REMOTE_DECODE_NEED_MORE)
            {
              g_assert_cmpuint (len, ==, 0);
              break;
            }
          g_assert_cmpint (result, ==, CANOPY_REMOTE_DECODE_EVENT);
          g_byte_array_append (out, buf, _canopy_remote_encode_event (buf, &event));
          n_events++;
        }
    }

  g_assert_cmpuint (n_events, ==, G_N_ELEMENTS (samples));
  g_assert_true (_canopy_remote_decoder_is_idle (&decoder));
  g_assert_cmpuint (decoder.offset, ==, stream->len);
  g_assert_cmpmem (out->data, out->len, stream->data, stream->len);
}

static void
test_split_everywhere (void)
{
  g_autoptr(GByteArray) stream = build_stream ();

  /* Split once at every byte boundary, then one byte at a time, then in
   * pieces of every size up to the longest event. */
  for (gsize split = 1; split <= stream->len; split++)
    decode_in_pieces (stream, split, stream->len);
  for (gsize piece = 1; piece <= 25; piece++)
    decode_in_pieces (stream, piece, piece);
}

static void
assert_malformed (const guint8 *bytes,
                  gsize         len,
                  const char   *offset_text,
                  const char   *what)
{
  /* Whole and byte by byte: the same error either way. */
  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(GError) error = NULL;
      CanopyRemoteDecoder decoder;
      CanopyRemoteEvent event;
      CanopyRemoteDecodeResult result = CANOPY_REMOTE_DECODE_NEED_MORE;
      gsize pos = 0;

      _canopy_remote_decoder_init (&decoder);
      while (pos < len)
        {
          gsize consumed;
          gsize piece = mode == 0 ? len - pos : 1;

          result = _canopy_remote_decoder_feed (&decoder, bytes + pos, piece, &consumed,
                                                &event, &error);
          if (result == CANOPY_REMOTE_DECODE_ERROR)
            break;
          pos += consumed;
        }
      g_assert_cmpint (result, ==, CANOPY_REMOTE_DECODE_ERROR);
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, offset_text));
      g_assert_nonnull (strstr (error->message, what));
    }
}

static void
test_malformed (void)
{
  guint8 buf[64];

  /* An unknown event id after a good event names its offset. */
  memcpy (buf, transmit_success, 1);
  memcpy (buf + 1, bus_request, sizeof bus_request);
  buf[7] = 0x07;
  assert_malformed (buf, 8, "offset 7", "unknown event id 7");

  /* DLC 9 */
  memcpy (buf, can_message, sizeof can_message);
  buf[13] = 9;
  assert_malformed (buf, sizeof can_message, "offset 13", "DLC 9");

  /* An id wider than 29 bits */
  memcpy (buf, can_message, sizeof can_message);
  buf[9] = 0xFF;
  assert_malformed (buf, sizeof can_message, "offset 9", "29 bits");

  /* A NaN timestamp */
  memcpy (buf, can_message, sizeof can_message);
  buf[1] = 0x7F; buf[2] = 0xF8;
  assert_malformed (buf, sizeof can_message, "offset 1", "timestamp");

  /* Text that is not UTF-8 */
  memcpy (buf, bus_response, sizeof bus_response);
  buf[3] = 0xC3; buf[4] = 0x28;
  assert_malformed (buf, sizeof bus_response, "offset 0", "UTF-8");

  /* An embedded NUL is not text either */
  memcpy (buf, remote_exception, sizeof remote_exception);
  buf[3] = 0;
  assert_malformed (buf, sizeof remote_exception, "offset 0", "UTF-8");
}

static void
test_undefined_flags_ignored (void)
{
  CanopyRemoteEvent event;
  guint8 buf[sizeof can_message];

  memcpy (buf, can_message, sizeof buf);
  buf[14] = 0xF8;
  decode_one (buf, sizeof buf, &event);
  g_assert_cmpuint (event.message.flags, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/remote/protocol/bus-request", test_bus_request);
  g_test_add_func ("/remote/protocol/text-events", test_text_events);
  g_test_add_func ("/remote/protocol/text-truncated", test_text_truncated);
  g_test_add_func ("/remote/protocol/can-message", test_can_message);
  g_test_add_func ("/remote/protocol/simple-events", test_simple_events);
  g_test_add_func ("/remote/protocol/filter-config", test_filter_config);
  g_test_add_func ("/remote/protocol/split-everywhere", test_split_everywhere);
  g_test_add_func ("/remote/protocol/malformed", test_malformed);
  g_test_add_func ("/remote/protocol/undefined-flags", test_undefined_flags_ignored);

  return g_test_run ();
}
