/* test-log-summary.c — what a log summary counts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

static void
frame (CanopyMessage *msg,
       gint64         ts_ms,
       guint32        id,
       guint32        flags,
       guint8         dlc,
       gint16         channel)
{
  canopy_message_init (msg, id, (flags & CANOPY_MESSAGE_EXTENDED) != 0, NULL, 0);
  msg->timestamp_ns = ts_ms * 1000000;
  msg->flags = flags;
  msg->dlc = dlc;
  msg->channel = channel;
}

static void
test_summary_counts (void)
{
  g_autoptr(CanopyLogSummary) summary = canopy_log_summary_new ();
  g_autoptr(CanopyLogSummary) copy = NULL;
  CanopyMessage msg;

  g_assert_cmpuint (canopy_log_summary_get_n_frames (summary), ==, 0);
  g_assert_true (canopy_log_summary_get_distinct_ids_exact (summary));

  frame (&msg, 1000, 0x123, 0, 8, 0);                       canopy_log_summary_add (summary, &msg);
  frame (&msg, 1001, 0x123, CANOPY_MESSAGE_TX, 2, 0);       canopy_log_summary_add (summary, &msg);
  frame (&msg, 1002, 0x7FF, CANOPY_MESSAGE_REMOTE, 4, 1);   canopy_log_summary_add (summary, &msg);
  frame (&msg, 999, 0x1ABCDEF, CANOPY_MESSAGE_EXTENDED, 8, 1); canopy_log_summary_add (summary, &msg);
  frame (&msg, 1005, 0x1ABCDEF, CANOPY_MESSAGE_EXTENDED | CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS,
         64, CANOPY_CHANNEL_NONE);                          canopy_log_summary_add (summary, &msg);
  frame (&msg, 1006, 0x4, CANOPY_MESSAGE_ERROR, 8, 300);    canopy_log_summary_add (summary, &msg);
  frame (&msg, 1010, 0x18FF0001, CANOPY_MESSAGE_EXTENDED | CANOPY_MESSAGE_FD, 12, 1);
  canopy_log_summary_add (summary, &msg);

  g_assert_cmpuint (canopy_log_summary_get_n_frames (summary), ==, 7);
  g_assert_cmpint (canopy_log_summary_get_first_time_ns (summary), ==, 1000000000);
  g_assert_cmpint (canopy_log_summary_get_last_time_ns (summary), ==, 1010000000);
  g_assert_cmpint (canopy_log_summary_get_min_time_ns (summary), ==, 999000000);
  g_assert_cmpint (canopy_log_summary_get_max_time_ns (summary), ==, 1010000000);
  g_assert_cmpint (canopy_log_summary_get_duration_ns (summary), ==, 11000000);
  g_assert_cmpuint (canopy_log_summary_get_n_out_of_order (summary), ==, 1);

  {
    g_autoptr(CanopyLogSummary) wide = canopy_log_summary_new ();

    frame (&msg, 0, 1, 0, 0, 0);
    msg.timestamp_ns = G_MININT64 + 5;
    canopy_log_summary_add (wide, &msg);
    msg.timestamp_ns = G_MAXINT64 - 5;
    canopy_log_summary_add (wide, &msg);
    g_assert_cmpint (canopy_log_summary_get_duration_ns (wide), ==, G_MAXINT64);
  }

  g_assert_cmpuint (canopy_log_summary_get_channel_frames (summary, 0), ==, 2);
  g_assert_cmpuint (canopy_log_summary_get_channel_frames (summary, 1), ==, 3);
  g_assert_cmpuint (canopy_log_summary_get_channel_frames (summary, CANOPY_CHANNEL_NONE), ==, 1);
  g_assert_cmpuint (canopy_log_summary_get_other_channel_frames (summary), ==, 1);
  g_assert_cmpuint (canopy_log_summary_get_n_channels (summary), ==, 4);

  /* Error frames have no identifier worth counting. */
  g_assert_cmpuint (canopy_log_summary_get_n_distinct_standard_ids (summary), ==, 2);
  g_assert_cmpuint (canopy_log_summary_get_n_distinct_extended_ids (summary), ==, 2);
  g_assert_cmpuint (canopy_log_summary_get_n_distinct_ids (summary), ==, 4);
  g_assert_true (canopy_log_summary_get_distinct_ids_exact (summary));

  g_assert_cmpuint (canopy_log_summary_get_n_error_frames (summary), ==, 1);
  g_assert_cmpuint (canopy_log_summary_get_n_remote_frames (summary), ==, 1);
  g_assert_cmpuint (canopy_log_summary_get_n_fd_frames (summary), ==, 2);
  g_assert_cmpuint (canopy_log_summary_get_n_brs_frames (summary), ==, 1);
  g_assert_cmpuint (canopy_log_summary_get_n_tx_frames (summary), ==, 1);
  g_assert_cmpuint (canopy_log_summary_get_n_extended_frames (summary), ==, 3);
  g_assert_cmpuint (canopy_log_summary_get_payload_bytes (summary), ==, 8 + 2 + 8 + 64 + 12);

  /* A copy goes on by itself. */
  copy = canopy_log_summary_copy (summary);
  frame (&msg, 1020, 0x555, 0, 1, 0);
  canopy_log_summary_add (copy, &msg);
  g_assert_cmpuint (canopy_log_summary_get_n_frames (copy), ==, 8);
  g_assert_cmpuint (canopy_log_summary_get_n_frames (summary), ==, 7);
  g_assert_cmpuint (canopy_log_summary_get_n_distinct_ids (copy), ==, 5);
  g_assert_cmpuint (canopy_log_summary_get_n_distinct_ids (summary), ==, 4);
}

/* Exact up to 65536 extended ids, however often they repeat. */
static void
test_summary_distinct_exact (void)
{
  g_autoptr(CanopyLogSummary) summary = canopy_log_summary_new ();
  CanopyMessage msg;

  for (guint round = 0; round < 3; round++)
    for (guint32 i = 0; i < 65536; i++)
      {
        frame (&msg, i, 0x10000000 + i * 37, CANOPY_MESSAGE_EXTENDED, 8, 0);
        canopy_log_summary_add (summary, &msg);
      }
  for (guint32 i = 0; i < 0x800; i++)
    {
      frame (&msg, i, i, 0, 8, 0);
      canopy_log_summary_add (summary, &msg);
    }

  g_assert_true (canopy_log_summary_get_distinct_ids_exact (summary));
  g_assert_cmpuint (canopy_log_summary_get_n_distinct_extended_ids (summary), ==, 65536);
  g_assert_cmpuint (canopy_log_summary_get_n_distinct_standard_ids (summary), ==, 2048);
}

/* Beyond the bound: an estimate within a few percent, in flat memory. */
static void
test_summary_distinct_estimated (void)
{
  static const guint32 counts[] = { 65537, 200000, 2000000 };

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      g_autoptr(CanopyLogSummary) summary = canopy_log_summary_new ();
      CanopyMessage msg;
      guint64 estimate;
      double relative;

      for (guint round = 0; round < 2; round++)
        for (guint32 i = 0; i < counts[c]; i++)
          {
            frame (&msg, i, (i * 2654435761u) & 0x1FFFFFFF, CANOPY_MESSAGE_EXTENDED, 8, 0);
            canopy_log_summary_add (summary, &msg);
          }

      g_assert_false (canopy_log_summary_get_distinct_ids_exact (summary));
      estimate = canopy_log_summary_get_n_distinct_extended_ids (summary);
      relative = ((double) estimate - counts[c]) / counts[c];
      g_test_message ("%u distinct ids estimated as %" G_GUINT64_FORMAT " (%+.2f %%)",
                      counts[c], estimate, 100 * relative);
      g_assert_cmpfloat (ABS (relative), <, 0.04);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/summary/counts", test_summary_counts);
  g_test_add_func ("/summary/distinct-exact", test_summary_distinct_exact);
  g_test_add_func ("/summary/distinct-estimated", test_summary_distinct_estimated);

  return g_test_run ();
}
