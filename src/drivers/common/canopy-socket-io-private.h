/* canopy-socket-io-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Waiting for a GSocket that several threads use at once (one reads while
 * another writes), as the remote bridge and socketcand do.
 *
 * On Windows, GSocket's own waits (GLib 2.74) are not safe for that: one
 * thread at a time waits on the socket's event object, and a second
 * thread's wait with a timeout returns at once, without an error; and the
 * readiness GSocket records from that edge-triggered event is cleared by a
 * failed send() or any recv() after the fact, so it can clear an
 * FD_WRITE or FD_READ that another thread has just recorded, and Winsock
 * does not post it again: the waiter sleeps for ever. Under wine a bridge
 * stopped in the middle of a burst that way. So on Windows these waits
 * ask WSAPoll(), which is level-triggered, in short slices between which
 * the cancellable is looked at. Elsewhere they are GSocket's own. */

GCancellable *_canopy_socket_cancellable_new (void);

gboolean _canopy_socket_wait         (GSocket       *socket,
                                      GIOCondition   condition,
                                      gint64         deadline_us,
                                      GCancellable  *cancellable,
                                      GError       **error);
gssize   _canopy_socket_receive_some (GSocket       *socket,
                                      guint8        *buf,
                                      gsize          size,
                                      GCancellable  *cancellable,
                                      GError       **error);
gssize   _canopy_socket_send_some    (GSocket       *socket,
                                      const guint8  *data,
                                      gsize          len,
                                      gint64         deadline_us,
                                      GCancellable  *cancellable,
                                      GError       **error);

G_END_DECLS
