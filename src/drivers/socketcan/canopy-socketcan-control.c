/* canopy-socketcan-control.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The controller side of a SocketCAN interface (bit rate, state, restart,
 * statistics, through libsocketcan's netlink calls), the list of CAN
 * interfaces for a connect dialog, and the decoding of error frames. */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/netlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifdef HAVE_LIBSOCKETCAN
# include <libsocketcan.h>
#endif

#include "canopy-error.h"
#include "canopy-socketcan-bus.h"

#include "canopy-socketcan-bus-private.h"

/* The rtnetlink link kind of @interface_name: "can" for a CAN controller
 * (can_dev), "vcan", "vxcan", … ; NULL if the kernel does not say. */
static char *
read_link_kind (const char *interface_name)
{
  struct {
    struct nlmsghdr  header;
    struct ifinfomsg info;
  } request;
  union {
    char            buf[16384];
    struct nlmsghdr align;
  } reply;
  struct timeval tv = { .tv_sec = 1 };
  unsigned int ifindex;
  ssize_t n;
  int sock;
  char *kind = NULL;

  ifindex = if_nametoindex (interface_name);
  if (ifindex == 0)
    return NULL;

  sock = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (sock < 0)
    return NULL;
  setsockopt (sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  memset (&request, 0, sizeof request);
  request.header.nlmsg_len = NLMSG_LENGTH (sizeof request.info);
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = 1;
  request.info.ifi_family = AF_UNSPEC;
  request.info.ifi_index = ifindex;

  if (send (sock, &request, request.header.nlmsg_len, 0) < 0 ||
      (n = recv (sock, &reply, sizeof reply, 0)) < 0)
    {
      close (sock);
      return NULL;
    }
  close (sock);

  for (struct nlmsghdr *h = &reply.align; NLMSG_OK (h, (gsize) n); h = NLMSG_NEXT (h, n))
    {
      struct ifinfomsg *info;
      struct rtattr *rta;
      int len;

      if (h->nlmsg_type != RTM_NEWLINK)
        continue;

      info = NLMSG_DATA (h);
      len = IFLA_PAYLOAD (h);
      for (rta = IFLA_RTA (info); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
        {
          struct rtattr *sub;
          int sub_len;

          if (rta->rta_type != IFLA_LINKINFO)
            continue;

          sub_len = RTA_PAYLOAD (rta);
          for (sub = RTA_DATA (rta); RTA_OK (sub, sub_len); sub = RTA_NEXT (sub, sub_len))
            if (sub->rta_type == IFLA_INFO_KIND && kind == NULL)
              kind = g_strndup (RTA_DATA (sub), RTA_PAYLOAD (sub));
        }
    }

  return kind;
}

/* Virtual CAN interfaces have no controller: say so before libsocketcan
 * fails (and complains on stderr). */
static gboolean
check_controller (const char  *interface_name,
                  const char  *what,
                  GError     **error)
{
  g_autofree char *kind = read_link_kind (interface_name);

  if (kind == NULL || g_str_equal (kind, "can"))
    return TRUE;

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
               "CAN interface “%s” is a virtual %s interface without a CAN controller: it has no %s",
               interface_name, kind, what);
  return FALSE;
}

#ifdef HAVE_LIBSOCKETCAN
static void
set_netlink_error (GError     **error,
                   int          saved_errno,
                   const char  *interface_name,
                   const char  *what,
                   const char  *hint)
{
  if (saved_errno == EPERM || saved_errno == EACCES)
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                 "Not allowed to %s of CAN interface “%s”: this needs the CAP_NET_ADMIN capability (root)",
                 what, interface_name);
  else
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                 "Could not %s of CAN interface “%s”%s%s",
                 what, interface_name, hint ? ": " : "", hint ? hint : "");
}
#else
static gboolean
no_libsocketcan (GError     **error,
                 const char  *interface_name)
{
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
               "This build of Canopy has no libsocketcan: the controller settings of “%s” are not available",
               interface_name);
  return FALSE;
}
#endif

/**
 * canopy_socketcan_bus_get_bitrate:
 * @self: a SocketCAN bus
 * @bitrate: (out): the nominal bit rate in bit/s
 * @error: return location for a #GError
 *
 * Reads the bit rate the kernel driver of the interface was configured with
 * (`ip link set can0 type can bitrate …`). A virtual `vcan` interface has no
 * bit rate: it moves frames at memory speed, so this fails for it.
 *
 * Returns: %TRUE if @bitrate was set
 */
gboolean
canopy_socketcan_bus_get_bitrate (CanopySocketcanBus  *self,
                                  guint32             *bitrate,
                                  GError             **error)
{
  const char *name;

  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), FALSE);
  g_return_val_if_fail (bitrate != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = canopy_socketcan_bus_get_interface_name (self);

  if (!check_controller (name, "bit rate", error))
    return FALSE;

#ifdef HAVE_LIBSOCKETCAN
  {
    struct can_bittiming bt;

    memset (&bt, 0, sizeof bt);
    errno = 0;
    if (can_get_bittiming (name, &bt) != 0)
      {
        set_netlink_error (error, errno, name, "read the bit timing",
                           "it has none (a virtual vcan interface has no bit rate)");
        return FALSE;
      }
    *bitrate = bt.bitrate;
    return TRUE;
  }
#else
  return no_libsocketcan (error, name);
#endif
}

/**
 * canopy_socketcan_set_bitrate:
 * @interface_name: a CAN network interface: `can0`, …
 * @bitrate: the nominal bit rate in bit/s, e.g. 500000
 * @error: return location for a #GError
 *
 * Sets the bit rate of a CAN controller, as `ip link set can0 type can
 * bitrate …` does; call it before opening a bus on the interface (a connect
 * dialog does). The kernel only changes the bit timing of a stopped
 * controller, so an interface that is up is taken down, configured and
 * brought up again. This needs the CAP_NET_ADMIN capability; `vcan` has no
 * bit rate and refuses.
 *
 * Returns: %TRUE if the interface runs at @bitrate
 */
gboolean
canopy_socketcan_set_bitrate (const char  *interface_name,
                              guint32      bitrate,
                              GError     **error)
{
  g_return_val_if_fail (interface_name != NULL, FALSE);
  g_return_val_if_fail (bitrate > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (if_nametoindex (interface_name) == 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "CAN interface “%s” does not exist", interface_name);
      return FALSE;
    }

  if (!check_controller (interface_name, "bit rate", error))
    return FALSE;

#ifdef HAVE_LIBSOCKETCAN
  {
    int state = CAN_STATE_STOPPED;
    gboolean was_up;

    errno = 0;
    if (can_get_state (interface_name, &state) != 0)
      {
        set_netlink_error (error, errno, interface_name, "set the bit rate",
                           "it has no CAN controller (a virtual vcan interface has no bit rate)");
        return FALSE;
      }
    was_up = state != CAN_STATE_STOPPED;

    errno = 0;
    if (was_up && can_do_stop (interface_name) != 0)
      {
        set_netlink_error (error, errno, interface_name, "stop the controller", NULL);
        return FALSE;
      }

    errno = 0;
    if (can_set_bitrate (interface_name, bitrate) != 0)
      {
        int saved_errno = errno;

        if (was_up)
          can_do_start (interface_name);
        if (saved_errno == EPERM || saved_errno == EACCES)
          set_netlink_error (error, saved_errno, interface_name, "set the bit rate", NULL);
        else
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "CAN interface “%s” refused the bit rate %u bit/s",
                       interface_name, bitrate);
        return FALSE;
      }

    errno = 0;
    if (was_up && can_do_start (interface_name) != 0)
      {
        set_netlink_error (error, errno, interface_name, "restart the controller", NULL);
        return FALSE;
      }

    return TRUE;
  }
#else
  return no_libsocketcan (error, interface_name);
#endif
}

/**
 * canopy_socketcan_bus_get_state:
 * @self: a SocketCAN bus
 * @state: (out): the controller state
 * @error: return location for a #GError
 *
 * Reads the state of the CAN controller: error-active in normal operation,
 * error-warning and error-passive as its error counters rise, bus-off when
 * it has left the bus. `vcan` has no controller: this fails for it.
 *
 * Returns: %TRUE if @state was set
 */
gboolean
canopy_socketcan_bus_get_state (CanopySocketcanBus    *self,
                                CanopySocketcanState  *state,
                                GError               **error)
{
  const char *name;

  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = canopy_socketcan_bus_get_interface_name (self);

  if (!check_controller (name, "controller state", error))
    return FALSE;

#ifdef HAVE_LIBSOCKETCAN
  {
    int can_state = 0;

    errno = 0;
    if (can_get_state (name, &can_state) != 0)
      {
        set_netlink_error (error, errno, name, "read the controller state",
                           "it has no CAN controller (a virtual vcan interface has none)");
        return FALSE;
      }

    switch (can_state)
      {
      case CAN_STATE_ERROR_ACTIVE:  *state = CANOPY_SOCKETCAN_STATE_ERROR_ACTIVE;  break;
      case CAN_STATE_ERROR_WARNING: *state = CANOPY_SOCKETCAN_STATE_ERROR_WARNING; break;
      case CAN_STATE_ERROR_PASSIVE: *state = CANOPY_SOCKETCAN_STATE_ERROR_PASSIVE; break;
      case CAN_STATE_BUS_OFF:       *state = CANOPY_SOCKETCAN_STATE_BUS_OFF;       break;
      case CAN_STATE_STOPPED:       *state = CANOPY_SOCKETCAN_STATE_STOPPED;       break;
      case CAN_STATE_SLEEPING:      *state = CANOPY_SOCKETCAN_STATE_SLEEPING;      break;
      default:                      *state = CANOPY_SOCKETCAN_STATE_UNKNOWN;       break;
      }
    return TRUE;
  }
#else
  return no_libsocketcan (error, name);
#endif
}

/**
 * canopy_socketcan_bus_restart:
 * @self: a SocketCAN bus
 * @error: return location for a #GError
 *
 * Restarts a controller that went bus-off, as `ip link set can0 type can
 * restart` does, for interfaces without automatic recovery (`restart-ms 0`).
 * The kernel refuses while the controller is not bus-off. This needs the
 * CAP_NET_ADMIN capability.
 *
 * Returns: %TRUE if the controller restarted
 */
gboolean
canopy_socketcan_bus_restart (CanopySocketcanBus  *self,
                              GError             **error)
{
  const char *name;

  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = canopy_socketcan_bus_get_interface_name (self);

  if (!check_controller (name, "controller to restart", error))
    return FALSE;

#ifdef HAVE_LIBSOCKETCAN
  errno = 0;
  if (can_do_restart (name) != 0)
    {
      set_netlink_error (error, errno, name, "restart the controller",
                         "only a CAN controller in the bus-off state restarts (vcan has no controller)");
      return FALSE;
    }
  return TRUE;
#else
  return no_libsocketcan (error, name);
#endif
}

static gboolean
read_sysfs_counter (const char *interface_name,
                    const char *counter,
                    guint64    *value)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", interface_name, "statistics", counter, NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  return g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXUINT64, value, NULL);
}

/**
 * canopy_socketcan_bus_get_statistics:
 * @self: a SocketCAN bus
 * @stats: (out caller-allocates): where to store the statistics
 * @error: return location for a #GError
 *
 * Reads the interface's frame counters and, for a real CAN controller, its
 * error counters and state changes
 * (the `has_controller_statistics` field says
 * whether those are there).
 *
 * Returns: %TRUE if @stats was filled
 */
gboolean
canopy_socketcan_bus_get_statistics (CanopySocketcanBus         *self,
                                     CanopySocketcanStatistics  *stats,
                                     GError                    **error)
{
  const char *name;
  gboolean have_link = FALSE;

  g_return_val_if_fail (CANOPY_IS_SOCKETCAN_BUS (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = canopy_socketcan_bus_get_interface_name (self);
  memset (stats, 0, sizeof *stats);

#ifdef HAVE_LIBSOCKETCAN
  /* libsocketcan complains on stderr about interfaces without a controller:
   * those take the sysfs path below. */
  if (check_controller (name, "controller", NULL))
  {
    struct rtnl_link_stats64 link;
    struct can_berr_counter bc;
    struct can_device_stats cds;

    memset (&link, 0, sizeof link);
    if (can_get_link_stats (name, &link) == 0)
      {
        stats->rx_frames = link.rx_packets;
        stats->tx_frames = link.tx_packets;
        stats->rx_bytes = link.rx_bytes;
        stats->tx_bytes = link.tx_bytes;
        stats->rx_errors = link.rx_errors;
        stats->tx_errors = link.tx_errors;
        stats->rx_dropped = link.rx_dropped;
        stats->tx_dropped = link.tx_dropped;
        have_link = TRUE;
      }

    memset (&bc, 0, sizeof bc);
    memset (&cds, 0, sizeof cds);
    if (can_get_device_stats (name, &cds) == 0)
      {
        stats->has_controller_statistics = TRUE;
        stats->bus_errors = cds.bus_error;
        stats->error_warning = cds.error_warning;
        stats->error_passive = cds.error_passive;
        stats->bus_off = cds.bus_off;
        stats->arbitration_lost = cds.arbitration_lost;
        stats->restarts = cds.restarts;

        /* Not every controller can report its error counters. */
        if (can_get_berr_counter (name, &bc) == 0)
          {
            stats->tx_error_counter = bc.txerr;
            stats->rx_error_counter = bc.rxerr;
          }
      }
  }
#endif

  /* Without libsocketcan, or if netlink failed, the kernel's sysfs has the
   * same frame counters. */
  if (!have_link)
    {
      have_link = read_sysfs_counter (name, "rx_packets", &stats->rx_frames) &&
                  read_sysfs_counter (name, "tx_packets", &stats->tx_frames);
      read_sysfs_counter (name, "rx_bytes", &stats->rx_bytes);
      read_sysfs_counter (name, "tx_bytes", &stats->tx_bytes);
      read_sysfs_counter (name, "rx_errors", &stats->rx_errors);
      read_sysfs_counter (name, "tx_errors", &stats->tx_errors);
      read_sysfs_counter (name, "rx_dropped", &stats->rx_dropped);
      read_sysfs_counter (name, "tx_dropped", &stats->tx_dropped);
    }

  if (!have_link)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Could not read the statistics of CAN interface “%s”", name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_can_interface (int         sock,
                  const char *name)
{
  struct ifreq ifr;

  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, name, sizeof ifr.ifr_name);
  if (ioctl (sock, SIOCGIFHWADDR, &ifr) == 0)
    return ifr.ifr_hwaddr.sa_family == ARPHRD_CAN;

  /* No ioctl: sysfs tells the hardware type too. */
  {
    g_autofree char *path = g_build_filename ("/sys/class/net", name, "type", NULL);
    g_autofree char *text = NULL;
    guint64 type;

    return g_file_get_contents (path, &text, NULL, NULL) &&
           g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXUINT16, &type, NULL) &&
           type == ARPHRD_CAN;
  }
}

/**
 * canopy_socketcan_list_interfaces:
 * @error: return location for a #GError
 *
 * Lists the CAN network interfaces of this system (`can0`, `vcan0`,
 * `vxcan1`, …), up or down, in the kernel's order: the choices of a connect
 * dialog's channel field for the `socketcan` interface.
 *
 * Returns: (transfer full) (array zero-terminated=1): the interface names,
 *   possibly none; %NULL with @error set if the system cannot list them
 */
char **
canopy_socketcan_list_interfaces (GError **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  struct if_nameindex *list;
  int sock;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = if_nameindex ();
  if (list == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Could not list the network interfaces: %s", g_strerror (saved_errno));
      return NULL;
    }

  /* Any socket answers interface ioctls, even where AF_CAN is missing. */
  sock = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    sock = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  for (struct if_nameindex *it = list; it->if_index != 0 && it->if_name != NULL; it++)
    if (is_can_interface (sock, it->if_name))
      g_strv_builder_add (builder, it->if_name);

  if (sock >= 0)
    close (sock);
  if_freenameindex (list);

  return g_strv_builder_end (builder);
}

/**
 * canopy_socketcan_error_class:
 * @msg: a message
 *
 * Reads the error classes of an error frame received from a SocketCAN bus
 * (or read back from a log of one): the bits of its arbitration id.
 *
 * Returns: the classes, or 0 if @msg is no error frame
 */
CanopySocketcanErrorClass
canopy_socketcan_error_class (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);

  if (!(msg->flags & CANOPY_MESSAGE_ERROR))
    return 0;

  return msg->arbitration_id & CAN_ERR_MASK;
}

static void
append_bits (GString    *str,
             guint8      value,
             const char *const names[8])
{
  gboolean first = TRUE;

  for (guint bit = 0; bit < 8; bit++)
    if ((value & (1u << bit)) && names[bit] != NULL)
      {
        g_string_append (str, first ? " (" : ", ");
        g_string_append (str, names[bit]);
        first = FALSE;
      }
  if (!first)
    g_string_append_c (str, ')');
}

/**
 * canopy_socketcan_describe_error:
 * @msg: an error frame
 *
 * Describes an error frame in words, with the details its data bytes carry
 * (`linux/can/error.h`), e.g. “bus off; controller problem (TX error
 * passive); error counters TX 130 RX 0”.
 *
 * Returns: (transfer full) (nullable): the description, or %NULL if @msg is
 *   no error frame
 */
char *
canopy_socketcan_describe_error (const CanopyMessage *msg)
{
  static const char *const controller[8] = {
    "RX buffer overflow", "TX buffer overflow", "RX error warning", "TX error warning",
    "RX error passive", "TX error passive", "back to error active", NULL,
  };
  static const char *const protocol[8] = {
    "single bit error", "frame format error", "bit stuffing error", "dominant bit not sent",
    "recessive bit not sent", "bus overload", "active error announcement", "while transmitting",
  };
  CanopySocketcanErrorClass classes;
  GString *str;

  g_return_val_if_fail (msg != NULL, NULL);

  if (!(msg->flags & CANOPY_MESSAGE_ERROR))
    return NULL;

  classes = canopy_socketcan_error_class (msg);
  str = g_string_new (NULL);

#define SEPARATE() G_STMT_START { if (str->len > 0) g_string_append (str, "; "); } G_STMT_END

  if (classes & CANOPY_SOCKETCAN_ERROR_BUS_OFF)
    {
      SEPARATE ();
      g_string_append (str, "bus off");
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_RESTARTED)
    {
      SEPARATE ();
      g_string_append (str, "controller restarted");
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_TX_TIMEOUT)
    {
      SEPARATE ();
      g_string_append (str, "transmit timeout");
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_LOST_ARBITRATION)
    {
      SEPARATE ();
      g_string_append (str, "arbitration lost");
      if (msg->dlc > 0 && msg->data[0] != CAN_ERR_LOSTARB_UNSPEC)
        g_string_append_printf (str, " at bit %u", msg->data[0]);
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_CONTROLLER)
    {
      SEPARATE ();
      g_string_append (str, "controller problem");
      if (msg->dlc > 1)
        append_bits (str, msg->data[1], controller);
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_PROTOCOL)
    {
      SEPARATE ();
      g_string_append (str, "protocol violation");
      if (msg->dlc > 2)
        append_bits (str, msg->data[2], protocol);
      if (msg->dlc > 3 && msg->data[3] != CAN_ERR_PROT_LOC_UNSPEC)
        g_string_append_printf (str, " at location 0x%02X", msg->data[3]);
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_TRANSCEIVER)
    {
      SEPARATE ();
      g_string_append (str, "transceiver problem");
      if (msg->dlc > 4 && msg->data[4] != CAN_ERR_TRX_UNSPEC)
        g_string_append_printf (str, " (status 0x%02X)", msg->data[4]);
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_NO_ACK)
    {
      SEPARATE ();
      g_string_append (str, "no acknowledgement");
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_BUS_ERROR)
    {
      SEPARATE ();
      g_string_append (str, "bus error");
    }
  if (classes & CANOPY_SOCKETCAN_ERROR_COUNTER)
    {
      SEPARATE ();
      g_string_append_printf (str, "error counters TX %u RX %u",
                              msg->dlc > 6 ? msg->data[6] : 0,
                              msg->dlc > 7 ? msg->data[7] : 0);
    }
  if (str->len == 0)
    g_string_append (str, "unspecified error");

#undef SEPARATE

  return g_string_free (str, FALSE);
}
