/* canopy-remote-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-bus.h"
#include "canopy-remote-client.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_REMOTE_SERVER      (canopy_remote_server_get_type ())
#define CANOPY_TYPE_REMOTE_CLIENT_INFO (canopy_remote_client_info_get_type ())

/**
 * CANOPY_REMOTE_SERVER_DEFAULT_MAX_CLIENTS:
 *
 * How many clients a remote server serves at once by default.
 */
#define CANOPY_REMOTE_SERVER_DEFAULT_MAX_CLIENTS 32

/**
 * CANOPY_REMOTE_SERVER_DEFAULT_QUEUE_SIZE:
 *
 * How many frames a remote server holds by default for each client that
 * reads slower than its bus delivers, before it drops.
 */
#define CANOPY_REMOTE_SERVER_DEFAULT_QUEUE_SIZE 8192

/**
 * CanopyRemoteProtocol:
 * @CANOPY_REMOTE_PROTOCOL_PYTHON_CAN: python-can 2.0's binary protocol
 *   (`canserver`, [class@Canopy.RemoteBus]); default port 54701
 * @CANOPY_REMOTE_PROTOCOL_SOCKETCAND: the text protocol of the socketcand
 *   daemon in raw mode, as python-can 4's `socketcand` interface, SavvyCAN
 *   and cangaroo speak it; default port 29536
 *
 * The protocols a [class@Canopy.RemoteServer] speaks with its clients.
 */
typedef enum
{
  CANOPY_REMOTE_PROTOCOL_PYTHON_CAN,
  CANOPY_REMOTE_PROTOCOL_SOCKETCAND,
} CanopyRemoteProtocol;

/**
 * CANOPY_REMOTE_SERVER_DEFAULT_HANDSHAKE_TIMEOUT:
 *
 * Seconds a client has by default for its whole handshake.
 */
#define CANOPY_REMOTE_SERVER_DEFAULT_HANDSHAKE_TIMEOUT 10

/**
 * CANOPY_REMOTE_SERVER_DEFAULT_STALL_TIMEOUT:
 *
 * Seconds a client whose queue is full may take nothing, by default,
 * before frames for it are dropped.
 */
#define CANOPY_REMOTE_SERVER_DEFAULT_STALL_TIMEOUT 2

typedef struct _CanopyRemoteClientInfo CanopyRemoteClientInfo;

/**
 * CanopyRemoteClientInfo:
 * @address: the client's address and port, `host:port`
 * @channel_info: (nullable): the channel info of the client's bus on the
 *   server; %NULL while the client is still connecting
 * @requested_bitrate: the bit rate the client asked for
 * @connected_at_ns: when the client connected, in nanoseconds since the
 *   Unix epoch
 * @frames_received: frames received from the client and sent on its bus
 * @frames_sent: frames sent to the client
 * @frames_dropped: frames not sent to the client because it had stopped
 *   reading (see [property@Canopy.RemoteServer:stall-timeout]) or because the protocol cannot carry them (CAN FD
 *   frames longer than 8 bytes)
 * @send_errors: frames from the client that its bus refused
 * @bytes_received: bytes received from the client
 * @bytes_sent: bytes sent to the client
 *
 * A snapshot of one client of a [class@Canopy.RemoteServer].
 */
struct _CanopyRemoteClientInfo
{
  char    *address;
  char    *channel_info;
  gint32   requested_bitrate;
  gint64   connected_at_ns;
  guint64  frames_received;
  guint64  frames_sent;
  guint64  frames_dropped;
  guint64  send_errors;
  guint64  bytes_received;
  guint64  bytes_sent;
};

CANOPY_AVAILABLE_IN_ALL
GType                   canopy_remote_client_info_get_type (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopyRemoteClientInfo *canopy_remote_client_info_copy     (const CanopyRemoteClientInfo *info);
CANOPY_AVAILABLE_IN_ALL
void                    canopy_remote_client_info_free     (CanopyRemoteClientInfo       *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyRemoteClientInfo, canopy_remote_client_info_free)

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyRemoteServer, canopy_remote_server, CANOPY, REMOTE_SERVER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyRemoteServer *canopy_remote_server_new                   (const char          *interface,
                                                                const char          *channel,
                                                                GHashTable          *options);
CANOPY_AVAILABLE_IN_ALL
CanopyRemoteServer *canopy_remote_server_new_for_bus           (CanopyBus           *bus);
CANOPY_AVAILABLE_IN_ALL
CanopyBus          *canopy_remote_server_get_bus               (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_remote_server_get_interface         (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_remote_server_get_channel           (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_remote_server_get_bitrate           (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_remote_server_set_bitrate           (CanopyRemoteServer  *self,
                                                                guint                bitrate);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_remote_server_get_max_clients       (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_remote_server_set_max_clients       (CanopyRemoteServer  *self,
                                                                guint                max_clients);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_remote_server_get_client_queue_size (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_remote_server_set_client_queue_size (CanopyRemoteServer  *self,
                                                                guint                queue_size);
CANOPY_AVAILABLE_IN_ALL
CanopyRemoteProtocol canopy_remote_server_get_protocol         (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_remote_server_set_protocol          (CanopyRemoteServer  *self,
                                                                CanopyRemoteProtocol protocol);
CANOPY_AVAILABLE_IN_ALL
double              canopy_remote_server_get_handshake_timeout (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_remote_server_set_handshake_timeout (CanopyRemoteServer  *self,
                                                                double               seconds);
CANOPY_AVAILABLE_IN_ALL
double              canopy_remote_server_get_stall_timeout     (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_remote_server_set_stall_timeout     (CanopyRemoteServer  *self,
                                                                double               seconds);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_remote_server_start                 (CanopyRemoteServer  *self,
                                                                const char          *host,
                                                                guint                port,
                                                                GError             **error);
CANOPY_AVAILABLE_IN_ALL
void                canopy_remote_server_stop                  (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_remote_server_get_running           (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_remote_server_get_host              (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_remote_server_get_port              (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_remote_server_get_n_clients         (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_remote_server_get_n_rejected        (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
GPtrArray          *canopy_remote_server_list_clients          (CanopyRemoteServer  *self);
CANOPY_AVAILABLE_IN_ALL
GListModel         *canopy_remote_server_get_clients           (CanopyRemoteServer  *self);

G_END_DECLS
