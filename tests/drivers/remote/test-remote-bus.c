/* test-remote-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The remote client driver and CanopyRemoteServer over loopback. The
 * server shares a virtual channel; since it runs in this process, a
 * virtual bus opened here on the same channel sees what clients send and
 * feeds what they receive.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include <canopy.h>

#include "remote-test-raw.h"

#include "canopy-remote-protocol-private.h"

static CanopyRemoteServer *
start_server (const char *channel)
{
  g_autoptr(GError) error = NULL;
  CanopyRemoteServer *server = canopy_remote_server_new ("virtual", channel, NULL);

  g_assert_true (canopy_remote_server_start (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_remote_server_get_port (server), >, 0);
  return server;
}

static char *
server_address (CanopyRemoteServer *server)
{
  return g_strdup_printf ("127.0.0.1:%u", canopy_remote_server_get_port (server));
}

static CanopyBus *
open_client (CanopyRemoteServer *server)
{
  g_autofree char *address = server_address (server);
  g_autoptr(GError) error = NULL;
  CanopyBus *bus = canopy_bus_new ("remote", address, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_REMOTE_BUS (bus));
  return bus;
}

static CanopyBus *
open_virtual (const char *channel)
{
  return CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
}

/* Frame i of a test sequence: every id kind, flag and length. */
static void
make_frame (CanopyMessage *msg,
            guint          i)
{
  guint8 data[8];

  for (guint j = 0; j < 8; j++)
    data[j] = (guint8) (i * 7 + j);

  switch (i % 4)
    {
    case 0:
      canopy_message_init (msg, i % 0x800, FALSE, data, i % 9);
      break;
    case 1:
      canopy_message_init (msg, (i * 4099) & 0x1FFFFFFF, TRUE, data, i % 9);
      break;
    case 2:
      canopy_message_init (msg, i % 0x800, FALSE, NULL, 0);
      canopy_message_set_remote (msg, TRUE);
      msg->dlc = i % 9;
      break;
    default:
      canopy_message_init (msg, 0, FALSE, data, 8);
      canopy_message_set_error (msg, TRUE);
      break;
    }
}

static void
assert_frame (const CanopyMessage *got,
              guint                i)
{
  CanopyMessage want;

  make_frame (&want, i);
  g_assert_cmphex (got->arbitration_id, ==, want.arbitration_id);
  g_assert_cmphex (got->flags & ~CANOPY_MESSAGE_TX, ==, want.flags);
  g_assert_cmpuint (got->dlc, ==, want.dlc);
  if (!(want.flags & CANOPY_MESSAGE_REMOTE))
    g_assert_cmpmem (got->data, got->dlc, want.data, want.dlc);
}

static void
send_frames (CanopyBus *bus,
             guint      first,
             guint      n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autoptr(GError) error = NULL;
      CanopyMessage msg;

      make_frame (&msg, i);
      g_assert_true (canopy_bus_send (bus, &msg, -1, &error));
      g_assert_no_error (error);
    }
}

static void
recv_frames (CanopyBus *bus,
             guint      first,
             guint      n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autoptr(GError) error = NULL;
      CanopyMessage msg;

      if (!canopy_bus_recv_into (bus, &msg, 10, &error))
        g_error ("frame %u of %u..%u not received: %s", i, first, first + n,
                 error ? error->message : "timeout");
      assert_frame (&msg, i);
    }
}

static void
assert_nothing (CanopyBus *bus,
                double     wait)
{
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  g_assert_false (canopy_bus_recv_into (bus, &msg, wait, &error));
  g_assert_no_error (error);
}

static void
wait_for_clients (CanopyRemoteServer *server,
                  guint               n)
{
  for (guint i = 0; i < 1000 && canopy_remote_server_get_n_clients (server) != n; i++)
    g_usleep (10000);
  g_assert_cmpuint (canopy_remote_server_get_n_clients (server), ==, n);
}

static void
raw_send (GSocket      *socket,
          const guint8 *data,
          gsize         len)
{
  g_autoptr(GError) error = NULL;

  while (len > 0)
    {
      gssize n = g_socket_send (socket, (const char *) data, len, NULL, &error);

      g_assert_no_error (error);
      data += n;
      len -= n;
    }
}

/* Everything the peer sends until it closes. */
static GByteArray *
raw_read_to_end (GSocket *socket)
{
  GByteArray *bytes = g_byte_array_new ();

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint8 buf[4096];
      gssize n = g_socket_receive (socket, (char *) buf, sizeof buf, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        break;
      g_byte_array_append (bytes, buf, n);
    }
  return bytes;
}

static void
raw_read_exact (GSocket *socket,
                guint8  *buf,
                gsize    len)
{
  while (len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, (char *) buf, len, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      buf += n;
      len -= n;
    }
}

/* BusRequest(1, 500000) + empty FilterConfig, then the BusResponse. */
static void
raw_handshake (GSocket *socket)
{
  const guint8 hello[] = { 0x01, 0x01, 0x00, 0x07, 0xA1, 0x20, 0x0A, 0x00 };
  guint8 head[2];
  guint8 text[255];

  raw_send (socket, hello, sizeof hello);
  raw_read_exact (socket, head, 2);
  g_assert_cmpuint (head[0], ==, CANOPY_REMOTE_EVENT_BUS_RESPONSE);
  raw_read_exact (socket, text, head[1]);
}

static void
test_round_trip (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-rt");
  g_autoptr(CanopyBus) client = open_client (server);
  g_autoptr(CanopyBus) local = open_virtual ("remote-rt");
  g_autofree char *info = canopy_bus_dup_channel_info (client);
  g_autofree char *want = g_strdup_printf ("Virtual bus channel remote-rt on 127.0.0.1:%u",
                                           canopy_remote_server_get_port (server));

  g_assert_cmpstr (info, ==, want);

  send_frames (client, 0, 2000);
  recv_frames (local, 0, 2000);

  send_frames (local, 5000, 2000);
  recv_frames (client, 5000, 2000);

  /* Timestamps are the server bus's receive times, carried as seconds. */
  {
    g_autoptr(GError) error = NULL;
    gint64 before = g_get_real_time () * 1000;
    CanopyMessage msg;

    send_frames (local, 1, 1);
    g_assert_true (canopy_bus_recv_into (client, &msg, 10, &error));
    g_assert_cmpint (msg.timestamp_ns, >=, before - 1000000);
    g_assert_cmpint (msg.timestamp_ns, <=, g_get_real_time () * 1000 + 1000000);
  }

  assert_nothing (client, 0.05);
  canopy_bus_shutdown (client);
  wait_for_clients (server, 0);
}

static void
test_multi_client (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-multi");
  g_autoptr(CanopyBus) a = open_client (server);
  g_autoptr(CanopyBus) b = open_client (server);
  g_autoptr(CanopyBus) c = open_client (server);
  g_autoptr(GPtrArray) clients = NULL;
  guint64 received = 0, sent = 0;

  send_frames (a, 0, 3000);
  recv_frames (b, 0, 3000);
  recv_frames (c, 0, 3000);
  assert_nothing (a, 0.1);

  send_frames (c, 100, 10);
  recv_frames (a, 100, 10);
  recv_frames (b, 100, 10);

  /* Counters are updated after each write completes: let them settle. */
  for (guint attempt = 0; attempt < 500; attempt++)
    {
      g_clear_pointer (&clients, g_ptr_array_unref);
      clients = canopy_remote_server_list_clients (server);
      g_assert_cmpuint (clients->len, ==, 3);
      received = sent = 0;
      for (guint i = 0; i < clients->len; i++)
        {
          CanopyRemoteClientInfo *info = g_ptr_array_index (clients, i);

          g_assert_true (g_str_has_prefix (info->address, "127.0.0.1:"));
          g_assert_cmpstr (info->channel_info, ==, "Virtual bus channel remote-multi");
          g_assert_cmpint (info->requested_bitrate, ==, 500000);
          g_assert_cmpuint (info->frames_dropped, ==, 0);
          received += info->frames_received;
          sent += info->frames_sent;
        }
      if (received == 3010 && sent == 2 * 3010)
        break;
      g_usleep (10000);
    }
  g_assert_cmpuint (received, ==, 3010);
  g_assert_cmpuint (sent, ==, 2 * 3010);

  canopy_bus_shutdown (b);
  wait_for_clients (server, 2);
  send_frames (a, 7, 1);
  recv_frames (c, 7, 1);
}

static void
test_filters (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-filter");
  g_autofree char *address = server_address (server);
  g_autoptr(GError) error = NULL;
  const CanopyFilter filters[] = { { .can_id = 0x100, .can_mask = 0x700 } };
  g_autoptr(CanopyRemoteBus) client = canopy_remote_bus_new (address, 250000, filters, 1, &error);
  g_autoptr(CanopyBus) local = open_virtual ("remote-filter");
  g_autoptr(GPtrArray) clients = NULL;
  const guint ids[] = { 0x100, 0x200, 0x1FF, 0x7FF, 0x180 };
  CanopyMessage msg;

  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      canopy_message_init (&msg, ids[i], FALSE, NULL, 0);
      g_assert_true (canopy_bus_send (local, &msg, 0, NULL));
    }

  g_assert_true (canopy_bus_recv_into (CANOPY_BUS (client), &msg, 10, &error));
  g_assert_cmphex (msg.arbitration_id, ==, 0x100);
  g_assert_true (canopy_bus_recv_into (CANOPY_BUS (client), &msg, 10, &error));
  g_assert_cmphex (msg.arbitration_id, ==, 0x1FF);
  g_assert_true (canopy_bus_recv_into (CANOPY_BUS (client), &msg, 10, &error));
  g_assert_cmphex (msg.arbitration_id, ==, 0x180);
  assert_nothing (CANOPY_BUS (client), 0.1);

  /* The server filtered: only three frames crossed the network. */
  for (guint attempt = 0; attempt < 500; attempt++)
    {
      g_clear_pointer (&clients, g_ptr_array_unref);
      clients = canopy_remote_server_list_clients (server);
      g_assert_cmpuint (clients->len, ==, 1);
      if (((CanopyRemoteClientInfo *) clients->pdata[0])->frames_sent == 3)
        break;
      g_usleep (10000);
    }
  g_assert_cmpuint (((CanopyRemoteClientInfo *) clients->pdata[0])->frames_sent, ==, 3);
  g_assert_cmpint (((CanopyRemoteClientInfo *) clients->pdata[0])->requested_bitrate, ==, 250000);

  /* New filters travel too; inverted ones are applied by the client. */
  {
    const CanopyFilter inverted[] = { { .can_id = 0x200, .can_mask = 0x7FF, .inverted = TRUE } };

    g_assert_true (canopy_bus_set_filter_array (CANOPY_BUS (client), inverted, 1, &error));
    g_assert_no_error (error);
    /* The server handles a client's events in order: once a frame sent
     * after the FilterConfig arrives, the new filters are in place. */
    canopy_message_init (&msg, 0x42, FALSE, NULL, 0);
    g_assert_true (canopy_bus_send (CANOPY_BUS (client), &msg, -1, &error));
    g_assert_true (canopy_bus_recv_into (local, &msg, 10, &error));
    g_assert_cmphex (msg.arbitration_id, ==, 0x42);
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        canopy_message_init (&msg, ids[i], FALSE, NULL, 0);
        g_assert_true (canopy_bus_send (local, &msg, 0, NULL));
      }
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        if (ids[i] == 0x200)
          continue;
        g_assert_true (canopy_bus_recv_into (CANOPY_BUS (client), &msg, 10, &error));
        g_assert_cmphex (msg.arbitration_id, ==, ids[i]);
      }
    assert_nothing (CANOPY_BUS (client), 0.1);
  }
}

static void
test_version_mismatch (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-version");
  g_autoptr(CanopyBus) other = open_client (server);
  g_autoptr(CanopyBus) local = open_virtual ("remote-version");
  g_autoptr(GSocket) raw = raw_connect (canopy_remote_server_get_port (server), 0);
  const guint8 hello[] = { 0x01, 0x02, 0x00, 0x07, 0xA1, 0x20, 0x0A, 0x00 };
  const char *text = "Protocol version mismatch (2 != 1)";
  g_autoptr(GByteArray) answer = NULL;
  g_autoptr(GByteArray) want = g_byte_array_new ();
  guint8 head[2] = { 0x06, strlen (text) };

  raw_send (raw, hello, sizeof hello);
  answer = raw_read_to_end (raw);

  g_byte_array_append (want, head, 2);
  g_byte_array_append (want, (const guint8 *) text, strlen (text));
  g_assert_cmpmem (answer->data, answer->len, want->data, want->len);

  /* The other client did not notice. */
  send_frames (local, 0, 10);
  recv_frames (other, 0, 10);
  wait_for_clients (server, 1);
}

static void
expect_exception_and_close (guint         port,
                            const guint8 *bytes,
                            gsize         len,
                            const char   *text)
{
  g_autoptr(GSocket) raw = raw_connect (port, 0);
  g_autoptr(GByteArray) answer = NULL;
  g_autofree char *got = NULL;

  raw_handshake (raw);
  raw_send (raw, bytes, len);
  answer = raw_read_to_end (raw);

  g_assert_cmpuint (answer->len, >=, 2);
  g_assert_cmpuint (answer->data[0], ==, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION);
  g_assert_cmpuint (answer->len, ==, 2 + answer->data[1]);
  got = g_strndup ((const char *) answer->data + 2, answer->data[1]);
  g_test_message ("server said: %s", got);
  g_assert_nonnull (strstr (got, text));
}

static void
test_malformed (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-malformed");
  g_autoptr(CanopyBus) other = open_client (server);
  g_autoptr(CanopyBus) local = open_virtual ("remote-malformed");
  guint port = canopy_remote_server_get_port (server);
  const guint8 unknown[] = { 0x07 };
  guint8 frame[CANOPY_REMOTE_MESSAGE_SIZE];
  CanopyMessage msg;

  /* An unknown event id: offset 8 counts the handshake's 8 bytes. */
  expect_exception_and_close (port, unknown, 1, "offset 8: unknown event id 7");

  /* A frame with DLC 9 */
  canopy_message_init (&msg, 0x123, FALSE, NULL, 0);
  _canopy_remote_encode_message (frame, &msg);
  frame[13] = 9;
  expect_exception_and_close (port, frame, sizeof frame, "DLC 9");

  /* A second BusRequest is out of place. */
  {
    const guint8 again[] = { 0x01, 0x01, 0x00, 0x00, 0x00, 0x00 };
    expect_exception_and_close (port, again, sizeof again, "unexpected BusRequest");
  }

  /* Handshake that does not start with a BusRequest */
  {
    g_autoptr(GSocket) raw = raw_connect (port, 0);
    g_autoptr(GByteArray) answer = NULL;

    raw_send (raw, (const guint8 *) "\x0a\x00", 2);
    answer = raw_read_to_end (raw);
    g_assert_cmpuint (answer->len, >, 2);
    g_assert_cmpuint (answer->data[0], ==, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION);
    g_assert_nonnull (g_strstr_len ((const char *) answer->data, answer->len, "Handshake error"));
  }

  /* Others never noticed. */
  send_frames (other, 0, 10);
  recv_frames (local, 0, 10);
  wait_for_clients (server, 1);
}

static void
test_send_error_keeps_session (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-senderr");
  g_autoptr(CanopyBus) local = open_virtual ("remote-senderr");
  g_autoptr(GSocket) raw = raw_connect (canopy_remote_server_get_port (server), 0);
  guint8 frame[CANOPY_REMOTE_MESSAGE_SIZE];
  guint8 head[2];
  char text[256];
  CanopyMessage msg;

  raw_handshake (raw);

  /* A standard id above 0x7FF: the bus refuses it, the server says why and
   * keeps serving. */
  canopy_message_init (&msg, 0x7FF, FALSE, NULL, 0);
  _canopy_remote_encode_message (frame, &msg);
  frame[11] = 0x08;
  frame[12] = 0x00;
  raw_send (raw, frame, sizeof frame);

  raw_read_exact (raw, head, 2);
  g_assert_cmpuint (head[0], ==, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION);
  raw_read_exact (raw, (guint8 *) text, head[1]);
  text[head[1]] = 0;
  g_assert_nonnull (strstr (text, "0x800"));

  frame[11] = 0x07;
  frame[12] = 0xFF;
  raw_send (raw, frame, sizeof frame);
  g_assert_true (canopy_bus_recv_into (local, &msg, 10, NULL));
  g_assert_cmphex (msg.arbitration_id, ==, 0x7FF);
}

/* Every byte in its own TCP segment: events split across reads anywhere. */
static void
dribble (GSocket      *socket,
         const guint8 *data,
         gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      raw_send (socket, data + i, 1);
      g_usleep (300);
    }
}

static void
test_split_reads (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-split");
  g_autoptr(CanopyBus) local = open_virtual ("remote-split");
  g_autoptr(GSocket) raw = raw_connect (canopy_remote_server_get_port (server), 0);
  const guint8 hello[] = { 0x01, 0x01, 0x00, 0x07, 0xA1, 0x20,
                           0x0A, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
  guint8 frames[3 * CANOPY_REMOTE_MESSAGE_SIZE];
  guint8 head[2], text[255];
  CanopyMessage msg;

  g_socket_set_option (raw, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  dribble (raw, hello, sizeof hello);
  raw_read_exact (raw, head, 2);
  g_assert_cmpuint (head[0], ==, CANOPY_REMOTE_EVENT_BUS_RESPONSE);
  raw_read_exact (raw, text, head[1]);

  for (guint i = 0; i < 3; i++)
    {
      make_frame (&msg, 20 + i);
      _canopy_remote_encode_message (frames + i * CANOPY_REMOTE_MESSAGE_SIZE, &msg);
    }
  dribble (raw, frames, sizeof frames);
  recv_frames (local, 20, 3);
}

static void
test_disconnect_mid_event (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-mid");
  g_autoptr(CanopyBus) other = open_client (server);
  g_autoptr(CanopyBus) local = open_virtual ("remote-mid");
  guint8 frames[2 * CANOPY_REMOTE_MESSAGE_SIZE];
  CanopyMessage msg;

  for (gsize cut = 1; cut < CANOPY_REMOTE_MESSAGE_SIZE; cut += 5)
    {
      g_autoptr(GSocket) raw = raw_connect (canopy_remote_server_get_port (server), 0);

      raw_handshake (raw);
      make_frame (&msg, cut);
      _canopy_remote_encode_message (frames, &msg);
      _canopy_remote_encode_message (frames + CANOPY_REMOTE_MESSAGE_SIZE, &msg);
      raw_send (raw, frames, CANOPY_REMOTE_MESSAGE_SIZE + cut);
      g_socket_close (raw, NULL);

      /* The whole frame went to the bus, the half one did not. */
      recv_frames (local, cut, 1);
      recv_frames (other, cut, 1);
      wait_for_clients (server, 1);
      assert_nothing (local, 0.02);
    }

  send_frames (other, 0, 5);
  recv_frames (local, 0, 5);
}

static void
test_server_shutdown (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-stop");
  g_autoptr(CanopyBus) a = open_client (server);
  g_autoptr(CanopyBus) b = open_client (server);
  g_autoptr(GSocket) raw = raw_connect (canopy_remote_server_get_port (server), 0);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  /* One more client stuck in its handshake. */
  raw_send (raw, (const guint8 *) "\x01\x01", 2);
  wait_for_clients (server, 3);

  send_frames (a, 0, 100);
  recv_frames (b, 0, 100);

  canopy_remote_server_stop (server);
  g_assert_false (canopy_remote_server_get_running (server));
  g_assert_cmpuint (canopy_remote_server_get_n_clients (server), ==, 0);

  /* A blocking receive ends with a clear error instead of waiting forever. */
  g_assert_false (canopy_bus_recv_into (a, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* So do sends, at once. */
  make_frame (&msg, 1);
  g_assert_false (canopy_bus_send (a, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_clear_error (&error);

  g_assert_false (canopy_bus_recv_into (b, &msg, 5, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_clear_error (&error);

  /* The server starts again on a new port. */
  g_assert_true (canopy_remote_server_start (server, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (canopy_remote_server_get_host (server), ==, "127.0.0.1");
  {
    g_autoptr(CanopyBus) c = open_client (server);
    g_autoptr(CanopyBus) d = open_client (server);

    send_frames (c, 0, 10);
    recv_frames (d, 0, 10);
  }
}

static void
test_slow_client (void)
{
  g_autoptr(CanopyRemoteServer) server = canopy_remote_server_new ("virtual", "remote-slow", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) fast = NULL;
  g_autoptr(CanopyBus) local = NULL;
  g_autoptr(GSocket) slow = NULL;
  g_autoptr(GPtrArray) clients = NULL;
  /* Rounds small enough for the fast client's queue, enough of them to
   * fill the slow client's socket buffers several times over. */
  const guint n_rounds = 5000, per_round = 100;
  CanopyRemoteClientInfo *slow_info = NULL;

#ifdef G_OS_WIN32
  /* wine's sockets take a client's unread bytes without bound, so the
   * client never looks stalled and the flow control paces all 500,000
   * frames to wine's socket emulation: minutes, not a second. */
  if (g_getenv ("WINELOADER") != NULL || g_getenv ("WINEPREFIX") != NULL || g_getenv ("WINEPATH") != NULL)
    {
      g_test_skip ("wine buffers an unread socket without bound");
      return;
    }
#endif
  canopy_remote_server_set_client_queue_size (server, 256);
  /* The server waits this long for a client that stopped reading before
   * it drops frames for it. */
  canopy_remote_server_set_stall_timeout (server, 0.2);
  g_assert_true (canopy_remote_server_start (server, NULL, 0, &error));
  g_assert_no_error (error);

  /* A client that completes its handshake and then never reads. */
  slow = raw_connect (canopy_remote_server_get_port (server), 4096);
  raw_handshake (slow);

  fast = open_client (server);
  local = open_virtual ("remote-slow");

  for (guint r = 0; r < n_rounds; r++)
    {
      send_frames (local, r * per_round, per_round);
      recv_frames (fast, r * per_round, per_round);
    }

  /* Clients are listed in the order they connected: the slow one first. */
  clients = canopy_remote_server_list_clients (server);
  g_assert_cmpuint (clients->len, ==, 2);
  slow_info = g_ptr_array_index (clients, 0);
  g_assert_cmpuint (((CanopyRemoteClientInfo *) g_ptr_array_index (clients, 1))->frames_dropped, ==, 0);

  g_assert_nonnull (slow_info);
  g_test_message ("slow client: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " dropped",
                  slow_info->frames_sent, slow_info->frames_dropped);
  g_assert_cmpuint (slow_info->frames_dropped, >, 0);
  g_assert_cmpuint (slow_info->frames_sent + slow_info->frames_dropped, <=, n_rounds * per_round);

  /* Stopping does not wait for the slow client to read. */
  canopy_remote_server_stop (server);
}

static void
test_max_clients (void)
{
  g_autoptr(CanopyRemoteServer) server = canopy_remote_server_new ("virtual", "remote-max", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = NULL;
  g_autoptr(CanopyBus) b = NULL;
  g_autoptr(CanopyBus) c = NULL;
  g_autofree char *address = NULL;

  canopy_remote_server_set_max_clients (server, 2);
  g_assert_true (canopy_remote_server_start (server, NULL, 0, &error));
  address = server_address (server);

  a = open_client (server);
  b = open_client (server);
  c = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE);
  g_assert_nonnull (strstr (error->message, "maximum of 2 clients"));
  g_assert_cmpuint (canopy_remote_server_get_n_rejected (server), ==, 1);
  g_clear_error (&error);

  canopy_bus_shutdown (a);
  wait_for_clients (server, 1);
  c = open_client (server);
  send_frames (b, 0, 3);
  recv_frames (c, 0, 3);
}

/* A server whose bus is itself remote: its clients' buses on the first
 * server show the bit rate the second one forces. */
static void
test_forced_bitrate_chain (void)
{
  g_autoptr(CanopyRemoteServer) first = start_server ("remote-chain");
  g_autofree char *first_address = server_address (first);
  g_autoptr(CanopyRemoteServer) second = canopy_remote_server_new ("remote", first_address, NULL);
  g_autoptr(CanopyBus) local = open_virtual ("remote-chain");
  g_autoptr(GPtrArray) clients = NULL;
  g_autoptr(CanopyBus) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *info = NULL;

  canopy_remote_server_set_bitrate (second, 125000);
  g_assert_true (canopy_remote_server_start (second, NULL, 0, &error));
  g_assert_no_error (error);

  client = open_client (second);
  info = canopy_bus_dup_channel_info (client);
  g_assert_true (g_str_has_prefix (info, "Virtual bus channel remote-chain on 127.0.0.1:"));

  clients = canopy_remote_server_list_clients (first);
  g_assert_cmpuint (clients->len, ==, 1);
  g_assert_cmpint (((CanopyRemoteClientInfo *) clients->pdata[0])->requested_bitrate, ==, 125000);
  g_clear_pointer (&clients, g_ptr_array_unref);

  clients = canopy_remote_server_list_clients (second);
  g_assert_cmpint (((CanopyRemoteClientInfo *) clients->pdata[0])->requested_bitrate, ==, 500000);

  send_frames (client, 0, 500);
  recv_frames (local, 0, 500);
  send_frames (local, 1000, 500);
  recv_frames (client, 1000, 500);

  /* Stopping the first server reaches the client through the second: the
   * second reports why its bus failed, then closes. */
  canopy_remote_server_stop (first);
  {
    CanopyMessage msg;

    g_assert_false (canopy_bus_recv_into (client, &msg, -1, &error));
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE);
    g_assert_nonnull (strstr (error->message, first_address));
    g_assert_nonnull (strstr (error->message, "closed the connection"));
    g_clear_error (&error);
    g_assert_false (canopy_bus_recv_into (client, &msg, -1, &error));
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  }
}

static void
test_start_errors (void)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(CanopyRemoteServer) bad = NULL;
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-start");
  g_autoptr(CanopyRemoteServer) second = canopy_remote_server_new ("virtual", "x", NULL);
  g_autoptr(GError) error = NULL;

  /* A bus that cannot open is reported by start(), not to the clients. */
  g_hash_table_insert (options, "queue_size", "0");
  bad = canopy_remote_server_new ("virtual", "remote-bad", options);
  g_assert_false (canopy_remote_server_start (bad, NULL, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "queue_size"));
  g_clear_error (&error);

  /* A port in use */
  g_assert_false (canopy_remote_server_start (second, NULL, canopy_remote_server_get_port (server), &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
}

/* A scripted server, to see the client's bytes and feed it anything. */
typedef struct
{
  GSocketListener *listener;
  guint            port;
  GThread         *thread;
  GBytes          *answer;
  gboolean         close_after;
  gboolean         dribble;
  GByteArray      *received;
  gsize            expect;
} FakeServer;

static gpointer
fake_server_thread (gpointer data)
{
  FakeServer *fake = data;
  g_autoptr(GSocketConnection) connection = NULL;
  GSocket *socket;
  gsize len;
  const guint8 *answer = g_bytes_get_data (fake->answer, &len);

  connection = g_socket_listener_accept (fake->listener, NULL, NULL, NULL);
  g_assert_nonnull (connection);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_timeout (socket, 20);

  fake->received = g_byte_array_new ();
  while (fake->received->len < fake->expect)
    {
      guint8 buf[256];
      gssize n = g_socket_receive (socket, (char *) buf, MIN (sizeof buf, fake->expect - fake->received->len),
                                   NULL, NULL);
      if (n <= 0)
        break;
      g_byte_array_append (fake->received, buf, n);
    }

  if (fake->dribble)
    {
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      dribble (socket, answer, len);
    }
  else
    raw_send (socket, answer, len);

  if (fake->close_after)
    g_socket_close (socket, NULL);
  else
    {
      /* Keep the connection until the client closes. */
      guint8 buf[256];
      while (g_socket_receive (socket, (char *) buf, sizeof buf, NULL, NULL) > 0)
        ;
    }
  return NULL;
}

static FakeServer *
fake_server_new_full (const guint8 *answer,
                      gsize         len,
                      gsize         expect,
                      gboolean      close_after,
                      gboolean      dribble)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;

  fake->listener = g_socket_listener_new ();
  fake->port = g_socket_listener_add_any_inet_port (fake->listener, NULL, &error);
  g_assert_no_error (error);
  fake->answer = g_bytes_new (answer, len);
  fake->expect = expect;
  fake->close_after = close_after;
  fake->dribble = dribble;
  fake->thread = g_thread_new ("fake-server", fake_server_thread, fake);
  return fake;
}

static FakeServer *
fake_server_new (const guint8 *answer,
                 gsize         len,
                 gsize         expect,
                 gboolean      close_after)
{
  return fake_server_new_full (answer, len, expect, close_after, FALSE);
}

static void
fake_server_free (FakeServer *fake)
{
  g_thread_join (fake->thread);
  g_socket_listener_close (fake->listener);
  g_object_unref (fake->listener);
  g_bytes_unref (fake->answer);
  g_clear_pointer (&fake->received, g_byte_array_unref);
  g_free (fake);
}

static char *
fake_address (FakeServer *fake)
{
  return g_strdup_printf ("127.0.0.1:%u", fake->port);
}

static void
test_client_handshake_bytes (void)
{
  const guint8 response[] = { 0x02, 0x03, 'c', 'a', 'n' };
  /* BusRequest(1, 250000 = 0x0003D090), FilterConfig {0x11, 0x21} */
  const guint8 want[] = {
    0x01, 0x01, 0x00, 0x03, 0xD0, 0x90,
    0x0A, 0x01, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x21,
  };
  FakeServer *fake = fake_server_new (response, sizeof response, sizeof want, FALSE);
  g_autofree char *address = fake_address (fake);
  g_autoptr(GError) error = NULL;
  const CanopyFilter filter = { .can_id = 0x11, .can_mask = 0x21 };
  CanopyRemoteBus *bus;
  g_autofree char *info = NULL;

  bus = canopy_remote_bus_new (address, 250000, &filter, 1, &error);
  g_assert_no_error (error);
  info = canopy_bus_dup_channel_info (CANOPY_BUS (bus));
  g_assert_true (g_str_has_prefix (info, "can on 127.0.0.1:"));
  g_object_unref (bus);

  g_assert_cmpmem (fake->received->data, fake->received->len, want, sizeof want);
  fake_server_free (fake);

  /* Through canopy_bus_new: python-can's default of 500 kbit/s */
  {
    const guint8 want_default[] = { 0x01, 0x01, 0x00, 0x07, 0xA1, 0x20, 0x0A, 0x00 };
    CanopyBus *generic;

    fake = fake_server_new (response, sizeof response, sizeof want_default, FALSE);
    g_free (address);
    address = fake_address (fake);
    generic = canopy_bus_new ("remote", address, NULL, &error);
    g_assert_no_error (error);
    g_object_unref (generic);
    g_assert_cmpmem (fake->received->data, fake->received->len, want_default, sizeof want_default);
    fake_server_free (fake);
  }
}

static void
test_client_handshake_exception (void)
{
  const guint8 answer[] = { 0x06, 0x0A, 'n', 'o', ' ', 's', 'u', 'c', 'h', ' ', 'b', 'u' };
  FakeServer *fake = fake_server_new (answer, sizeof answer, 8, TRUE);
  g_autofree char *address = fake_address (fake);
  g_autoptr(GError) error = NULL;
  CanopyBus *bus;

  bus = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE);
  g_assert_nonnull (strstr (error->message, "no such bu"));
  fake_server_free (fake);
}

static void
test_client_remote_exception (void)
{
  guint8 answer[64];
  gsize len = 0;
  FakeServer *fake;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyMessage msg;

  len += _canopy_remote_encode_text (answer + len, CANOPY_REMOTE_EVENT_BUS_RESPONSE, "x");
  len += _canopy_remote_encode_text (answer + len, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION,
                                     "Bus-off on the server");
  len += _canopy_remote_encode_simple (answer + len, CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS);
  make_frame (&msg, 5);
  len += _canopy_remote_encode_message (answer + len, &msg);

  fake = fake_server_new (answer, len, 8, FALSE);
  address = fake_address (fake);
  bus = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_no_error (error);

  /* The server's error first, with its text, then the frame after it. */
  g_assert_false (canopy_bus_recv_into (bus, &msg, 10, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE);
  g_assert_nonnull (strstr (error->message, "Bus-off on the server"));
  g_clear_error (&error);
  recv_frames (bus, 5, 1);

  canopy_bus_shutdown (bus);
  fake_server_free (fake);
}

static void
test_client_split_reads (void)
{
  guint8 answer[128];
  gsize len = 0;
  FakeServer *fake;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyMessage msg;

  len += _canopy_remote_encode_text (answer, CANOPY_REMOTE_EVENT_BUS_RESPONSE, "split");
  for (guint i = 0; i < 3; i++)
    {
      make_frame (&msg, 40 + i);
      len += _canopy_remote_encode_message (answer + len, &msg);
    }
  len += _canopy_remote_encode_text (answer + len, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION, "late");

  fake = fake_server_new_full (answer, len, 8, FALSE, TRUE);
  address = fake_address (fake);
  bus = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_no_error (error);

  recv_frames (bus, 40, 3);
  g_assert_false (canopy_bus_recv_into (bus, &msg, 10, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE);
  g_assert_nonnull (strstr (error->message, "late"));

  canopy_bus_shutdown (bus);
  fake_server_free (fake);
}

static void
test_client_corrupt_stream (void)
{
  const guint8 answer[] = { 0x02, 0x01, 'x', 0x07, 0x00 };
  FakeServer *fake = fake_server_new (answer, sizeof answer, 8, FALSE);
  g_autofree char *address = fake_address (fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyMessage msg;

  bus = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (canopy_bus_recv_into (bus, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "offset 3: unknown event id 7"));
  g_clear_error (&error);

  make_frame (&msg, 1);
  g_assert_false (canopy_bus_send (bus, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT);

  canopy_bus_shutdown (bus);
  fake_server_free (fake);
}

static void
test_client_lost_mid_event (void)
{
  guint8 answer[64];
  gsize len = 0;
  FakeServer *fake;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyMessage msg;

  len += _canopy_remote_encode_text (answer, CANOPY_REMOTE_EVENT_BUS_RESPONSE, "x");
  make_frame (&msg, 3);
  len += _canopy_remote_encode_message (answer + len, &msg);
  /* and the first half of another one */
  len += _canopy_remote_encode_message (answer + len, &msg) / 2;

  fake = fake_server_new (answer, len, 8, TRUE);
  address = fake_address (fake);
  bus = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_no_error (error);

  recv_frames (bus, 3, 1);
  g_assert_false (canopy_bus_recv_into (bus, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (error->message, "in the middle of an event"));
  g_clear_error (&error);

  g_assert_false (canopy_bus_send (bus, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);

  fake_server_free (fake);
}

static void
test_client_bad_channel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autofree char *address = NULL;
  guint port;
  CanopyBus *bus;

  bus = canopy_bus_new ("remote", "127.0.0.1:notaport", NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Nobody listens on a port that was just free. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_socket_listener_close (listener);
  address = g_strdup_printf ("127.0.0.1:%u", port);
  bus = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_clear_error (&error);

  /* The FD frames the protocol cannot carry are refused before sending. */
  {
    g_autoptr(CanopyRemoteServer) server = start_server ("remote-fd");
    g_autoptr(CanopyBus) client = open_client (server);
    const guint8 data[12] = { 0 };
    CanopyMessage msg;

    canopy_message_init (&msg, 1, FALSE, data, sizeof data);
    canopy_message_set_fd (&msg, TRUE);
    g_assert_false (canopy_bus_send (client, &msg, 0, &error));
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  }
}

static void
on_client_changed (CanopyRemoteServer *server,
                   CanopyRemoteClient *client,
                   gpointer            data)
{
  g_ptr_array_add (data, g_strdup (canopy_remote_client_get_address (client)));
}

static void
iterate_until (GMainContext *context,
               GListModel   *model,
               guint         n_items)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_list_model_get_n_items (model) != n_items && g_get_monotonic_time () < end)
    g_main_context_iteration (context, FALSE);
}

/* The server announces clients on its main context, and its model of
 * clients follows them. */
static void
test_client_signals (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-signals");
  g_autoptr(GPtrArray) connected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) disconnected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CanopyBus) a = NULL;
  g_autoptr(CanopyBus) b = NULL;
  g_autoptr(CanopyRemoteClient) first = NULL;
  GListModel *clients = canopy_remote_server_get_clients (server);

  g_signal_connect (server, "client-connected", G_CALLBACK (on_client_changed), connected);
  g_signal_connect (server, "client-disconnected", G_CALLBACK (on_client_changed), disconnected);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 0);

  /* One after the other: clients that connect at the same moment are
   * announced in either order. */
  a = open_client (server);
  iterate_until (NULL, clients, 1);
  b = open_client (server);
  iterate_until (NULL, clients, 2);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 2);
  g_assert_cmpuint (connected->len, ==, 2);
  g_assert_cmpuint (disconnected->len, ==, 0);

  first = g_list_model_get_item (clients, 0);
  g_assert_true (g_str_has_prefix (canopy_remote_client_get_address (first), "127.0.0.1:"));
  g_assert_cmpstr (canopy_remote_client_get_channel_info (first), ==, "Virtual bus channel remote-signals");
  g_assert_cmpint (canopy_remote_client_get_requested_bitrate (first), ==, 500000);
  g_assert_cmpint (canopy_remote_client_get_connected_at (first), >, 0);

  canopy_bus_shutdown (a);
  iterate_until (NULL, clients, 1);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 1);
  g_assert_cmpuint (disconnected->len, ==, 1);
  /* The one that left is the one that connected first. */
  g_assert_cmpstr (disconnected->pdata[0], ==, connected->pdata[0]);

  canopy_bus_shutdown (b);
  iterate_until (NULL, clients, 0);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 0);
  g_assert_cmpuint (disconnected->len, ==, 2);
}

typedef struct
{
  CanopyBus *bus;
  int        stop;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  CanopyMessage msg;
  guint8 payload[8] = { 0 };

  canopy_message_init (&msg, 0x321, FALSE, payload, sizeof payload);
  for (guint i = 0; !g_atomic_int_get (&flood->stop); i++)
    {
      canopy_bus_send (flood->bus, &msg, 0, NULL);
    }
  return NULL;
}

/* On a busy channel, the first thing a client reads is still the answer
 * to its bus request: no frame goes out before it (frames of the bus that
 * come during the handshake follow it, in order). */
static void
test_answer_before_frames (void)
{
  g_autoptr(CanopyRemoteServer) server = start_server ("remote-busy");
  g_autoptr(CanopyBus) local = open_virtual ("remote-busy");
  Flood flood = { .bus = local };
  GThread *thread = g_thread_new ("flood", flood_thread, &flood);

  /* The window is a few microseconds wide: many clients, one at a time. */
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(CanopyBus) client = open_client (server);
      g_autoptr(GError) error = NULL;
      CanopyMessage msg;

      g_assert_true (canopy_bus_recv_into (client, &msg, 10, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (msg.arbitration_id, ==, 0x321);
    }

  g_atomic_int_set (&flood.stop, TRUE);
  g_thread_join (thread);
  wait_for_clients (server, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/remote/bus/round-trip", test_round_trip);
  g_test_add_func ("/remote/bus/multi-client", test_multi_client);
  g_test_add_func ("/remote/server/client-signals", test_client_signals);
  g_test_add_func ("/remote/server/answer-before-frames", test_answer_before_frames);
  g_test_add_func ("/remote/bus/filters", test_filters);
  g_test_add_func ("/remote/server/version-mismatch", test_version_mismatch);
  g_test_add_func ("/remote/server/malformed", test_malformed);
  g_test_add_func ("/remote/server/send-error", test_send_error_keeps_session);
  g_test_add_func ("/remote/server/split-reads", test_split_reads);
  g_test_add_func ("/remote/server/disconnect-mid-event", test_disconnect_mid_event);
  g_test_add_func ("/remote/server/shutdown", test_server_shutdown);
  g_test_add_func ("/remote/server/slow-client", test_slow_client);
  g_test_add_func ("/remote/server/max-clients", test_max_clients);
  g_test_add_func ("/remote/server/forced-bitrate-chain", test_forced_bitrate_chain);
  g_test_add_func ("/remote/server/start-errors", test_start_errors);
  g_test_add_func ("/remote/client/handshake-bytes", test_client_handshake_bytes);
  g_test_add_func ("/remote/client/handshake-exception", test_client_handshake_exception);
  g_test_add_func ("/remote/client/remote-exception", test_client_remote_exception);
  g_test_add_func ("/remote/client/split-reads", test_client_split_reads);
  g_test_add_func ("/remote/client/corrupt-stream", test_client_corrupt_stream);
  g_test_add_func ("/remote/client/lost-mid-event", test_client_lost_mid_event);
  g_test_add_func ("/remote/client/bad-channel", test_client_bad_channel);

  return g_test_run ();
}
