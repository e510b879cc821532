/* canopy-socketcan-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

/* ppoll() */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include <gio/gio.h>

#include "canopy-socketcan-enums.h"
#include "canopy-cyclic-task.h"
#include "canopy-error.h"
#include "canopy-socketcan-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-options-private.h"
#include "canopy-socketcan-bus-private.h"
#include "canopy-socketcan-cyclic-task-private.h"

/**
 * CanopySocketcanBus:
 *
 * python-can's `socketcan` interface (also opened by the names
 * `socketcan_native` and `socketcan_ctypes`): a Linux `CAN_RAW` socket bound
 * to one CAN network interface such as `can0` or `vcan0`.
 *
 * - Classic and CAN FD frames are received and sent alike (the socket always
 *   has `CAN_RAW_FD_FRAMES`); sending an FD frame needs an interface with
 *   the CAN FD MTU.
 * - Acceptance filters run in the kernel, with the same result as
 *   canopy_filters_match() (identifier width, `inverted` as
 *   `CAN_INV_FILTER`). Beyond the kernel's 512 filters a bus filters in
 *   software instead.
 * - Error frames arrive as messages with %CANOPY_MESSAGE_ERROR, whatever the
 *   acceptance filters say; [method@Canopy.SocketcanBus.set_error_mask]
 *   chooses the classes, canopy_socketcan_error_class() decodes them.
 * - Receive timestamps come from the kernel in nanoseconds: the hardware's
 *   when the device timestamps frames, otherwise the time the kernel received
 *   the frame.
 * - Frames this bus sent come back marked %CANOPY_MESSAGE_TX when
 *   `receive_own_messages` is set.
 * - Cyclic tasks run in the kernel's broadcast manager (`CAN_BCM`).
 * - Bit rate, controller state, restart and statistics go through
 *   libsocketcan; `vcan` has none of them.
 */


struct _CanopySocketcanBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_INTERFACE_NAME,
  PROP_RECEIVE_OWN_MESSAGES,
  PROP_FD_CAPABLE,
  PROP_ERROR_MASK,
  PROP_STATE,
  N_PROPS,
};

G_DEFINE_FINAL_TYPE (CanopySocketcanBus, canopy_socketcan_bus, CANOPY_TYPE_BUS)

static void set_interface_name (CanopySocketcanBus *self,
                                const char         *interface_name);

G_DEFINE_BOXED_TYPE (CanopySocketcanStatistics, canopy_socketcan_statistics,
                     canopy_socketcan_statistics_copy, canopy_socketcan_statistics_free)

static GParamSpec *properties[N_PROPS];

static void
canopy_socketcan_bus_shutdown (CanopyBus *bus)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (bus);
  g_autoptr(GPtrArray) tasks = NULL;

  /* The base marked the bus shut down before this: a thread that entered
   * before that is counted in n_users by now, any later one is refused. */
  g_mutex_lock (&self->users_mutex);
  g_mutex_unlock (&self->users_mutex);

  /* Cyclic tasks stop with their bus: the kernel would keep sending. */
  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_lock (&self->tasks_mutex);
  for (guint i = 0; self->tasks != NULL && i < self->tasks->len; i++)
    {
      GObject *task = g_weak_ref_get (self->tasks->pdata[i]);

      if (task != NULL)
        g_ptr_array_add (tasks, task);
    }
  g_mutex_unlock (&self->tasks_mutex);
  for (guint i = 0; i < tasks->len; i++)
    canopy_cyclic_task_stop (tasks->pdata[i]);

  if (self->wake_fd >= 0)
    eventfd_write (self->wake_fd, 1);

  g_mutex_lock (&self->users_mutex);
  while (self->n_users > 0)
    g_cond_wait (&self->users_cond, &self->users_mutex);
  g_mutex_unlock (&self->users_mutex);

  if (self->sock >= 0)
    close (self->sock);
  self->sock = -1;
}

static gboolean
open_socket (CanopySocketcanBus  *self,
             GError             **error)
{
  struct sockaddr_can addr;
  const int one = 1;
  int mtu = CAN_MTU;
  gboolean fd_frames;
  int ts_flags = SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE;

  self->sock = socket (PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
  if (self->sock < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EAFNOSUPPORT || saved_errno == EPROTONOSUPPORT)
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                     "This system's kernel has no SocketCAN raw sockets (%s); load the can and can_raw modules",
                     g_strerror (saved_errno));
      else
        _canopy_socketcan_set_error_from_errno (error, saved_errno, self->interface_name, "opening a CAN_RAW socket");
      return FALSE;
    }

  if (!_canopy_socketcan_check_interface (self->sock, self->interface_name, &self->ifindex, &mtu, error))
    return FALSE;

  /* Receiving FD frames is always on, so that a classic application sees
   * them rather than losing them; sending them needs the CAN FD MTU. */
  fd_frames = setsockopt (self->sock, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof one) == 0;
  self->fd_capable = fd_frames && mtu >= (int) CANFD_MTU;

  if (self->receive_own_messages &&
      setsockopt (self->sock, SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, &one, sizeof one) != 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "enabling receive_own_messages");
      return FALSE;
    }

  if (setsockopt (self->sock, SOL_CAN_RAW, CAN_RAW_ERR_FILTER,
                  &self->error_mask, sizeof self->error_mask) != 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "enabling error frames");
      return FALSE;
    }

  if (setsockopt (self->sock, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "enabling kernel timestamps");
      return FALSE;
    }
  /* Hardware timestamps, reported only by devices that make them. */
  setsockopt (self->sock, SOL_SOCKET, SO_TIMESTAMPING, &ts_flags, sizeof ts_flags);
  /* The kernel's count of frames dropped for a full receive buffer. */
  setsockopt (self->sock, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);

  memset (&addr, 0, sizeof addr);
  addr.can_family = AF_CAN;
  addr.can_ifindex = self->ifindex;
  if (bind (self->sock, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "binding the socket");
      return FALSE;
    }

  self->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (self->wake_fd < 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "creating an eventfd");
      return FALSE;
    }

  return TRUE;
}

static gboolean
canopy_socketcan_bus_open (CanopyBus     *bus,
                           GCancellable  *cancellable,
                           GError       **error)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (bus);
  guint32 bitrate = 0;

  if (!open_socket (self, error))
    return FALSE;

  /* The bus load needs the bit rate: the controller's, unless told. */
  if (canopy_bus_get_bitrate (bus) == 0 &&
      canopy_socketcan_bus_get_bitrate (self, &bitrate, NULL))
    canopy_bus_set_bitrate (bus, bitrate);

  return TRUE;
}

static gboolean
canopy_socketcan_bus_configure (CanopyBus   *bus,
                                const char  *channel,
                                GHashTable  *options,
                                GError     **error)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (bus);
  gboolean receive_own_messages;
  gboolean error_frames;

  if (!_canopy_options_get_boolean (options, "receive_own_messages", FALSE, &receive_own_messages, error) ||
      !_canopy_options_get_boolean (options, "error_frames", TRUE, &error_frames, error))
    return FALSE;

  /* `fd` needs nothing here: FD frames always pass. The bit rate of a
   * SocketCAN interface is set with `ip link` (or
   * canopy_socketcan_bus_set_bitrate()) while it is down, as in python-can;
   * the `bitrate` option only tells the bus load what it is. */
  set_interface_name (self, channel);
  self->receive_own_messages = receive_own_messages;
  self->error_mask = error_frames ? CANOPY_SOCKETCAN_ERROR_ALL : 0u;

  return TRUE;
}

static void
canopy_socketcan_bus_update_statistics (CanopyBus           *bus,
                                        CanopyBusStatistics *stats)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (bus);
  CanopySocketcanState state;

  _canopy_bus_statistics_add_dropped (stats, canopy_socketcan_bus_get_dropped (self));

  if (!canopy_socketcan_bus_get_state (self, &state, NULL))
    return;

  switch (state)
    {
    case CANOPY_SOCKETCAN_STATE_ERROR_ACTIVE:  _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_ACTIVE);  break;
    case CANOPY_SOCKETCAN_STATE_ERROR_WARNING: _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_WARNING); break;
    case CANOPY_SOCKETCAN_STATE_ERROR_PASSIVE: _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_PASSIVE); break;
    case CANOPY_SOCKETCAN_STATE_BUS_OFF:       _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_BUS_OFF);       break;
    case CANOPY_SOCKETCAN_STATE_STOPPED:
    case CANOPY_SOCKETCAN_STATE_SLEEPING:      _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_STOPPED);       break;
    case CANOPY_SOCKETCAN_STATE_UNKNOWN:
    default:                                   break;
    }
}

static void
canopy_socketcan_bus_finalize (GObject *object)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (object);

  if (self->sock >= 0)
    close (self->sock);
  if (self->wake_fd >= 0)
    close (self->wake_fd);
  g_clear_pointer (&self->tasks, g_ptr_array_unref);
  g_clear_pointer (&self->interface_name, g_free);
  g_mutex_clear (&self->users_mutex);
  g_cond_clear (&self->users_cond);
  g_mutex_clear (&self->tasks_mutex);

  G_OBJECT_CLASS (canopy_socketcan_bus_parent_class)->finalize (object);
}

static void
canopy_socketcan_bus_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (object);

  switch (prop_id)
    {
    case PROP_INTERFACE_NAME:
      g_value_set_string (value, canopy_socketcan_bus_get_interface_name (self));
      break;

    case PROP_RECEIVE_OWN_MESSAGES:
      g_value_set_boolean (value, canopy_socketcan_bus_get_receive_own_messages (self));
      break;

    case PROP_FD_CAPABLE:
      g_value_set_boolean (value, canopy_socketcan_bus_get_fd_capable (self));
      break;

    case PROP_ERROR_MASK:
      g_value_set_uint (value, canopy_socketcan_bus_get_error_mask (self));
      break;

    case PROP_STATE:
      {
        CanopySocketcanState state = CANOPY_SOCKETCAN_STATE_UNKNOWN;

        canopy_socketcan_bus_get_state (self, &state, NULL);
        g_value_set_enum (value, state);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_interface_name (CanopySocketcanBus *self,
                    const char         *interface_name)
{
  g_autofree char *info = NULL;

  g_free (self->interface_name);
  self->interface_name = g_strdup (interface_name);
  info = g_strdup_printf ("SocketCAN interface %s",
                          self->interface_name ? self->interface_name : "(none)");
  _canopy_bus_set_channel_info (CANOPY_BUS (self), info);
}

static void
canopy_socketcan_bus_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (object);

  switch (prop_id)
    {
    case PROP_INTERFACE_NAME:
      set_interface_name (self, g_value_get_string (value));
      break;

    case PROP_RECEIVE_OWN_MESSAGES:
      self->receive_own_messages = g_value_get_boolean (value);
      break;

    case PROP_ERROR_MASK:
      /* Before the socket exists this is only the initial value. */
      if (self->sock < 0)
        self->error_mask = g_value_get_uint (value) & CAN_ERR_MASK;
      else
        canopy_socketcan_bus_set_error_mask (self, g_value_get_uint (value), NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_socketcan_bus_class_init (CanopySocketcanBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_socketcan_bus_finalize;
  object_class->get_property = canopy_socketcan_bus_get_property;
  object_class->set_property = canopy_socketcan_bus_set_property;

  bus_class->configure = canopy_socketcan_bus_configure;
  bus_class->open = canopy_socketcan_bus_open;
  bus_class->send = _canopy_socketcan_bus_send;
  bus_class->recv = _canopy_socketcan_bus_recv;
  bus_class->set_filters = _canopy_socketcan_bus_set_filters;
  bus_class->shutdown = canopy_socketcan_bus_shutdown;
  bus_class->send_periodic = _canopy_socketcan_cyclic_task_send_periodic;
  bus_class->update_statistics = canopy_socketcan_bus_update_statistics;

  /**
   * CanopySocketcanBus:interface-name:
   *
   * The CAN network interface: `can0`, `vcan0`, …
   */
  properties[PROP_INTERFACE_NAME] =
    g_param_spec_string ("interface-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopySocketcanBus:receive-own-messages:
   *
   * Whether the bus receives the frames it sends, marked
   * %CANOPY_MESSAGE_TX, at the moment the device sent them.
   */
  properties[PROP_RECEIVE_OWN_MESSAGES] =
    g_param_spec_boolean ("receive-own-messages", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                           G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopySocketcanBus:fd-capable:
   *
   * Whether the interface has the CAN FD MTU, so that the bus can send CAN FD
   * frames. FD frames are received either way.
   */
  properties[PROP_FD_CAPABLE] =
    g_param_spec_boolean ("fd-capable", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopySocketcanBus:error-mask:
   *
   * The #CanopySocketcanErrorClass bits of the error frames the bus
   * receives; 0 receives none. Every class by default.
   */
  properties[PROP_ERROR_MASK] =
    g_param_spec_uint ("error-mask", NULL, NULL,
                       0, CANOPY_SOCKETCAN_ERROR_ALL, CANOPY_SOCKETCAN_ERROR_ALL,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopySocketcanBus:state:
   *
   * The controller state, read from the kernel each time;
   * %CANOPY_SOCKETCAN_STATE_UNKNOWN when the interface has none (`vcan`).
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       CANOPY_TYPE_SOCKETCAN_STATE,
                       CANOPY_SOCKETCAN_STATE_UNKNOWN,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_socketcan_bus_init (CanopySocketcanBus *self)
{
  g_mutex_init (&self->users_mutex);
  g_mutex_init (&self->tasks_mutex);
  g_cond_init (&self->users_cond);
  self->sock = -1;
  self->wake_fd = -1;
  self->error_mask = CAN_ERR_MASK;
}

/**
 * canopy_socketcan_bus_new:
 * @interface_name: the CAN network interface: `can0`, `vcan0`, …
 * @receive_own_messages: whether the bus receives the frames it sends
 * @error: return location for a #GError
 *
 * Opens a `CAN_RAW` socket on @interface_name; canopy_bus_new() with
 * `socketcan` does the same from options. Fails with a message naming the
 * problem when the interface does not exist, is no CAN interface or is down,
 * or when the kernel has no SocketCAN.
 *
 * Returns: (transfer full): a new bus, or %NULL with @error set
 */
CanopySocketcanBus *
canopy_socketcan_bus_new (const char  *interface_name,
                          gboolean     receive_own_messages,
                          GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (CANOPY_TYPE_SOCKETCAN_BUS, NULL, error,
                         "interface-name", interface_name,
                         "receive-own-messages", receive_own_messages,
                         NULL);
}

void
_canopy_socketcan_bus_register (void)
{
  static const char * const aliases[] = { "socketcan_native", "socketcan_ctypes", NULL };

  _canopy_interface_register ("socketcan", aliases, CANOPY_TYPE_SOCKETCAN_BUS,
                              "Linux SocketCAN",
                              "a CAN network interface that is up, such as can0 or vcan0");
}

int
_canopy_socketcan_bus_get_ifindex (CanopySocketcanBus *self)
{
  return self->ifindex;
}

static void
weak_ref_free (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

void
_canopy_socketcan_bus_track_task (CanopySocketcanBus *self,
                                  GObject            *task)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, task);

  g_mutex_lock (&self->tasks_mutex);
  if (self->tasks == NULL)
    self->tasks = g_ptr_array_new_with_free_func (weak_ref_free);

  /* Forget tasks that are gone, so that the list does not grow forever. */
  for (guint i = self->tasks->len; i > 0; i--)
    {
      GObject *other = g_weak_ref_get (self->tasks->pdata[i - 1]);

      if (other == NULL)
        g_ptr_array_remove_index_fast (self->tasks, i - 1);
      else
        g_object_unref (other);
    }
  g_ptr_array_add (self->tasks, ref);
  g_mutex_unlock (&self->tasks_mutex);
}

/**
 * canopy_socketcan_bus_get_interface_name:
 * @self: a SocketCAN bus
 *
 * Returns: the CAN network interface of @self
 */
const char *
canopy_socketcan_bus_get_interface_name (CanopySocketcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), NULL);
  return self->interface_name;
}

/**
 * canopy_socketcan_bus_get_receive_own_messages:
 * @self: a SocketCAN bus
 *
 * Returns: whether @self receives the frames it sends
 */
gboolean
canopy_socketcan_bus_get_receive_own_messages (CanopySocketcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), FALSE);
  return self->receive_own_messages;
}

/**
 * canopy_socketcan_bus_get_fd_capable:
 * @self: a SocketCAN bus
 *
 * Returns: whether @self can send CAN FD frames
 */
gboolean
canopy_socketcan_bus_get_fd_capable (CanopySocketcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), FALSE);
  return self->fd_capable;
}

/**
 * canopy_socketcan_bus_get_error_mask:
 * @self: a SocketCAN bus
 *
 * Returns: the #CanopySocketcanErrorClass bits of the error frames @self
 *   receives
 */
guint32
canopy_socketcan_bus_get_error_mask (CanopySocketcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), 0);
  return self->error_mask;
}

/**
 * canopy_socketcan_bus_set_error_mask:
 * @self: a SocketCAN bus
 * @error_mask: #CanopySocketcanErrorClass bits; 0 receives no error frames,
 *   %CANOPY_SOCKETCAN_ERROR_ALL every one
 * @error: return location for a #GError
 *
 * Chooses which error frames the kernel delivers (`CAN_RAW_ERR_FILTER`).
 * Acceptance filters never apply to error frames.
 *
 * Returns: %TRUE if the mask was applied
 */
gboolean
canopy_socketcan_bus_set_error_mask (CanopySocketcanBus  *self,
                                     guint32              error_mask,
                                     GError             **error)
{
  gboolean ret = TRUE;

  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  error_mask &= CAN_ERR_MASK;

  if (!_canopy_socketcan_bus_enter (self, error))
    return FALSE;

  if (setsockopt (self->sock, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &error_mask, sizeof error_mask) != 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "setting the error mask");
      ret = FALSE;
    }

  _canopy_socketcan_bus_leave (self);

  if (ret && self->error_mask != error_mask)
    {
      self->error_mask = error_mask;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MASK]);
    }

  return ret;
}

/**
 * canopy_socketcan_bus_get_dropped:
 * @self: a SocketCAN bus
 *
 * The kernel drops frames when @self is not read fast enough and its socket
 * receive buffer fills up.
 *
 * Returns: how many frames the kernel dropped for @self, as of the last frame
 *   received
 */
guint64
canopy_socketcan_bus_get_dropped (CanopySocketcanBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), 0);
  return (guint32) g_atomic_int_get (&self->dropped);
}

/**
 * canopy_socketcan_statistics_copy:
 * @stats: statistics
 *
 * Returns: (transfer full): a copy of @stats
 */
CanopySocketcanStatistics *
canopy_socketcan_statistics_copy (const CanopySocketcanStatistics *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);
  return g_memdup2 (stats, sizeof *stats);
}

/**
 * canopy_socketcan_statistics_free:
 * @stats: (nullable): statistics
 *
 * Frees @stats.
 */
void
canopy_socketcan_statistics_free (CanopySocketcanStatistics *stats)
{
  g_free (stats);
}
