/* test-app-trace-format.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "canopy-trace-format.h"

static void
test_id (void)
{
  CanopyMessage msg;
  char text[64];

  canopy_message_init (&msg, 0x12, FALSE, NULL, 0);
  canopy_trace_format_id (text, sizeof text, &msg);
  g_assert_cmpstr (text, ==, "012");

  canopy_message_init (&msg, 0x18FEF100, TRUE, NULL, 0);
  canopy_trace_format_id (text, sizeof text, &msg);
  g_assert_cmpstr (text, ==, "18FEF100x");
}

static void
test_data_and_ascii (void)
{
  static const guint8 bytes[] = { 0x41, 0x00, 0x7f, 0x20, 0xde, 0x3c };
  CanopyMessage msg;
  char text[CANOPY_TRACE_CELL_SIZE];

  canopy_message_init (&msg, 0x100, FALSE, bytes, sizeof bytes);
  canopy_trace_format_data (text, sizeof text, &msg, 0);
  g_assert_cmpstr (text, ==, "41 00 7F 20 DE 3C");

  /* Byte 1 and 4 changed: exactly those two are wrapped in a highlight. */
  canopy_trace_format_data (text, sizeof text, &msg, (1 << 1) | (1 << 4));
  g_assert_true (g_str_has_prefix (text, "41 <span"));
  g_assert_nonnull (strstr (text, ">00</span> 7F 20 <span"));
  g_assert_true (g_str_has_suffix (text, ">DE</span> 3C"));

  /* The markup is well formed: Pango would show nothing otherwise. */
  {
    static const GMarkupParser parser = { 0 };
    g_autofree char *wrapped = g_strdup_printf ("<markup>%s</markup>", text);
    g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);

    g_assert_true (g_markup_parse_context_parse (context, wrapped, -1, NULL));
    g_assert_true (g_markup_parse_context_end_parse (context, NULL));
  }

  canopy_trace_format_ascii (text, sizeof text, &msg);
  g_assert_cmpstr (text, ==, "A.. .<");

  /* A remote frame carries no data, whatever its DLC says. */
  canopy_message_set_remote (&msg, TRUE);
  canopy_trace_format_data (text, sizeof text, &msg, 0);
  g_assert_cmpstr (text, ==, "");
}

static void
test_fd_data_fits (void)
{
  guint8 bytes[64];
  CanopyMessage msg;
  char text[CANOPY_TRACE_CELL_SIZE];

  for (guint i = 0; i < 64; i++)
    bytes[i] = i;
  canopy_message_init (&msg, 0x100, FALSE, bytes, sizeof bytes);
  canopy_message_set_fd (&msg, TRUE);

  /* Every byte highlighted still fits the cell buffer, all 64 shown. */
  canopy_trace_format_data (text, sizeof text, &msg, G_MAXUINT64);
  g_assert_true (g_str_has_suffix (text, ">3F</span>"));
  g_assert_cmpuint (strlen (text), <, sizeof text);
}

static void
test_flags_and_direction (void)
{
  CanopyMessage msg;
  char text[64];

  canopy_message_init (&msg, 0x100, FALSE, NULL, 0);
  canopy_trace_format_flags (text, sizeof text, &msg);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpstr (canopy_trace_format_direction (&msg), ==, "Rx");

  canopy_message_set_fd (&msg, TRUE);
  canopy_message_set_bitrate_switch (&msg, TRUE);
  canopy_message_set_error_state_indicator (&msg, TRUE);
  canopy_message_set_rx (&msg, FALSE);
  canopy_trace_format_flags (text, sizeof text, &msg);
  g_assert_cmpstr (text, ==, "FD BRS ESI");
  g_assert_cmpstr (canopy_trace_format_direction (&msg), ==, "Tx");

  /* A tiny buffer truncates instead of overflowing. */
  canopy_trace_format_flags (text, 4, &msg);
  g_assert_cmpuint (strlen (text), <, 4);
}

static void
test_time (void)
{
  char text[64];

  canopy_trace_format_time (text, sizeof text, CANOPY_TIME_RELATIVE,
                            G_GINT64_CONSTANT (12345678901), G_GINT64_CONSTANT (2345678901));
  g_assert_cmpstr (text, ==, "10.000000");

  canopy_trace_format_time (text, sizeof text, CANOPY_TIME_DELTA, 1010000000, 1000000000);
  g_assert_cmpstr (text, ==, "0.010000");

  /* No previous frame of the id: the delta cell stays empty. */
  canopy_trace_format_time (text, sizeof text, CANOPY_TIME_DELTA, 1010000000, -1);
  g_assert_cmpstr (text, ==, "");

  /* A log's small timestamps stay seconds; wall-clock ones become a time of day. */
  canopy_trace_format_time (text, sizeof text, CANOPY_TIME_ABSOLUTE, 1500000, 0);
  g_assert_cmpstr (text, ==, "0.001500");
  canopy_trace_format_time (text, sizeof text, CANOPY_TIME_ABSOLUTE,
                            G_GINT64_CONSTANT (1765000000123456789), 0);
  g_assert_true (g_regex_match_simple ("^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\.123456$", text, 0, 0));

  g_assert_cmpint (canopy_time_format_from_string ("absolute"), ==, CANOPY_TIME_ABSOLUTE);
  g_assert_cmpint (canopy_time_format_from_string ("delta"), ==, CANOPY_TIME_DELTA);
  g_assert_cmpint (canopy_time_format_from_string ("relative"), ==, CANOPY_TIME_RELATIVE);
}

static void
test_period (void)
{
  char text[64];

  canopy_trace_format_period (text, sizeof text, 0);
  g_assert_cmpstr (text, ==, "");
  canopy_trace_format_period (text, sizeof text, 1250000);
  g_assert_cmpstr (text, ==, "1.25 ms");
  canopy_trace_format_period (text, sizeof text, 100000000);
  g_assert_cmpstr (text, ==, "100.0 ms");
  canopy_trace_format_period (text, sizeof text, G_GINT64_CONSTANT (25000000000));
  g_assert_cmpstr (text, ==, "25.0 s");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/trace-format/id", test_id);
  g_test_add_func ("/app/trace-format/data-and-ascii", test_data_and_ascii);
  g_test_add_func ("/app/trace-format/fd-data-fits", test_fd_data_fits);
  g_test_add_func ("/app/trace-format/flags-and-direction", test_flags_and_direction);
  g_test_add_func ("/app/trace-format/time", test_time);
  g_test_add_func ("/app/trace-format/period", test_period);

  return g_test_run ();
}
