/* canopy-remote-connection-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-bus.h"
#include "canopy-remote-server.h"

G_BEGIN_DECLS

/* One client of a remote server, with its threads and counters. */
typedef struct _CanopyRemoteConnection CanopyRemoteConnection;

/* What a wire protocol adds to a connection: how the session starts, how
 * the client's bytes are read, how frames and errors are written. The
 * connection owns the threads, the queue and the counters. */
typedef struct
{
  gsize     max_frame_size;     /* the longest encode_frame() output */
  gpointer (*state_new)    (void);
  void     (*state_free)   (gpointer                 state);
  /* 0 when the protocol cannot carry @msg (counted as dropped). */
  gsize    (*encode_frame) (guint8                  *buf,
                            const CanopyMessage     *msg);
  /* At most 2 + CANOPY_REMOTE_MAX_TEXT (258) bytes. */
  gsize    (*encode_error) (guint8                  *buf,
                            const char              *text);
  /* Reads until the bus is open; bytes read past the handshake are left
   * in @buf at *@leftover_pos. @buf holds a chunk of 64 KiB. */
  gboolean (*handshake)    (CanopyRemoteConnection  *connection,
                            guint8                  *buf,
                            gsize                   *leftover_pos,
                            gsize                   *leftover_len,
                            GError                 **error);
  /* FALSE ends the session, with a text for the client in @reason or
   * none for a clean end. */
  gboolean (*process)      (CanopyRemoteConnection  *connection,
                            const guint8            *data,
                            gsize                    len,
                            char                   **reason);
} CanopyRemoteWire;

/* python-can 2.0's binary protocol, the default. */
extern const CanopyRemoteWire _canopy_remote_wire_python_can;
/* The socketcand daemon's protocol, in src/drivers/socketcand/. */
extern const CanopyRemoteWire _canopy_socketcand_wire;

CanopyRemoteConnection *_canopy_remote_connection_new           (CanopyRemoteServer      *server,
                                                                 GSocketConnection       *connection,
                                                                 const CanopyRemoteWire  *wire,
                                                                 guint                    queue_size);
void                    _canopy_remote_connection_start         (CanopyRemoteConnection  *connection);
void                    _canopy_remote_connection_cancel        (CanopyRemoteConnection  *connection);
void                    _canopy_remote_connection_join          (CanopyRemoteConnection  *connection);
CanopyRemoteClientInfo *_canopy_remote_connection_get_info      (CanopyRemoteConnection  *connection);

/* For wire protocols. */
GSocket                *_canopy_remote_connection_get_socket        (CanopyRemoteConnection  *connection);
GCancellable           *_canopy_remote_connection_get_read_cancellable (CanopyRemoteConnection *connection);
gint64                  _canopy_remote_connection_handshake_deadline (CanopyRemoteConnection *connection);
gssize                  _canopy_remote_connection_handshake_receive (CanopyRemoteConnection  *connection,
                                                                     guint8                  *buf,
                                                                     gsize                    size,
                                                                     gint64                   deadline,
                                                                     GError                 **error);
gpointer                _canopy_remote_connection_get_wire_state    (CanopyRemoteConnection  *connection);
const char             *_canopy_remote_connection_get_address       (CanopyRemoteConnection  *connection);
CanopyBus              *_canopy_remote_connection_get_bus           (CanopyRemoteConnection  *connection);
gboolean                _canopy_remote_connection_open_bus          (CanopyRemoteConnection  *connection,
                                                                     gint32                   requested_bitrate,
                                                                     GError                 **error);
gboolean                _canopy_remote_connection_write             (CanopyRemoteConnection  *connection,
                                                                     const void              *buf,
                                                                     gsize                    len,
                                                                     GError                 **error);
void                    _canopy_remote_connection_send_exception    (CanopyRemoteConnection  *connection,
                                                                     const char              *text);
void                    _canopy_remote_connection_count_received    (CanopyRemoteConnection  *connection,
                                                                     guint64                  bytes,
                                                                     guint64                  frames,
                                                                     guint64                  send_errors);

/* The server's side of the bargain. */
CanopyBus              *_canopy_remote_server_open_bus          (CanopyRemoteServer      *self,
                                                                 gint32                   requested_bitrate,
                                                                 GError                 **error);
void                    _canopy_remote_server_client_connected  (CanopyRemoteServer      *self,
                                                                 CanopyRemoteConnection  *connection);
void                    _canopy_remote_server_connection_closed (CanopyRemoteServer      *self,
                                                                 CanopyRemoteConnection  *connection);
void                    _canopy_remote_server_client_dropped    (CanopyRemoteServer      *self,
                                                                 CanopyRemoteConnection  *connection,
                                                                 guint64                  dropped);

G_END_DECLS
