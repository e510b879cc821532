/* test-listeners.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <canopy.h>

static void
test_buffered_reader_fifo (void)
{
  g_autoptr(CanopyBufferedReader) reader = canopy_buffered_reader_new ();
  g_autoptr(CanopyMessage) msg = NULL;

  for (guint i = 0; i < 10; i++)
    {
      CanopyMessage frame;
      guint8 data[1] = { i };

      canopy_message_init (&frame, 0x100 + i, FALSE, data, 1);
      canopy_listener_on_message_received (CANOPY_LISTENER (reader), &frame);
    }

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(CanopyMessage) got = canopy_buffered_reader_get_message (reader, 0.5);

      g_assert_nonnull (got);
      g_assert_cmpuint (canopy_message_get_arbitration_id (got), ==, 0x100 + i);
      g_assert_cmpuint (got->data[0], ==, i);
    }

  /* empty: None after the timeout */
  msg = canopy_buffered_reader_get_message (reader, 0.01);
  g_assert_null (msg);
}

static void
test_buffered_reader_bounded (void)
{
  g_autoptr(CanopyBufferedReader) reader = canopy_buffered_reader_new_with_capacity (4);
  CanopyMessage frame;
  guint got = 0;

  for (guint i = 0; i < 10; i++)
    {
      canopy_message_init (&frame, i, FALSE, NULL, 0);
      canopy_listener_on_message_received (CANOPY_LISTENER (reader), &frame);
    }

  g_assert_cmpuint (canopy_buffered_reader_get_capacity (reader), ==, 4);
  g_assert_cmpuint (canopy_buffered_reader_get_dropped (reader), ==, 6);
  while (canopy_buffered_reader_get_message_into (reader, &frame, 0))
    g_assert_cmpuint (frame.arbitration_id, ==, got++);
  g_assert_cmpuint (got, ==, 4);
}

static void
test_redirect_reader (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) gateway_out = canopy_bus_new ("virtual", "redirect-b", NULL, &error);
  g_autoptr(CanopyBus) observer = canopy_bus_new ("virtual", "redirect-b", NULL, &error);
  g_autoptr(CanopyRedirectReader) redirect = canopy_redirect_reader_new (gateway_out);
  g_autoptr(GError) last_error = NULL;
  CanopyMessage frame, got;
  const guint8 data[] = { 0xde, 0xad };

  canopy_message_init (&frame, 0x321, FALSE, data, sizeof data);
  canopy_listener_on_message_received (CANOPY_LISTENER (redirect), &frame);
  g_assert_true (canopy_bus_recv_into (observer, &got, 1.0, &error));
  g_assert_true (canopy_message_equal (&frame, &got));
  g_assert_cmpuint (canopy_redirect_reader_get_failed (redirect), ==, 0);

  /* A frame the target refuses is counted with its reason. */
  canopy_bus_shutdown (gateway_out);
  canopy_listener_on_message_received (CANOPY_LISTENER (redirect), &frame);
  g_assert_cmpuint (canopy_redirect_reader_get_failed (redirect), ==, 1);
  last_error = canopy_redirect_reader_dup_last_error (redirect);
  g_assert_error (last_error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
}

static void
test_printer_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("canopy-printer-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "out.txt", NULL);
  g_autoptr(CanopyPrinter) printer = NULL;
  g_autofree char *contents = NULL;
  CanopyMessage frame;
  const guint8 data[] = { 1, 2, 3, 4, 5 };

  printer = canopy_printer_new (path, &error);
  g_assert_no_error (error);

  canopy_message_init (&frame, 0, TRUE, data, sizeof data);
  canopy_listener_on_message_received (CANOPY_LISTENER (printer), &frame);
  canopy_message_init (&frame, 100, FALSE, NULL, 0);
  canopy_listener_on_message_received (CANOPY_LISTENER (printer), &frame);
  canopy_listener_stop (CANOPY_LISTENER (printer));
  /* stop twice is harmless */
  canopy_listener_stop (CANOPY_LISTENER (printer));

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  /* LF line ends on every system, as the other text writers. */
  g_assert_cmpstr (contents, ==,
                   "Timestamp:        0.000000    ID: 00000000    010    DLC: 5    01 02 03 04 05\n"
                   "Timestamp:        0.000000        ID: 0064    000    DLC: 0\n");

  g_remove (path);
  g_rmdir (dir);
}

static void
test_printer_unwritable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyPrinter) printer = canopy_printer_new ("/nonexistent-dir/x/out.txt", &error);

  g_assert_null (printer);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/x/out.txt"));
}

static void
on_messages (CanopyMainContextListener *listener,
             GPtrArray                 *messages,
             gpointer                   user_data)
{
  GArray *received = user_data;

  g_assert_cmpuint (messages->len, >, 0);
  for (guint i = 0; i < messages->len; i++)
    g_array_append_vals (received, messages->pdata[i], 1);
}

typedef struct
{
  CanopyListener *listener;
  guint           n;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->n; i++)
    {
      CanopyMessage frame;

      canopy_message_init (&frame, i % 0x800, FALSE, (guint8 *) &i, sizeof i);
      canopy_listener_on_message_received (producer->listener, &frame);
      if (i % 1000 == 0)
        g_usleep (1000);
    }
  return NULL;
}

/* Frames from a worker thread reach the main context in order and in few
 * batches. */
static void
test_main_context_listener (void)
{
  g_autoptr(CanopyMainContextListener) listener = canopy_main_context_listener_new (NULL);
  g_autoptr(GArray) received = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  Producer producer = { CANOPY_LISTENER (listener), 20000 };
  guint batches = 0;
  gint64 start;
  GThread *thread;

  g_signal_connect (listener, "messages-received", G_CALLBACK (on_messages), received);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("producer", produce, &producer);
  while (received->len < producer.n && g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    {
      guint before = received->len;

      g_main_context_iteration (NULL, TRUE);
      if (received->len != before)
        batches++;
    }
  g_thread_join (thread);

  g_assert_cmpuint (received->len, ==, producer.n);
  for (guint i = 0; i < producer.n; i++)
    {
      guint value;

      memcpy (&value, g_array_index (received, CanopyMessage, i).data, sizeof value);
      g_assert_cmpuint (value, ==, i);
    }
  /* 20 frames per ms for ~20 ms at most 60 batches a second: far fewer
   * batches than frames. */
  g_assert_cmpuint (batches, <, producer.n / 10);
  g_assert_cmpuint (canopy_main_context_listener_get_dropped (listener), ==, 0);
}

static void
test_main_context_listener_bounded (void)
{
  g_autoptr(CanopyMainContextListener) listener = canopy_main_context_listener_new (NULL);
  g_autoptr(GArray) received = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  CanopyMessage frame;

  canopy_main_context_listener_set_max_pending (listener, 100);
  g_signal_connect (listener, "messages-received", G_CALLBACK (on_messages), received);

  /* The main loop is stalled while 1000 frames arrive. */
  for (guint i = 0; i < 1000; i++)
    {
      canopy_message_init (&frame, i % 0x800, FALSE, NULL, 0);
      canopy_listener_on_message_received (CANOPY_LISTENER (listener), &frame);
    }
  g_assert_cmpuint (canopy_main_context_listener_get_dropped (listener), ==, 900);

  while (received->len < 100)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_array_index (received, CanopyMessage, 99).arbitration_id, ==, 99);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/listeners/buffered-reader/fifo", test_buffered_reader_fifo);
  g_test_add_func ("/listeners/buffered-reader/bounded", test_buffered_reader_bounded);
  g_test_add_func ("/listeners/redirect-reader", test_redirect_reader);
  g_test_add_func ("/listeners/printer/file", test_printer_file);
  g_test_add_func ("/listeners/printer/unwritable", test_printer_unwritable);
  g_test_add_func ("/listeners/main-context", test_main_context_listener);
  g_test_add_func ("/listeners/main-context/bounded", test_main_context_listener_bounded);

  return g_test_run ();
}
