/* canopy-remote-server-share.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"

#include "canopy-remote-port-private.h"
#include "canopy-remote-server-private.h"

/* A server made with canopy_remote_server_new_for_bus() serves a bus that
 * its owner opened and reads (a channel that cannot be opened twice, such
 * as a PCAN or serial one). The owner's notifier hands the server each
 * frame, as to any listener; the server hands it to every client's port.
 * A failure of the shared bus, or the end of its reading, ends every
 * client's session with the reason and refuses clients from then on. */

static void
fail_ports (CanopyRemoteServer *self,
            GError             *error)
{
  g_rw_lock_writer_lock (&self->ports_lock);
  if (self->shared_error == NULL)
    self->shared_error = error;
  else
    g_error_free (error);
  for (guint i = 0; i < self->ports->len; i++)
    _canopy_remote_port_fail (self->ports->pdata[i], self->shared_error);
  g_rw_lock_writer_unlock (&self->ports_lock);
}

static void
canopy_remote_server_on_message_received (CanopyListener      *listener,
                                          const CanopyMessage *msg)
{
  CanopyRemoteServer *self = CANOPY_REMOTE_SERVER (listener);

  if (self->shared_bus == NULL)
    return;

  g_rw_lock_reader_lock (&self->ports_lock);
  for (guint i = 0; i < self->ports->len; i++)
    _canopy_remote_port_deliver (self->ports->pdata[i], msg);
  g_rw_lock_reader_unlock (&self->ports_lock);
}

static void
canopy_remote_server_on_error (CanopyListener *listener,
                               const GError   *error)
{
  CanopyRemoteServer *self = CANOPY_REMOTE_SERVER (listener);

  if (self->shared_bus == NULL)
    return;

  fail_ports (self, g_error_new (error->domain, error->code,
                                 "The shared bus failed: %s", error->message));
}

static void
canopy_remote_server_listener_stop (CanopyListener *listener)
{
  CanopyRemoteServer *self = CANOPY_REMOTE_SERVER (listener);

  if (self->shared_bus == NULL)
    return;

  /* Not CANOPY_ERROR_SHUT_DOWN: that is a client's own bus closing, which
   * ends no session. */
  fail_ports (self, g_error_new_literal (CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                                         "The shared bus is no longer read"));
}

void
_canopy_remote_server_listener_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_remote_server_on_message_received;
  iface->on_error = canopy_remote_server_on_error;
  iface->stop = canopy_remote_server_listener_stop;
}

/* A client's port opens: from now on it gets the frames the server is fed. */
gboolean
_canopy_remote_server_add_port (CanopyRemoteServer  *self,
                                CanopyRemotePort    *port,
                                GError             **error)
{
  gboolean ok = TRUE;

  g_rw_lock_writer_lock (&self->ports_lock);
  /* Not the shared error's own code: a lost connection during the
   * handshake is taken for the client's, which is told nothing. */
  if (self->shared_error != NULL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                           self->shared_error->message);
      ok = FALSE;
    }
  else
    g_ptr_array_add (self->ports, port);
  g_rw_lock_writer_unlock (&self->ports_lock);

  return ok;
}

/* Once this returns, no frame is delivered to @port any more. */
void
_canopy_remote_server_remove_port (CanopyRemoteServer *self,
                                   CanopyRemotePort   *port)
{
  g_rw_lock_writer_lock (&self->ports_lock);
  g_ptr_array_remove_fast (self->ports, port);
  g_rw_lock_writer_unlock (&self->ports_lock);
}
