/* test-socketcand-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The socketcand client driver against CanopyRemoteServer speaking
 * socketcand, and against a scripted peer for what a server may send.
 */

#include <string.h>

#include <gio/gio.h>

#include <canopy.h>

#include "drivers-test-util.h"

typedef struct
{
  CanopyRemoteServer *server;
  char               *channel;     /* the virtual channel the server shares */
  char               *address;     /* host:port/can0 */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static guint counter;

  f->channel = g_strdup_printf ("socketcand-test-%u", counter++);
  f->server = canopy_remote_server_new ("virtual", f->channel, NULL);
  canopy_remote_server_set_protocol (f->server, CANOPY_REMOTE_PROTOCOL_SOCKETCAND);
  g_assert_true (canopy_remote_server_start (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->address = g_strdup_printf ("127.0.0.1:%u/can0", canopy_remote_server_get_port (f->server));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  canopy_remote_server_stop (f->server);
  g_clear_object (&f->server);
  g_free (f->channel);
  g_free (f->address);
}

static CanopyBus *
open_client (const char  *address,
             GError     **error)
{
  return canopy_bus_new ("socketcand", address, NULL, error);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) client = open_client (f->address, &error);
  g_autoptr(CanopyVirtualBus) local = canopy_virtual_bus_new (f->channel, FALSE, 0);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  info = canopy_bus_dup_channel_info (client);
  g_assert_nonnull (strstr (info, "can0"));

  /* Client to the server's bus. */
  for (guint i = 0; i < 300; i++)
    {
      CanopyMessage msg = { .arbitration_id = (i % 2) ? 0x1F000000 + i : i, .flags = (i % 2) ? CANOPY_MESSAGE_EXTENDED : 0,
                            .dlc = i % 9, .channel = -1 };

      for (guint b = 0; b < msg.dlc; b++)
        msg.data[b] = i * 7 + b;
      g_assert_true (canopy_bus_send (client, &msg, 1.0, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 300; i++)
    {
      CanopyMessage got;

      g_assert_true (canopy_bus_recv_into (CANOPY_BUS (local), &got, 5.0, &error));
      g_assert_cmphex (got.arbitration_id, ==, (i % 2) ? 0x1F000000 + i : i);
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_EXTENDED), ==, i % 2);
      g_assert_cmpuint (got.dlc, ==, i % 9);
      if (got.dlc > 0)
        g_assert_cmphex (got.data[got.dlc - 1], ==, (guint8) (i * 7 + got.dlc - 1));
    }

  /* The server's bus to the client, with the server's Unix timestamps. */
  for (guint i = 0; i < 300; i++)
    {
      CanopyMessage msg = { .arbitration_id = 0x700 + i % 16, .dlc = 8, .channel = -1 };

      msg.data[0] = i;
      msg.data[7] = ~i;
      g_assert_true (canopy_bus_send (CANOPY_BUS (local), &msg, 1.0, &error));
    }
  for (guint i = 0; i < 300; i++)
    {
      CanopyMessage got;

      g_assert_true (canopy_bus_recv_into (client, &got, 5.0, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got.arbitration_id, ==, 0x700 + i % 16);
      g_assert_cmphex (got.data[0], ==, (guint8) i);
      g_assert_cmphex (got.data[7], ==, (guint8) ~i);
      g_assert_cmpint (ABS (got.timestamp_ns - g_get_real_time () * 1000), <, G_GINT64_CONSTANT (5000000000));
    }

  g_assert_cmpuint (canopy_socketcand_bus_get_skipped (CANOPY_SOCKETCAND_BUS (client)), ==, 0);
}

static void
test_filters_and_error_frames (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) client = open_client (f->address, &error);
  g_autoptr(CanopyVirtualBus) local = canopy_virtual_bus_new (f->channel, FALSE, 0);
  CanopyFilter filter = { .can_id = 0x123, .can_mask = 0x7FF };
  CanopyMessage msg = { .dlc = 1, .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_true (canopy_bus_set_filter_array (client, &filter, 1, &error));

  for (guint32 id = 0x120; id < 0x128; id++)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (CANOPY_BUS (local), &msg, 1.0, &error));
    }
  /* Error frames pass every filter. */
  msg.arbitration_id = 0x004;
  msg.flags = CANOPY_MESSAGE_ERROR;
  msg.dlc = 8;
  msg.data[1] = 0x10;
  g_assert_true (canopy_bus_send (CANOPY_BUS (local), &msg, 1.0, &error));

  g_assert_true (canopy_bus_recv_into (client, &got, 5.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x123);
  g_assert_false (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_true (canopy_bus_recv_into (client, &got, 5.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x004);
  g_assert_cmphex (got.data[1], ==, 0x10);
  g_assert_false (canopy_bus_recv_into (client, &got, 0.2, &error));
  g_assert_no_error (error);

  /* What raw mode cannot carry is refused here, not lost on the way. */
  msg.flags = CANOPY_MESSAGE_FD;
  msg.dlc = 12;
  g_assert_false (canopy_bus_send (client, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
}

static void
test_server_goes_away (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) client = open_client (f->address, &error);
  CanopyMessage msg = { .arbitration_id = 1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);
  thread = g_thread_new ("recv", drivers_test_blocked_recv, client);
  g_usleep (G_USEC_PER_SEC / 10);
  canopy_remote_server_stop (f->server);

  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_error_free (recv_error);

  g_assert_false (canopy_bus_send (client, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
}

static void
test_shutdown (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) client = open_client (f->address, &error);

  g_assert_no_error (error);
  drivers_test_assert_shutdown_wakes_reader (client);

  /* The server notices and forgets the client. */
  for (guint i = 0; i < 200 && canopy_remote_server_get_n_clients (f->server) > 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (canopy_remote_server_get_n_clients (f->server), ==, 0);
}

static void
test_bad_channels (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(CanopyBus) bus = NULL;
  g_autofree char *address = NULL;
  guint16 port;

  bus = canopy_bus_new ("socketcand", "127.0.0.1:29536", NULL, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Nobody listens on a port we just closed. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_socket_listener_close (listener);
  address = g_strdup_printf ("127.0.0.1:%u/can0", port);
  bus = canopy_bus_new ("socketcand", address, NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

/* A raw TCP peer that speaks the handshake itself, byte by byte. */
static GSocket *
raw_connect (guint port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 20);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  return socket;
}

/* Sends what the server takes; it may have closed on us, which is fine. */
static void
raw_send (GSocket    *socket,
          const char *data,
          gsize       len)
{
  while (len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, data, len, NULL, &error);

      if (n <= 0)
        return;
      data += n;
      len -= n;
    }
}

/* Reads until @text has arrived whole. */
static void
raw_expect (GSocket    *socket,
            const char *text)
{
  gsize len = strlen (text);
  g_autofree char *buf = g_malloc0 (len + 1);
  gsize got = 0;

  while (got < len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, buf + got, len - got, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      got += n;
    }
  g_assert_cmpstr (buf, ==, text);
}

/* TRUE once the server has closed @socket (it sends nothing else here). */
static gboolean
raw_closed (GSocket *socket)
{
  char buf[256];
  g_autoptr(GError) error = NULL;

  if (!(g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR)))
    return FALSE;
  return g_socket_receive (socket, buf, sizeof buf, NULL, &error) <= 0;
}

static void
wait_for_clients (CanopyRemoteServer *server,
                  guint               n)
{
  for (guint i = 0; i < 1000 && canopy_remote_server_get_n_clients (server) != n; i++)
    g_usleep (10000);
  g_assert_cmpuint (canopy_remote_server_get_n_clients (server), ==, n);
}

/* Clients that trickle their handshake, one byte every 0.3 s, hold every
 * slot of the server. Each read comes well within the 1 s handshake
 * deadline, but the deadline is one for the whole handshake: half of them
 * open their bus at once and only trickle `< rawmode >`, the others
 * trickle from the first byte; all are dropped at the deadline, and real
 * clients get the slots back. */
static void
test_trickled_handshake (void)
{
  const char open[] = "< open can0 >";
  const char rawmode[] = "< rawmode >";
  g_autoptr(CanopyRemoteServer) server = canopy_remote_server_new ("virtual", "socketcand-trickle", NULL);
  g_autoptr(GPtrArray) slow = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) client = NULL;
  g_autoptr(CanopyVirtualBus) local = NULL;
  g_autofree char *address = NULL;
  g_autofree char *script = NULL;
  CanopyMessage msg = { .arbitration_id = 0x321, .dlc = 2, .data = { 0xCA, 0xFE }, .channel = -1 };
  CanopyMessage got;
  gint64 closed_at[4] = { 0 };
  guint n_closed = 0;
  gint64 start;

  canopy_remote_server_set_protocol (server, CANOPY_REMOTE_PROTOCOL_SOCKETCAND);
  canopy_remote_server_set_max_clients (server, 4);
  canopy_remote_server_set_handshake_timeout (server, 1.0);
  g_assert_true (canopy_remote_server_start (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 4; i++)
    {
      GSocket *raw = raw_connect (canopy_remote_server_get_port (server));

      raw_expect (raw, "< hi >");
      if (i % 2 == 0)
        {
          raw_send (raw, open, strlen (open));
          raw_expect (raw, "< ok >");
        }
      g_ptr_array_add (slow, raw);
    }
  wait_for_clients (server, 4);

  script = g_strconcat (open, rawmode, NULL);
  for (gsize byte = 0; n_closed < slow->len && g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC; byte++)
    {
      for (guint i = 0; i < slow->len; i++)
        {
          const char *text = i % 2 == 0 ? rawmode : script;

          if (closed_at[i] != 0)
            continue;
          if (raw_closed (slow->pdata[i]))
            {
              closed_at[i] = g_get_monotonic_time ();
              n_closed++;
            }
          else if (byte < strlen (text))
            raw_send (slow->pdata[i], text + byte, 1);
        }
      g_usleep (300 * 1000);
    }
  g_assert_cmpuint (n_closed, ==, slow->len);
  for (guint i = 0; i < slow->len; i++)
    {
      double elapsed = (closed_at[i] - start) / (double) G_USEC_PER_SEC;

      g_test_message ("trickling client %u dropped after %.2f s", i, elapsed);
      /* Dropped at the one deadline (the last check may come 0.3 s late),
       * long before `< rawmode >` (3.3 s) could have been trickled whole. */
      g_assert_cmpfloat (elapsed, <, 2.0);
    }

  /* Their slots serve a real client again. */
  wait_for_clients (server, 0);
  address = g_strdup_printf ("127.0.0.1:%u/can0", canopy_remote_server_get_port (server));
  client = open_client (address, &error);
  g_assert_no_error (error);
  local = canopy_virtual_bus_new ("socketcand-trickle", FALSE, 0);
  g_assert_true (canopy_bus_send (client, &msg, 1.0, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_bus_recv_into (CANOPY_BUS (local), &got, 5.0, &error));
  g_assert_no_error (error);
  g_assert_cmphex (got.arbitration_id, ==, 0x321);
  g_assert_cmphex (got.data[1], ==, 0xFE);

  canopy_remote_server_stop (server);
}

/* A server whose bus cannot open says why; the client reports its words. */
static gpointer
refusing_server (gpointer data)
{
  GSocketListener *listener = data;
  g_autoptr(GSocketConnection) connection = g_socket_listener_accept (listener, NULL, NULL, NULL);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  char buf[256];

  g_output_stream_write_all (out, "< hi >", 6, NULL, NULL, NULL);
  g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
  g_output_stream_write_all (out, "< error could not open bus >", 28, NULL, NULL, NULL);
  while (g_input_stream_read (in, buf, sizeof buf, NULL, NULL) > 0)
    ;
  return NULL;
}

static void
test_server_refuses (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(CanopyBus) bus = NULL;
  g_autofree char *address = NULL;
  GThread *thread;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  thread = g_thread_new ("peer", refusing_server, listener);
  address = g_strdup_printf ("127.0.0.1:%u/can9", port);

  bus = canopy_bus_new ("socketcand", address, NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE);
  g_assert_nonnull (strstr (error->message, "could not open bus"));
  g_thread_join (thread);
}

/* A scripted server: the handshake, then noise, an over-long element and
 * frames split across writes. */
static gpointer
scripted_server (gpointer data)
{
  GSocketListener *listener = data;
  g_autoptr(GSocketConnection) connection = g_socket_listener_accept (listener, NULL, NULL, NULL);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr(GString) script = g_string_new (NULL);
  char buf[256];

  g_output_stream_write_all (out, "< hi >", 6, NULL, NULL, NULL);
  g_input_stream_read (in, buf, sizeof buf, NULL, NULL);             /* < open can0 > */
  g_output_stream_write_all (out, "< ok >", 6, NULL, NULL, NULL);
  g_input_stream_read (in, buf, sizeof buf, NULL, NULL);             /* < rawmode > */

  g_string_append (script, "< ok >< frame 001 1.0 AA >noise< bogus 1 2 3 >< frame 00X 1.0 >< ");
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (script, 'z');
  g_string_append (script, " >< error something went wrong >< frame 002 1.0 BBCC >");
  for (gsize pos = 0; pos < script->len; pos += 5)
    {
      g_output_stream_write_all (out, script->str + pos, MIN (5, script->len - pos), NULL, NULL, NULL);
      g_output_stream_flush (out, NULL, NULL);
    }

  /* Wait for the client to close. */
  while (g_input_stream_read (in, buf, sizeof buf, NULL, NULL) > 0)
    ;
  return NULL;
}

static void
test_garbage_from_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(CanopyBus) bus = NULL;
  g_autofree char *address = NULL;
  CanopyMessage got;
  GThread *thread;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("peer", scripted_server, listener);
  address = g_strdup_printf ("127.0.0.1:%u/can0", port);

  bus = canopy_bus_new ("socketcand", address, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x001);
  g_assert_cmphex (got.data[0], ==, 0xAA);
  g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x002);
  g_assert_cmpuint (got.dlc, ==, 2);
  g_assert_cmphex (got.data[1], ==, 0xCC);
  /* noise, bogus, a bad frame, the over-long element, the error report */
  g_assert_cmpuint (canopy_socketcand_bus_get_skipped (CANOPY_SOCKETCAND_BUS (bus)), ==, 5);

  canopy_bus_shutdown (bus);
  g_clear_object (&bus);
  g_thread_join (thread);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/socketcand/bus/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/socketcand/bus/filters-and-error-frames", Fixture, NULL, fixture_set_up,
              test_filters_and_error_frames, fixture_tear_down);
  g_test_add ("/socketcand/bus/server-goes-away", Fixture, NULL, fixture_set_up, test_server_goes_away,
              fixture_tear_down);
  g_test_add ("/socketcand/bus/shutdown", Fixture, NULL, fixture_set_up, test_shutdown, fixture_tear_down);
  g_test_add_func ("/socketcand/bus/bad-channels", test_bad_channels);
  g_test_add_func ("/socketcand/bus/server-refuses", test_server_refuses);
  g_test_add_func ("/socketcand/bus/garbage-from-server", test_garbage_from_server);
  g_test_add_func ("/socketcand/bus/trickled-handshake", test_trickled_handshake);

  return g_test_run ();
}
