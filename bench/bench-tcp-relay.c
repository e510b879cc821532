/* bench-tcp-relay.c — the peer of bench-remote: a plain TCP relay
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The least any bridge can cost: bytes read from one socket are written to
 * the other by a thread per direction, with no decoding, queueing or bus in
 * between.
 */

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include "bench-tcp-relay.h"

#define EVENT_SIZE 23

typedef struct
{
  GSocket *from;
  GSocket *to;
} Pipe;

static gpointer
relay_thread (gpointer data)
{
  Pipe *pipe = data;
  guint8 buf[64 * 1024];

  for (;;)
    {
      gssize n = g_socket_receive (pipe->from, (char *) buf, sizeof buf, NULL, NULL);
      gssize sent = 0;

      if (n <= 0)
        break;
      while (sent < n)
        {
          gssize m = g_socket_send (pipe->to, (const char *) buf + sent, n - sent, NULL, NULL);

          if (m <= 0)
            return NULL;
          sent += m;
        }
    }
  g_socket_shutdown (pipe->to, FALSE, TRUE, NULL);
  return NULL;
}

static GSocket *
connect_to (GSocketAddress *address)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  if (socket == NULL || !g_socket_connect (socket, address, NULL, &error))
    g_error ("relay connect: %s", error->message);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  return socket;
}

static void
read_exact (GSocket *socket,
            guint8  *buf,
            gsize    len)
{
  while (len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, (char *) buf, len, NULL, &error);

      if (n <= 0)
        g_error ("relay read: %s", error ? error->message : "closed");
      buf += n;
      len -= n;
    }
}

static void
write_all (GSocket      *socket,
           const guint8 *buf,
           gsize         len)
{
  while (len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, (const char *) buf, len, NULL, &error);

      if (n <= 0)
        g_error ("relay write: %s", error ? error->message : "closed");
      buf += n;
      len -= n;
    }
}

static gpointer
echo_thread (gpointer data)
{
  GSocket *b = data;
  guint8 event[EVENT_SIZE];

  for (;;)
    {
      read_exact (b, event, sizeof event);
      if (event[0] == 0xFF)
        break;
      write_all (b, event, sizeof event);
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

void
bench_tcp_relay_latency (guint n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) a = NULL, b = NULL, ra = NULL, rb = NULL;
  g_autofree gint64 *rtt = g_new (gint64, n);
  Pipe a_to_b, b_to_a;
  GThread *threads[3];
  guint8 event[EVENT_SIZE] = { 3 };

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (listener == NULL || !g_socket_bind (listener, any, TRUE, &error) || !g_socket_listen (listener, &error))
    g_error ("relay listen: %s", error->message);
  address = g_socket_get_local_address (listener, &error);

  a = connect_to (address);
  ra = g_socket_accept (listener, NULL, &error);
  b = connect_to (address);
  rb = g_socket_accept (listener, NULL, &error);
  if (ra == NULL || rb == NULL)
    g_error ("relay accept: %s", error->message);
  g_socket_set_option (ra, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  g_socket_set_option (rb, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  a_to_b = (Pipe) { ra, rb };
  b_to_a = (Pipe) { rb, ra };
  threads[0] = g_thread_new ("relay-ab", relay_thread, &a_to_b);
  threads[1] = g_thread_new ("relay-ba", relay_thread, &b_to_a);
  threads[2] = g_thread_new ("relay-echo", echo_thread, b);

  for (guint i = 0; i < n; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      event[1] = i;
      write_all (a, event, sizeof event);
      read_exact (a, event, sizeof event);
      rtt[i] = g_get_monotonic_time () - t0;
      if (event[1] != (guint8) i)
        g_error ("relay: wrong echo");
    }

  event[0] = 0xFF;
  write_all (a, event, sizeof event);
  g_thread_join (threads[2]);
  g_socket_shutdown (a, FALSE, TRUE, NULL);
  g_socket_shutdown (b, FALSE, TRUE, NULL);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);

  qsort (rtt, n, sizeof *rtt, compare_gint64);
  g_print ("peer: plain TCP relay A→B→A (%u events): p50 %" G_GINT64_FORMAT " µs, p99 %" G_GINT64_FORMAT
           " µs, max %" G_GINT64_FORMAT " µs\n",
           n, rtt[n / 2], rtt[(guint) (n * 0.99)], rtt[n - 1]);
}
