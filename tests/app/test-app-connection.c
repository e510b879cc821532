/* test-app-connection.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "canopy-connection.h"

static void
open_ready (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static CanopyConnection *
open_connection (const char  *interface,
                 const char  *channel,
                 GHashTable  *options,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  canopy_connection_open_async (interface, channel, options, NULL, open_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return canopy_connection_open_finish (result, error);
}

static gboolean
wait_for_items (GListModel *model,
                guint       n_items)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_list_model_get_n_items (model) < n_items && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return g_list_model_get_n_items (model) >= n_items;
}

static void
test_parse_options (void)
{
  const char *good[] = { "bitrate=500000", " receive_own_messages = True ", "empty=", NULL };
  const char *bad[] = { "bitrate", NULL };
  const char *no_key[] = { "=5", NULL };
  g_autoptr(GHashTable) options = NULL;
  g_autoptr(GError) error = NULL;

  options = canopy_connection_parse_options (good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (options), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (options, "bitrate"), ==, "500000");
  g_assert_cmpstr (g_hash_table_lookup (options, "receive_own_messages"), ==, "True");
  g_assert_cmpstr (g_hash_table_lookup (options, "empty"), ==, "");
  g_clear_pointer (&options, g_hash_table_unref);

  options = canopy_connection_parse_options (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (options), ==, 0);
  g_clear_pointer (&options, g_hash_table_unref);

  g_assert_null (canopy_connection_parse_options (bad, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "bitrate"));
  g_clear_error (&error);

  g_assert_null (canopy_connection_parse_options (no_key, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

static void
test_unknown_interface (void)
{
  g_autoptr(CanopyConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  connection = open_connection ("no-such-interface", "x", NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNKNOWN_INTERFACE);

  /* The user reads what went wrong first, the engine's detail after it. */
  text = canopy_connection_describe_error ("no-such-interface", "x", error);
  g_assert_true (g_str_has_prefix (text, "Could not connect to no-such-interface x. Canopy does not know this interface."));
  g_assert_nonnull (strstr (text, error->message));
}

static void
test_refused_remote (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(CanopyConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *text = NULL;
  guint16 port;

  /* A port that was free a moment ago: nothing listens there now. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  channel = g_strdup_printf ("127.0.0.1:%u", port);

  connection = open_connection ("remote", channel, NULL, &error);
  g_assert_null (connection);
  g_assert_nonnull (error);
  text = canopy_connection_describe_error ("remote", channel, error);
  g_assert_true (g_str_has_prefix (text, "Could not connect to remote 127.0.0.1:"));
}

static void
test_demo_frames_arrive (void)
{
  g_autoptr(CanopyConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *trace;
  GListModel *ids;
  guint n_ids;
  guint frozen;

  connection = open_connection ("virtual", "demo", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_nonnull (canopy_connection_get_title (connection));

  trace = canopy_connection_get_trace (connection);
  ids = canopy_connection_get_id_table (connection);
  g_assert_true (wait_for_items (trace, 50));
  g_assert_true (wait_for_items (ids, 3));

  /* Chronological: the frames are in order of arrival. */
  {
    g_autoptr(CanopyFrameItem) a = g_list_model_get_item (trace, 0);
    g_autoptr(CanopyFrameItem) b = g_list_model_get_item (trace, 49);

    g_assert_cmpint (canopy_frame_item_get_message (a)->timestamp_ns, <=,
                     canopy_frame_item_get_message (b)->timestamp_ns);
  }

  /* Per id: one row per id, no id twice. */
  n_ids = g_list_model_get_n_items (ids);
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

    for (guint i = 0; i < n_ids; i++)
      {
        g_autoptr(CanopyIdRow) row = g_list_model_get_item (ids, i);
        const CanopyMessage *msg = canopy_id_row_get_message (row);
        guint key = msg->arbitration_id | ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? 0x80000000u : 0);

        g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (key)));
        g_hash_table_add (seen, GUINT_TO_POINTER (key));
        g_assert_cmpuint (canopy_id_row_get_count (row), >=, 1);
      }
  }

  /* Paused: the trace stops growing. */
  canopy_connection_set_paused (connection, TRUE);
  g_assert_true (canopy_connection_get_paused (connection));
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  frozen = g_list_model_get_n_items (trace);
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (g_list_model_get_n_items (trace), ==, frozen);

  /* Resumed: it grows again. */
  canopy_connection_set_paused (connection, FALSE);
  g_assert_true (wait_for_items (trace, frozen + 20));
  g_assert_null (canopy_connection_get_error (connection));

  canopy_connection_close (connection);
}

/* What the window sends shows in the trace as Tx, once, on a bus that does
 * not receive its own frames and on one that does. */
static void
check_sent_frame_in_trace (GHashTable *options)
{
  g_autoptr(CanopyConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  GListModel *trace;
  guint n_tx = 0;

  connection = open_connection ("virtual", "app-connection-tx", options, &error);
  g_assert_no_error (error);
  trace = canopy_connection_get_trace (connection);

  canopy_message_init (&msg, 0x321, FALSE, (const guint8 *) "\x01\x02", 2);
  g_assert_true (canopy_bus_send (canopy_connection_get_bus (connection), &msg, 1.0, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_items (trace, 1));

  /* A second copy would come with the same batch or the next one. */
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  for (guint i = 0; i < g_list_model_get_n_items (trace); i++)
    {
      g_autoptr(CanopyFrameItem) item = g_list_model_get_item (trace, i);
      const CanopyMessage *got = canopy_frame_item_get_message (item);

      g_assert_cmphex (got->arbitration_id, ==, 0x321);
      g_assert_true (got->flags & CANOPY_MESSAGE_TX);
      n_tx++;
    }
  g_assert_cmpuint (n_tx, ==, 1);

  canopy_connection_close (connection);
}

static void
test_sent_frames_in_trace (void)
{
  const char *own[] = { "receive_own_messages=true", NULL };
  g_autoptr(GHashTable) options = canopy_connection_parse_options (own, NULL);

  check_sent_frame_in_trace (NULL);
  check_sent_frame_in_trace (options);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/connection/parse-options", test_parse_options);
  g_test_add_func ("/app/connection/unknown-interface", test_unknown_interface);
  g_test_add_func ("/app/connection/refused-remote", test_refused_remote);
  g_test_add_func ("/app/connection/demo-frames-arrive", test_demo_frames_arrive);
  g_test_add_func ("/app/connection/sent-frames-in-trace", test_sent_frames_in_trace);

  return g_test_run ();
}
