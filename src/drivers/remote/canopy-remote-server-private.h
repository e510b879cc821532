/* canopy-remote-server-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-listener.h"
#include "canopy-remote-client.h"
#include "canopy-remote-server.h"

#include "canopy-remote-port-private.h"

G_BEGIN_DECLS

/* Shared by canopy-remote-server.c (object, settings, client views),
 * canopy-remote-server-listen.c (listening, accepting, announcing) and
 * canopy-remote-server-share.c (serving a bus opened by someone else). */

struct _CanopyRemoteServer
{
  GObject          parent_instance;

  char            *interface;
  char            *channel;
  GHashTable      *options;
  /* A bus opened and read by the server's owner, or NULL: then each client
   * opens a bus of its own from interface and channel. */
  CanopyBus       *shared_bus;
  guint            bitrate;
  guint            max_clients;
  guint            client_queue_size;
  CanopyRemoteProtocol protocol;
  gint64           handshake_timeout_us;
  gint64           stall_timeout_us;
  /* Frames all clients sent on their buses (atomic, wraps): see in_flight()
   * in canopy-remote-connection.c. */
  guint            relayed;

  GMutex           mutex;
  GCond            clients_cond;
  GPtrArray       *clients;
  GPtrArray       *finished;
  GHashTable      *client_objects;  /* CanopyRemoteConnection → CanopyRemoteClient */

  /* Where client-connected/-disconnected are emitted and the model of
   * clients changes: the thread-default context the server was made on. */
  GMainContext    *context;
  GListStore      *client_model;
  guint64          n_rejected;
  gboolean         running;

  /* The clients' ports on shared_bus; shared_error once it failed or is
   * no longer read. Frames are delivered under the reader lock. */
  GRWLock          ports_lock;
  GPtrArray       *ports;
  GError          *shared_error;

  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *accept_thread;
  char            *host;
  guint            port;
};


enum {
  PROP_0,
  PROP_INTERFACE,
  PROP_CHANNEL,
  PROP_OPTIONS,
  PROP_BUS,
  PROP_BITRATE,
  PROP_MAX_CLIENTS,
  PROP_CLIENT_QUEUE_SIZE,
  PROP_PROTOCOL,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_STALL_TIMEOUT,
  PROP_RUNNING,
  PROP_HOST,
  PROP_PORT,
  N_PROPS
};

void _canopy_remote_server_notify              (CanopyRemoteServer *self,
                                                guint               prop);
void _canopy_remote_server_emit_client_changed (CanopyRemoteServer *self,
                                                CanopyRemoteClient *client,
                                                gboolean            connected);

/* In canopy-remote-server-share.c. */
void     _canopy_remote_server_listener_init (CanopyListenerInterface  *iface);
gboolean _canopy_remote_server_add_port      (CanopyRemoteServer       *self,
                                              CanopyRemotePort         *port,
                                              GError                  **error);
void     _canopy_remote_server_remove_port   (CanopyRemoteServer       *self,
                                              CanopyRemotePort         *port);

G_END_DECLS
