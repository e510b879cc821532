/* test-remote-flow.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bridge is lossless: through a real canopy-server process, a client
 * that sends a burst faster than another can take it is slowed down by TCP
 * flow control, and every frame arrives, in order, intact. A client that
 * stops reading altogether loses frames, for itself alone, and the server
 * says so.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include <canopy.h>

#define BURST 100000

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
  char             *address;
} Server;

static char *
read_line (GDataInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_test_message ("server: %s", line);
  return line;
}

static void
server_start (Server     *server,
              const char *channel,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  guint port = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CANOPY_SERVER"));
  g_ptr_array_add (argv, "-i");
  g_ptr_array_add (argv, "virtual");
  g_ptr_array_add (argv, "-c");
  g_ptr_array_add (argv, (gpointer) channel);
  g_ptr_array_add (argv, "-p");
  g_ptr_array_add (argv, "0");
  va_start (args, channel);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  server->proc = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  server->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->proc));
  /* (G_MESSAGES_DEBUG output comes first, when asked for.) */
  do
    {
      g_free (line);
      line = read_line (server->out);
    }
  while (!g_str_has_prefix (line, "Listening on "));
  g_assert_true (sscanf (line, "Listening on 127.0.0.1 port %u", &port) == 1);
  server->address = g_strdup_printf ("127.0.0.1:%u", port);
}

static void
server_stop (Server *server)
{
  g_autoptr(GError) error = NULL;

#ifdef G_OS_UNIX
  g_subprocess_send_signal (server->proc, SIGTERM);
#else
  g_subprocess_force_exit (server->proc);
#endif
  g_assert_true (g_subprocess_wait (server->proc, NULL, &error));
  g_clear_object (&server->out);
  g_clear_object (&server->proc);
  g_clear_pointer (&server->address, g_free);
}

static CanopyBus *
connect_client (Server     *server,
                const char *queue_size)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  CanopyBus *bus;

  if (queue_size != NULL)
    g_hash_table_insert (options, "queue_size", (gpointer) queue_size);
  bus = canopy_bus_new ("remote", server->address, options, &error);
  g_assert_no_error (error);
  return bus;
}

static void
make_frame (CanopyMessage *msg,
            guint          i)
{
  guint8 data[8] = { i, i >> 8, i >> 16, 0xA5, ~i, ~i >> 8, ~i >> 16, 0x5A };

  canopy_message_init (msg, (i * 7) & 0x1FFFFFFF, TRUE, data, 1 + i % 8);
}

static void
check_frame (const CanopyMessage *msg,
             guint                i)
{
  CanopyMessage want;

  make_frame (&want, i);
  if (msg->arbitration_id != want.arbitration_id || msg->dlc != want.dlc ||
      !(msg->flags & CANOPY_MESSAGE_EXTENDED) || memcmp (msg->data, want.data, want.dlc) != 0)
    g_error ("frame %u of the burst arrived wrong or out of order (id 0x%X, dlc %u)",
             i, msg->arbitration_id, msg->dlc);
}

typedef struct
{
  CanopyBus *bus;
  guint      n;
  guint      got;
  guint      pause_every;
} Receiver;

static gpointer
receiver_thread (gpointer data)
{
  Receiver *r = data;
  CanopyMessage msg;

  while (r->got < r->n)
    {
      g_autoptr(GError) error = NULL;

      if (!canopy_bus_recv_into (r->bus, &msg, 10, &error))
        break;
      check_frame (&msg, r->got);
      r->got++;
      /* A receiver slower than the sender, now and then. */
      if (r->pause_every > 0 && r->got % r->pause_every == 0)
        g_usleep (20 * 1000);
    }
  return NULL;
}

static void
run_burst (gboolean slow_receiver)
{
  Server server = { 0 };
  g_autoptr(CanopyBus) a = NULL;
  g_autoptr(CanopyBus) b = NULL;
  Receiver receiver = { .n = BURST, .pause_every = slow_receiver ? 5000 : 0 };
  GThread *thread;
  CanopyMessage msg;

  server_start (&server, slow_receiver ? "flow-burst-slow" : "flow-burst", NULL);
  a = connect_client (&server, NULL);
  /* A small receive queue: the server must wait for the client to read. */
  b = connect_client (&server, slow_receiver ? "256" : NULL);
  receiver.bus = b;

  thread = g_thread_new ("receiver", receiver_thread, &receiver);
  for (guint i = 0; i < BURST; i++)
    {
      g_autoptr(GError) error = NULL;

      make_frame (&msg, i);
      if (!canopy_bus_send (a, &msg, -1, &error))
        g_error ("send %u: %s", i, error->message);
    }
  g_thread_join (thread);

  g_assert_cmpuint (receiver.got, ==, BURST);
  g_assert_cmpuint (canopy_remote_bus_get_dropped (CANOPY_REMOTE_BUS (b)), ==, 0);

  canopy_bus_shutdown (a);
  canopy_bus_shutdown (b);
  server_stop (&server);
}

static void
test_burst (void)
{
  run_burst (FALSE);
}

static void
test_burst_slow_receiver (void)
{
  run_burst (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/remote/flow/burst", test_burst);
  g_test_add_func ("/remote/flow/burst-slow-receiver", test_burst_slow_receiver);

  return g_test_run ();
}
