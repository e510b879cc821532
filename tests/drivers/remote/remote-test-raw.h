/* remote-test-raw.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A raw TCP peer of the remote server, for the tests that speak the
 * protocol byte by byte (or not at all).
 */

#pragma once

#include <gio/gio.h>
#include <gio/gnetworking.h>

G_BEGIN_DECLS

/* Connects to 127.0.0.1:@port; @rcvbuf > 0 shrinks the receive buffer, for
 * a client that reads slowly or not at all. */
static inline GSocket *
raw_connect (guint port,
             int   rcvbuf)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (rcvbuf > 0)
    g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, rcvbuf, NULL);
  g_socket_set_timeout (socket, 20);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  return socket;
}

G_END_DECLS
