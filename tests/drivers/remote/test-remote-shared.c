/* test-remote-shared.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A remote server that shares a bus its owner opened and reads (a channel
 * that cannot be opened twice): clients receive what the owner's notifier
 * reads, their frames go out on that very bus, their filters apply to them
 * alone, and a failure or the end of the reading disconnects them with the
 * reason.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include <canopy.h>

typedef struct
{
  CanopyBus          *bus;       /* the owner's bus */
  CanopyBus          *peer;      /* another node on the same wire */
  CanopyNotifier     *notifier;
  CanopyRemoteServer *server;
} Shared;

static void
shared_start (Shared     *shared,
              const char *channel)
{
  g_autoptr(GError) error = NULL;
  CanopyListener *listeners[1];

  shared->bus = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
  shared->peer = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
  shared->server = canopy_remote_server_new_for_bus (shared->bus);
  g_assert_true (canopy_remote_server_get_bus (shared->server) == shared->bus);
  g_assert_null (canopy_remote_server_get_interface (shared->server));

  listeners[0] = CANOPY_LISTENER (shared->server);
  shared->notifier = canopy_notifier_new (&shared->bus, 1, listeners, 1);

  g_assert_true (canopy_remote_server_start (shared->server, NULL, 0, &error));
  g_assert_no_error (error);
}

static void
shared_stop (Shared *shared)
{
  canopy_remote_server_stop (shared->server);
  canopy_notifier_stop (shared->notifier, 5.0);
  g_clear_object (&shared->notifier);
  g_clear_object (&shared->server);
  canopy_bus_shutdown (shared->peer);
  canopy_bus_shutdown (shared->bus);
  g_clear_object (&shared->peer);
  g_clear_object (&shared->bus);
}

static CanopyBus *
open_client (Shared             *shared,
             const CanopyFilter *filters,
             guint               n_filters)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", canopy_remote_server_get_port (shared->server));
  g_autoptr(GError) error = NULL;
  CanopyBus *client = canopy_bus_new ("remote", address, NULL, &error);

  g_assert_no_error (error);
  if (n_filters > 0)
    {
      g_assert_true (canopy_bus_set_filter_array (client, filters, n_filters, &error));
      g_assert_no_error (error);
    }
  return client;
}

static void
send_ids (CanopyBus *bus,
          guint32    first,
          guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      guint8 data[4] = { i, i >> 8, 0xA5, 0x5A };
      CanopyMessage msg;

      canopy_message_init (&msg, first + i, FALSE, data, sizeof data);
      g_assert_true (canopy_bus_send (bus, &msg, 1.0, &error));
      g_assert_no_error (error);
    }
}

static void
recv_ids (CanopyBus *bus,
          guint32    first,
          guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      CanopyMessage msg;

      g_assert_true (canopy_bus_recv_into (bus, &msg, 5.0, &error));
      g_assert_no_error (error);
      g_assert_cmphex (msg.arbitration_id, ==, first + i);
      g_assert_cmpuint (msg.dlc, ==, 4);
      g_assert_cmpuint (msg.data[0], ==, i & 0xFF);
      g_assert_cmpuint (msg.data[2], ==, 0xA5);
    }
}

static void
assert_quiet (CanopyBus *bus)
{
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  g_assert_false (canopy_bus_recv_into (bus, &msg, 0.2, &error));
  g_assert_no_error (error);
}

/* What another node puts on the wire reaches every client, in order; what
 * a client sends goes out on the owner's bus (its statistics count it)
 * and reaches the other node. */
static void
test_frames (void)
{
  Shared shared = { 0 };
  g_autoptr(CanopyBus) a = NULL;
  g_autoptr(CanopyBus) b = NULL;
  g_autoptr(CanopyBusStatistics) stats = NULL;

  shared_start (&shared, "shared-frames");
  a = open_client (&shared, NULL, 0);
  b = open_client (&shared, NULL, 0);

  send_ids (shared.peer, 0x100, 500);
  recv_ids (a, 0x100, 500);
  recv_ids (b, 0x100, 500);

  send_ids (a, 0x200, 50);
  recv_ids (shared.peer, 0x200, 50);
  /* The owner's bus counts a frame once its send returns, which can be
   * just after the peer received it. */
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;; g_usleep (1000))
    {
      g_clear_pointer (&stats, canopy_bus_statistics_free);
      stats = canopy_bus_get_statistics (shared.bus);
      if (canopy_bus_statistics_get_tx_frames (stats) >= 50 || g_get_monotonic_time () > end)
        break;
    }
  g_assert_cmpuint (canopy_bus_statistics_get_tx_frames (stats), ==, 50);
  /* The shared bus does not receive its own frames, so neither does the
   * other client: clients see what the owner's listeners see. */
  assert_quiet (b);

  g_assert_cmpuint (canopy_remote_server_get_n_clients (shared.server), ==, 2);
  shared_stop (&shared);
  /* Stopping the server left the bus to its owner until the owner closed it. */
}

/* Each client's filters apply to what it receives, not to the shared bus
 * nor to the other clients. */
static void
test_filters (void)
{
  Shared shared = { 0 };
  CanopyFilter only_0x120 = { .can_id = 0x120, .can_mask = 0x7FF };
  g_autoptr(CanopyBus) filtered = NULL;
  g_autoptr(CanopyBus) all = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  shared_start (&shared, "shared-filters");
  filtered = open_client (&shared, &only_0x120, 1);
  all = open_client (&shared, NULL, 0);

  send_ids (shared.peer, 0x100, 64);
  recv_ids (all, 0x100, 64);
  g_assert_true (canopy_bus_recv_into (filtered, &msg, 5.0, &error));
  g_assert_no_error (error);
  g_assert_cmphex (msg.arbitration_id, ==, 0x120);
  assert_quiet (filtered);

  shared_stop (&shared);
}

/* Stopping the server disconnects the clients and leaves the owner's bus
 * open and read. */
static void
test_server_stop_keeps_bus (void)
{
  Shared shared = { 0 };
  g_autoptr(CanopyBus) client = NULL;
  g_autoptr(CanopyBufferedReader) reader = canopy_buffered_reader_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyMessage) got = NULL;
  CanopyMessage msg;

  shared_start (&shared, "shared-stop");
  canopy_notifier_add_listener (shared.notifier, CANOPY_LISTENER (reader));
  client = open_client (&shared, NULL, 0);
  canopy_remote_server_stop (shared.server);

  g_assert_false (canopy_bus_recv_into (client, &msg, 5.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_clear_error (&error);

  g_assert_false (canopy_bus_is_shut_down (shared.bus));
  send_ids (shared.peer, 0x300, 1);
  got = canopy_buffered_reader_get_message (reader, 5.0);
  g_assert_nonnull (got);
  g_assert_cmphex (got->arbitration_id, ==, 0x300);

  /* And it starts again on the same bus. */
  g_assert_true (canopy_remote_server_start (shared.server, NULL, 0, &error));
  g_assert_no_error (error);
  g_clear_object (&client);
  client = open_client (&shared, NULL, 0);
  send_ids (shared.peer, 0x310, 3);
  recv_ids (client, 0x310, 3);

  shared_stop (&shared);
}

/* When the owner stops reading the bus, clients are told why and
 * disconnected, and new ones are refused with the reason. */
static void
test_reading_ends (void)
{
  Shared shared = { 0 };
  g_autoptr(CanopyBus) client = NULL;
  g_autoptr(CanopyBus) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  CanopyMessage msg;

  shared_start (&shared, "shared-end");
  client = open_client (&shared, NULL, 0);
  send_ids (shared.peer, 0x400, 2);
  recv_ids (client, 0x400, 2);

  canopy_notifier_stop (shared.notifier, 5.0);

  g_assert_false (canopy_bus_recv_into (client, &msg, 5.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "no longer read"));
  g_clear_error (&error);

  address = g_strdup_printf ("127.0.0.1:%u", canopy_remote_server_get_port (shared.server));
  late = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_null (late);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "no longer read"));

  shared_stop (&shared);
}

/* A bus that is shut down cannot be shared; the error says so. */
static void
test_shut_down_bus (void)
{
  g_autoptr(CanopyBus) bus = CANOPY_BUS (canopy_virtual_bus_new ("shared-closed", FALSE, 0));
  g_autoptr(CanopyRemoteServer) server = canopy_remote_server_new_for_bus (bus);
  g_autoptr(GError) error = NULL;

  canopy_bus_shutdown (bus);
  g_assert_false (canopy_remote_server_start (server, NULL, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_assert_false (canopy_remote_server_get_running (server));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/remote/shared/frames", test_frames);
  g_test_add_func ("/remote/shared/filters", test_filters);
  g_test_add_func ("/remote/shared/server-stop-keeps-bus", test_server_stop_keeps_bus);
  g_test_add_func ("/remote/shared/reading-ends", test_reading_ends);
  g_test_add_func ("/remote/shared/shut-down-bus", test_shut_down_bus);

  return g_test_run ();
}
