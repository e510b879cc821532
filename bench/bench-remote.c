/* bench-remote.c — frames/s and latency through the remote bridge
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A CanopyRemoteServer shares a virtual channel on 127.0.0.1; client A
 * sends, client B receives: A → TCP → server → virtual bus → server → TCP
 * → B. Only loopback addresses, bounded loops.
 *
 *   bench-remote [FRAMES] [ROUND_TRIPS]
 *
 * Throughput is measured twice: with the sender keeping at most WINDOW
 * frames in flight (no frame may be lost: the sustainable rate), and
 * flat out (frames the bounded queues dropped are reported). Round-trip
 * latency: A sends, B answers, A receives the answer; its peer, in the
 * same run, is a plain TCP relay over the same four hops
 * (bench-tcp-relay.c).
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <canopy.h>

#include "bench-tcp-relay.h"

#define WINDOW 4096

typedef struct
{
  CanopyBus *bus;
  guint      n;
  gboolean   windowed;
  int        received;   /* atomic, published by the receiver */
  gint64     end_us;
  guint      got;
} Run;

static gpointer
receiver_thread (gpointer data)
{
  Run *run = data;
  CanopyMessage msg;
  guint expected = 0;
  gint64 idle_since = 0;

  while (run->got < run->n)
    {
      g_autoptr(GError) error = NULL;

      if (!canopy_bus_recv_into (run->bus, &msg, 0.5, &error))
        {
          if (error != NULL)
            g_error ("receive: %s", error->message);
          /* Flat out, frames may be lost: stop when nothing comes. */
          if (idle_since == 0)
            idle_since = g_get_monotonic_time ();
          else if (g_get_monotonic_time () - idle_since > G_USEC_PER_SEC)
            break;
          continue;
        }
      idle_since = 0;
      if (run->windowed && msg.arbitration_id != (expected & 0x7FF))
        g_error ("frame %u out of order: id 0x%X", expected, msg.arbitration_id);
      expected++;
      run->got++;
      run->end_us = g_get_monotonic_time ();
      if ((run->got & 255) == 0 || run->got == run->n)
        g_atomic_int_set (&run->received, run->got);
    }
  g_atomic_int_set (&run->received, run->got);

  return NULL;
}

static void
throughput (CanopyBus          *a,
            CanopyBus          *b,
            CanopyRemoteServer *server,
            guint               n,
            gboolean            windowed)
{
  Run run = { .bus = b, .n = n, .windowed = windowed };
  g_autoptr(GPtrArray) clients = NULL;
  guint64 dropped = 0;
  GThread *thread;
  gint64 start;
  CanopyMessage msg;
  guint8 data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  double seconds;

  canopy_message_init (&msg, 0, FALSE, data, 8);

  thread = g_thread_new ("receiver", receiver_thread, &run);
  start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      if (windowed)
        while (i - (guint) g_atomic_int_get (&run.received) >= WINDOW)
          g_usleep (20);

      msg.arbitration_id = i & 0x7FF;
      msg.data[0] = i;
      if (!canopy_bus_send (a, &msg, -1, &error))
        g_error ("send: %s", error->message);
    }

  g_thread_join (thread);
  seconds = (run.end_us - start) / 1e6;

  clients = canopy_remote_server_list_clients (server);
  for (guint i = 0; i < clients->len; i++)
    dropped += ((CanopyRemoteClientInfo *) clients->pdata[i])->frames_dropped;

  g_print ("%-28s %8u frames in %6.3f s: %9.0f frames/s received, %u lost "
           "(server queues dropped %" G_GUINT64_FORMAT ", client queue %" G_GUINT64_FORMAT ")\n",
           windowed ? "throughput (window 4096):" : "throughput (flat out):",
           n, seconds, run.got / seconds, n - run.got, dropped,
           canopy_remote_bus_get_dropped (CANOPY_REMOTE_BUS (b)));
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gpointer
echo_thread (gpointer data)
{
  CanopyBus *b = data;
  CanopyMessage msg;

  for (;;)
    {
      g_autoptr(GError) error = NULL;

      if (!canopy_bus_recv_into (b, &msg, -1, &error))
        break;
      if (msg.arbitration_id == 0x7FF)
        break;
      msg.arbitration_id |= 0x400;
      if (!canopy_bus_send (b, &msg, -1, &error))
        break;
    }
  return NULL;
}

static void
latency (CanopyBus *a,
         CanopyBus *b,
         guint      n)
{
  g_autofree gint64 *rtt = g_new (gint64, n);
  GThread *thread = g_thread_new ("echo", echo_thread, b);
  CanopyMessage msg, reply;
  guint8 data[8] = { 0 };

  canopy_message_init (&msg, 0x123, FALSE, data, 8);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();

      msg.data[0] = i;
      if (!canopy_bus_send (a, &msg, -1, &error))
        g_error ("send: %s", error->message);
      if (!canopy_bus_recv_into (a, &reply, 5, &error))
        g_error ("no echo for frame %u: %s", i, error ? error->message : "timeout");
      rtt[i] = g_get_monotonic_time () - t0;
      if (reply.arbitration_id != 0x523 || reply.data[0] != (guint8) i)
        g_error ("wrong echo");
    }

  msg.arbitration_id = 0x7FF;
  canopy_bus_send (a, &msg, -1, NULL);
  g_thread_join (thread);

  qsort (rtt, n, sizeof *rtt, compare_gint64);
  g_print ("round trip A→B→A (%u frames):  p50 %" G_GINT64_FORMAT " µs, p99 %" G_GINT64_FORMAT
           " µs, max %" G_GINT64_FORMAT " µs\n",
           n, rtt[n / 2], rtt[(guint) (n * 0.99)], rtt[n - 1]);
}

static CanopyBus *
connect_client (guint port)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  CanopyBus *bus;

  g_hash_table_insert (options, "queue_size", "65536");
  if (!(bus = canopy_bus_new ("remote", address, options, &error)))
    g_error ("connect: %s", error->message);
  return bus;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CanopyRemoteServer) server = NULL;
  g_autoptr(CanopyBus) a = NULL;
  g_autoptr(CanopyBus) b = NULL;
  g_autoptr(GError) error = NULL;
  guint n = argc > 1 ? (guint) MIN (strtoul (argv[1], NULL, 10), 50000000) : 1000000;
  guint n_rtt = argc > 2 ? (guint) MIN (strtoul (argv[2], NULL, 10), 1000000) : 10000;

  setlocale (LC_ALL, "");

  if (n == 0 || n_rtt == 0)
    {
      g_printerr ("usage: bench-remote [FRAMES] [ROUND_TRIPS]\n");
      return 2;
    }

  server = canopy_remote_server_new ("virtual", "bench-remote", NULL);
  if (!canopy_remote_server_start (server, "127.0.0.1", 0, &error))
    g_error ("server: %s", error->message);

  a = connect_client (canopy_remote_server_get_port (server));
  b = connect_client (canopy_remote_server_get_port (server));

  g_print ("bench-remote: 8-byte frames, client A → server (virtual bus) → client B on 127.0.0.1\n");
  throughput (a, b, server, n, TRUE);
  throughput (a, b, server, n, FALSE);

  /* Let the flat-out run drain before timing single frames. */
  {
    CanopyMessage msg;
    while (canopy_bus_recv_into (b, &msg, 0.5, NULL))
      ;
  }
  latency (a, b, n_rtt);
  bench_tcp_relay_latency (n_rtt);

  canopy_bus_shutdown (a);
  canopy_bus_shutdown (b);
  canopy_remote_server_stop (server);

  return 0;
}
