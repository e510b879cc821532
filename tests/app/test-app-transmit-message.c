/* test-app-transmit-message.c — the Transmit pane's messages without a
 * display: what a user types, what is saved, and what goes on the bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "canopy-transmit-message.h"

static void
test_parse_data (void)
{
  struct { const char *text; const char *bytes; gsize len; } good[] = {
    { "11 22 33", "\x11\x22\x33", 3 },
    { "112233", "\x11\x22\x33", 3 },
    { " 1, 2:0x3 ", "\x01\x02\x03", 3 },
    { "aB cd", "\xab\xcd", 2 },
    { "", "", 0 },
  };
  const char *bad[] = { "1G", "123", "11 2x", NULL };
  g_autofree char *too_long = g_strnfill (130, 'a');
  g_autofree char *formatted = NULL;
  guint8 data[CANOPY_MESSAGE_MAX_DATA];
  gsize len;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (canopy_transmit_parse_data (good[i].text, data, &len, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (data, len, good[i].bytes, good[i].len);
    }

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (canopy_transmit_parse_data (bad[i], data, &len, &error));
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (canopy_transmit_parse_data (too_long, data, &len, &error));
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  }

  formatted = canopy_transmit_format_data ((const guint8 *) "\x01\xab\xff", 3);
  g_assert_cmpstr (formatted, ==, "01 AB FF");
}

static void
expect_invalid (CanopyTransmitMessage *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (canopy_transmit_message_validate (message, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (error->message);
}

static void
test_validate (void)
{
  g_autoptr(CanopyTransmitMessage) message = canopy_transmit_message_new ();
  static const guint8 nine[9] = { 0 };
  static const guint8 twelve[12] = { 0 };

  g_assert_true (canopy_transmit_message_validate (message, NULL));

  canopy_transmit_message_set_id (message, 0x800);
  expect_invalid (message);
  canopy_transmit_message_set_extended (message, TRUE);
  g_assert_true (canopy_transmit_message_validate (message, NULL));

  canopy_transmit_message_set_data (message, nine, sizeof nine);
  expect_invalid (message);
  canopy_transmit_message_set_fd (message, TRUE);
  expect_invalid (message);                  /* 9 is no CAN FD length */
  canopy_transmit_message_set_data (message, twelve, sizeof twelve);
  g_assert_true (canopy_transmit_message_validate (message, NULL));
  canopy_transmit_message_set_brs (message, TRUE);
  g_assert_true (canopy_transmit_message_validate (message, NULL));
  canopy_transmit_message_set_fd (message, FALSE);
  canopy_transmit_message_set_data (message, twelve, 8);
  expect_invalid (message);                  /* BRS without FD */
  canopy_transmit_message_set_brs (message, FALSE);

  canopy_transmit_message_set_period_ms (message, 0);
  expect_invalid (message);
  canopy_transmit_message_set_period_ms (message, 10);

  canopy_transmit_message_set_count (message, 5);
  canopy_transmit_message_set_duration (message, 2.0);
  expect_invalid (message);
  canopy_transmit_message_set_duration (message, 0);

  canopy_transmit_message_set_counter_byte (message, 8);
  expect_invalid (message);
  canopy_transmit_message_set_counter_byte (message, 7);
  g_assert_true (canopy_transmit_message_validate (message, NULL));
}

static void
test_variant (void)
{
  g_autoptr(CanopyTransmitMessage) message = canopy_transmit_message_new ();
  g_autoptr(CanopyTransmitMessage) back = NULL;
  g_autoptr(GVariant) saved = NULL;
  g_autoptr(GVariant) partial = NULL;
  g_autoptr(GVariant) bad = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 payload[] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8 };
  const guint8 *data;
  gsize len;

  canopy_transmit_message_set_id (message, 0x18ff00aa);
  canopy_transmit_message_set_extended (message, TRUE);
  canopy_transmit_message_set_fd (message, TRUE);
  canopy_transmit_message_set_brs (message, TRUE);
  canopy_transmit_message_set_data (message, payload, sizeof payload);
  canopy_transmit_message_set_period_ms (message, 12.5);
  canopy_transmit_message_set_duration (message, 3.0);
  canopy_transmit_message_set_counter_byte (message, 11);

  saved = g_variant_ref_sink (canopy_transmit_message_to_variant (message));
  back = canopy_transmit_message_new_from_variant (saved, &error);
  g_assert_no_error (error);
  g_assert_cmphex (canopy_transmit_message_get_id (back), ==, 0x18ff00aa);
  g_assert_true (canopy_transmit_message_get_extended (back));
  g_assert_true (canopy_transmit_message_get_fd (back));
  g_assert_true (canopy_transmit_message_get_brs (back));
  data = canopy_transmit_message_get_data (back, &len);
  g_assert_cmpmem (data, len, payload, sizeof payload);
  g_assert_cmpfloat (canopy_transmit_message_get_period_ms (back), ==, 12.5);
  g_assert_cmpuint (canopy_transmit_message_get_count (back), ==, 0);
  g_assert_cmpfloat (canopy_transmit_message_get_duration (back), ==, 3.0);
  g_assert_cmpint (canopy_transmit_message_get_counter_byte (back), ==, 11);
  g_assert_false (canopy_transmit_message_get_running (back));
  g_clear_object (&back);

  /* Keys left out keep their defaults. */
  partial = g_variant_ref_sink (g_variant_new_parsed ("{'id': <@u 0x321>}"));
  back = canopy_transmit_message_new_from_variant (partial, &error);
  g_assert_no_error (error);
  g_assert_cmphex (canopy_transmit_message_get_id (back), ==, 0x321);
  g_assert_cmpfloat (canopy_transmit_message_get_period_ms (back), ==, 100);
  g_clear_object (&back);

  /* A definition that does not validate is refused, with a reason. */
  bad = g_variant_ref_sink (g_variant_new_parsed ("{'id': <@u 0x800>, 'extended': <false>}"));
  g_assert_null (canopy_transmit_message_new_from_variant (bad, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  CanopyBus *tx;
  CanopyBus *rx;
} Pair;

static void
pair_open (Pair       *pair,
           const char *channel)
{
  pair->tx = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
  pair->rx = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
}

static void
pair_close (Pair *pair)
{
  canopy_bus_shutdown (pair->tx);
  canopy_bus_shutdown (pair->rx);
  g_clear_object (&pair->tx);
  g_clear_object (&pair->rx);
}

static void
recv_ok (CanopyBus     *bus,
         CanopyMessage *msg)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (canopy_bus_recv_into (bus, msg, 10.0, &error));
  g_assert_no_error (error);
}

static void
drain (CanopyBus *bus)
{
  CanopyMessage msg;

  while (canopy_bus_recv_into (bus, &msg, 0, NULL))
    ;
}

static void
iterate (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* A running message takes new data and a counter byte without a new task
 * (the frames go on, the old payload never returns); a new period needs
 * one, and it keeps running. */
static void
test_send (void)
{
  g_autoptr(CanopyTransmitMessage) message = canopy_transmit_message_new ();
  g_autoptr(CanopyTransmitMessage) edited = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage got;
  guint n_new = 0;
  guint8 last;
  Pair pair;

  pair_open (&pair, "app-transmit-send");
  canopy_transmit_message_set_id (message, 0x321);
  canopy_transmit_message_set_data (message, (const guint8 *) "\x01\x02\x03\x04", 4);
  canopy_transmit_message_set_period_ms (message, 5);

  g_assert_true (canopy_transmit_message_start (message, pair.tx, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_transmit_message_get_running (message));
  for (guint i = 0; i < 3; i++)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmphex (got.arbitration_id, ==, 0x321);
      g_assert_cmpmem (got.data, got.dlc, "\x01\x02\x03\x04", 4);
    }

  /* New data and a counter on byte 3, while it runs. */
  edited = canopy_transmit_message_copy (message);
  canopy_transmit_message_set_data (edited, (const guint8 *) "\x05\x06\x07\xfe", 4);
  canopy_transmit_message_set_counter_byte (edited, 3);
  g_assert_true (canopy_transmit_message_update (message, edited, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_transmit_message_get_running (message));
  g_assert_cmpint (canopy_transmit_message_get_counter_byte (message), ==, 3);

  /* Counting goes on from the byte the frames carried (04), with no
   * repeat, across the new payload; the old payload never returns. */
  last = 0x03;
  while (n_new < 6)
    {
      recv_ok (pair.rx, &got);
      if (got.data[3] == 0x04 && last == 0x04)
        continue;                             /* sent before the update */
      g_assert_cmphex (got.data[3], ==, (guint8) (last + 1));
      last = got.data[3];
      if (got.data[0] == 0x05)
        {
          g_assert_cmpmem (got.data, 3, "\x05\x06\x07", 3);
          n_new++;
        }
      else
        {
          g_assert_cmpuint (n_new, ==, 0);
          g_assert_cmpmem (got.data, 3, "\x01\x02\x03", 3);
        }
    }

  /* The figures, as the pane polls them (a frame may arrive before the
   * scheduler counts it). */
  canopy_transmit_message_refresh (message);
  g_assert_cmpuint (canopy_transmit_message_get_sent (message), >=, 8);
  g_assert_cmpfloat (canopy_transmit_message_get_achieved_period (message), >, 0);

  /* Another period: a new task, still running, still counting from the
   * message's value. */
  canopy_transmit_message_set_period_ms (edited, 4);
  g_assert_true (canopy_transmit_message_update (message, edited, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_transmit_message_get_running (message));
  drain (pair.rx);
  recv_ok (pair.rx, &got);
  g_assert_cmpmem (got.data, 3, "\x05\x06\x07", 3);

  /* Stopped: no frame after. */
  canopy_transmit_message_stop (message);
  g_assert_false (canopy_transmit_message_get_running (message));
  drain (pair.rx);
  g_usleep (30 * 1000);
  g_assert_false (canopy_bus_recv_into (pair.rx, &got, 0, NULL));

  /* The sent count goes on over new tasks. */
  canopy_transmit_message_refresh (message);
  g_assert_cmpuint (canopy_transmit_message_get_sent (message), >=, 10);

  pair_close (&pair);
}

/* A count: exactly that many frames, and the message stops by itself. */
static void
test_count (void)
{
  g_autoptr(CanopyTransmitMessage) message = canopy_transmit_message_new ();
  g_autoptr(GError) error = NULL;
  CanopyMessage got;
  guint received = 0;
  gint64 deadline;
  Pair pair;

  pair_open (&pair, "app-transmit-count");
  canopy_transmit_message_set_period_ms (message, 2);
  canopy_transmit_message_set_count (message, 3);

  g_assert_true (canopy_transmit_message_start (message, pair.tx, &error));
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (canopy_transmit_message_get_running (message) && g_get_monotonic_time () < deadline)
    iterate (10);
  g_assert_false (canopy_transmit_message_get_running (message));

  while (canopy_bus_recv_into (pair.rx, &got, 0.05, NULL))
    received++;
  canopy_transmit_message_refresh (message);
  g_assert_cmpuint (received, ==, canopy_transmit_message_get_sent (message));
  g_assert_cmpuint (received, <=, 3);
  g_assert_cmpuint (received, >=, 1);

  pair_close (&pair);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/transmit/parse-data", test_parse_data);
  g_test_add_func ("/app/transmit/validate", test_validate);
  g_test_add_func ("/app/transmit/variant", test_variant);
  g_test_add_func ("/app/transmit/send", test_send);
  g_test_add_func ("/app/transmit/count", test_count);

  return g_test_run ();
}
