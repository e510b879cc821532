/* canopy-remote-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-remote-client.h"

#include "canopy-remote-client-private.h"

/**
 * CanopyRemoteClient:
 *
 * A client a [class@Canopy.RemoteServer] serves: where it connected from,
 * the bus the server opened for it and when. The server's
 * [method@Canopy.RemoteServer.get_clients] model holds one per connected
 * client; its traffic counters are in
 * [method@Canopy.RemoteServer.list_clients].
 */

struct _CanopyRemoteClient
{
  GObject  parent_instance;
  char    *address;
  char    *channel_info;
  gint32   requested_bitrate;
  gint64   connected_at_ns;
  guint64  dropped;
};

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_CHANNEL_INFO,
  PROP_REQUESTED_BITRATE,
  PROP_CONNECTED_AT,
  PROP_DROPPED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyRemoteClient, canopy_remote_client, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
canopy_remote_client_finalize (GObject *object)
{
  CanopyRemoteClient *self = CANOPY_REMOTE_CLIENT (object);

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->channel_info, g_free);

  G_OBJECT_CLASS (canopy_remote_client_parent_class)->finalize (object);
}

static void
canopy_remote_client_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CanopyRemoteClient *self = CANOPY_REMOTE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, canopy_remote_client_get_address (self));
      break;

    case PROP_CHANNEL_INFO:
      g_value_set_string (value, canopy_remote_client_get_channel_info (self));
      break;

    case PROP_REQUESTED_BITRATE:
      g_value_set_int (value, canopy_remote_client_get_requested_bitrate (self));
      break;

    case PROP_CONNECTED_AT:
      g_value_set_int64 (value, canopy_remote_client_get_connected_at (self));
      break;

    case PROP_DROPPED:
      g_value_set_uint64 (value, canopy_remote_client_get_dropped (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_remote_client_class_init (CanopyRemoteClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = canopy_remote_client_finalize;
  object_class->get_property = canopy_remote_client_get_property;

  /**
   * CanopyRemoteClient:address:
   *
   * The client's address as `host:port`.
   */
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);

  /**
   * CanopyRemoteClient:channel-info:
   *
   * The channel info of the bus the server opened for the client.
   */
  properties[PROP_CHANNEL_INFO] = g_param_spec_string ("channel-info", NULL, NULL, NULL, flags);

  /**
   * CanopyRemoteClient:requested-bitrate:
   *
   * The bit rate the client asked for, in bit/s.
   */
  properties[PROP_REQUESTED_BITRATE] =
    g_param_spec_int ("requested-bitrate", NULL, NULL, G_MININT32, G_MAXINT32, 0, flags);

  /**
   * CanopyRemoteClient:connected-at:
   *
   * When the client connected, in nanoseconds since the Unix epoch.
   */
  properties[PROP_CONNECTED_AT] =
    g_param_spec_int64 ("connected-at", NULL, NULL, 0, G_MAXINT64, 0, flags);

  /**
   * CanopyRemoteClient:dropped:
   *
   * Frames the server could not send to the client: frames the protocol
   * cannot carry (CAN FD frames longer than 8 bytes), and frames that found
   * the client's queue full after it had stopped reading for the server's
   * [property@Canopy.RemoteServer:stall-timeout]. A client that reads, however
   * slowly, loses nothing: it slows the senders down instead. Changes on
   * the server's main context, at most ten times a second.
   */
  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_remote_client_init (CanopyRemoteClient *self)
{
}

CanopyRemoteClient *
_canopy_remote_client_new (const CanopyRemoteClientInfo *info)
{
  CanopyRemoteClient *self = g_object_new (CANOPY_TYPE_REMOTE_CLIENT, NULL);

  self->address = g_strdup (info->address);
  self->channel_info = g_strdup (info->channel_info);
  self->requested_bitrate = info->requested_bitrate;
  self->connected_at_ns = info->connected_at_ns;
  self->dropped = info->frames_dropped;

  return self;
}

/**
 * canopy_remote_client_get_address:
 * @self: a remote client
 *
 * Returns: the client's address as `host:port`
 */
const char *
canopy_remote_client_get_address (CanopyRemoteClient *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_CLIENT (self), NULL);
  return self->address;
}

/**
 * canopy_remote_client_get_channel_info:
 * @self: a remote client
 *
 * Returns: (nullable): the channel info of the client's bus
 */
const char *
canopy_remote_client_get_channel_info (CanopyRemoteClient *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_CLIENT (self), NULL);
  return self->channel_info;
}

/**
 * canopy_remote_client_get_requested_bitrate:
 * @self: a remote client
 *
 * Returns: the bit rate the client asked for, in bit/s
 */
gint32
canopy_remote_client_get_requested_bitrate (CanopyRemoteClient *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_CLIENT (self), 0);
  return self->requested_bitrate;
}

/**
 * canopy_remote_client_get_connected_at:
 * @self: a remote client
 *
 * Returns: when the client connected, in nanoseconds since the Unix epoch
 */
gint64
canopy_remote_client_get_connected_at (CanopyRemoteClient *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_CLIENT (self), 0);
  return self->connected_at_ns;
}

/**
 * canopy_remote_client_get_dropped:
 * @self: a client
 *
 * Returns: how many frames the server dropped for the client (see
 *   [property@Canopy.RemoteClient:dropped])
 */
guint64
canopy_remote_client_get_dropped (CanopyRemoteClient *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_CLIENT (self), 0);
  return self->dropped;
}

/* On the server's main context. */
void
_canopy_remote_client_set_dropped (CanopyRemoteClient *self,
                                   guint64             dropped)
{
  if (self->dropped == dropped)
    return;
  self->dropped = dropped;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
}
