/* canopy-socketcan-io.c
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
#include "canopy-socketcan-bus-private.h"

/* The CAN_RAW socket's I/O: frames to and from the kernel, waiting with
 * shut-down in mind, kernel filters. The object, its control and its
 * properties are in canopy-socketcan-bus.c. */

#define NSEC_PER_SEC G_GINT64_CONSTANT (1000000000)

/* Control messages a received frame may carry: SO_TIMESTAMPNS,
 * SO_TIMESTAMPING and SO_RXQ_OVFL. */
#define CONTROL_SIZE (CMSG_SPACE (sizeof (struct timespec)) + \
                      CMSG_SPACE (sizeof (struct scm_timestamping)) + \
                      CMSG_SPACE (sizeof (guint32)))

typedef enum
{
  WAIT_READY,
  WAIT_TIMED_OUT,
  WAIT_SHUT_DOWN,
  WAIT_FAILED,
} WaitResult;

gsize
_canopy_socketcan_message_to_frame (const CanopyMessage *msg,
                                    struct canfd_frame  *frame)
{
  memset (frame, 0, sizeof *frame);

  if (msg->flags & CANOPY_MESSAGE_EXTENDED)
    frame->can_id = (msg->arbitration_id & CAN_EFF_MASK) | CAN_EFF_FLAG;
  else
    frame->can_id = msg->arbitration_id & CAN_SFF_MASK;
  if (msg->flags & CANOPY_MESSAGE_ERROR)
    frame->can_id = (msg->arbitration_id & CAN_ERR_MASK) | CAN_ERR_FLAG;
  if (msg->flags & CANOPY_MESSAGE_REMOTE)
    frame->can_id |= CAN_RTR_FLAG;

  frame->len = MIN (msg->dlc, CANFD_MAX_DLEN);

  if (msg->flags & CANOPY_MESSAGE_FD)
    {
      frame->flags = CANFD_FDF;
      if (msg->flags & CANOPY_MESSAGE_BRS)
        frame->flags |= CANFD_BRS;
      if (msg->flags & CANOPY_MESSAGE_ESI)
        frame->flags |= CANFD_ESI;
      memcpy (frame->data, msg->data, frame->len);
      return CANFD_MTU;
    }

  frame->len = MIN (frame->len, CAN_MAX_DLEN);
  if (!(msg->flags & CANOPY_MESSAGE_REMOTE))
    memcpy (frame->data, msg->data, frame->len);
  return CAN_MTU;
}

/* Returns FALSE for a datagram that is no CAN frame (the kernel never sends
 * one, but a short read must not become a frame). */
gboolean
_canopy_socketcan_frame_to_message (const struct canfd_frame *frame,
                                    gssize                    nbytes,
                                    CanopyMessage            *msg)
{
  guint8 len;

  if (nbytes != CAN_MTU && nbytes != CANFD_MTU)
    return FALSE;

  msg->timestamp_ns = 0;
  msg->flags = 0;
  msg->reserved = 0;
  msg->channel = CANOPY_CHANNEL_NONE;

  if (frame->can_id & CAN_ERR_FLAG)
    {
      msg->flags |= CANOPY_MESSAGE_ERROR;
      msg->arbitration_id = frame->can_id & CAN_ERR_MASK;
    }
  else if (frame->can_id & CAN_EFF_FLAG)
    {
      msg->flags |= CANOPY_MESSAGE_EXTENDED;
      msg->arbitration_id = frame->can_id & CAN_EFF_MASK;
    }
  else
    msg->arbitration_id = frame->can_id & CAN_SFF_MASK;

  if (nbytes == CANFD_MTU)
    {
      len = MIN (frame->len, CANFD_MAX_DLEN);
      msg->flags |= CANOPY_MESSAGE_FD;
      if (frame->flags & CANFD_BRS)
        msg->flags |= CANOPY_MESSAGE_BRS;
      if (frame->flags & CANFD_ESI)
        msg->flags |= CANOPY_MESSAGE_ESI;
    }
  else
    {
      len = MIN (frame->len, CAN_MAX_DLEN);
      if (frame->can_id & CAN_RTR_FLAG)
        msg->flags |= CANOPY_MESSAGE_REMOTE;
    }

  msg->dlc = len;
  if (msg->flags & CANOPY_MESSAGE_REMOTE)
    memset (msg->data, 0, sizeof msg->data);
  else
    {
      memcpy (msg->data, frame->data, len);
      memset (msg->data + len, 0, sizeof msg->data - len);
    }

  return TRUE;
}

void
_canopy_socketcan_set_error_from_errno (GError     **error,
                                        int          saved_errno,
                                        const char  *interface_name,
                                        const char  *what)
{
  switch (saved_errno)
    {
    case ENETDOWN:
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "CAN interface “%s” is down (%s); bring it up with “ip link set %s up”",
                   interface_name, what, interface_name);
      break;

    case ENODEV:
    case ENXIO:
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "CAN interface “%s” does not exist any more (%s)",
                   interface_name, what);
      break;

    case EPERM:
    case EACCES:
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Not allowed to %s on CAN interface “%s”: this needs the CAP_NET_ADMIN capability (root)",
                   what, interface_name);
      break;

    default:
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "CAN interface “%s”: %s failed: %s",
                   interface_name, what, g_strerror (saved_errno));
      break;
    }
}

static char *
describe_present_interfaces (void)
{
  g_auto(GStrv) names = canopy_socketcan_list_interfaces (NULL);

  if (names == NULL || names[0] == NULL)
    return g_strdup ("this system has no CAN interface");

  {
    g_autofree char *list = g_strjoinv (", ", names);

    return g_strconcat ("CAN interfaces present: ", list, NULL);
  }
}

gboolean
_canopy_socketcan_check_interface (int          sock,
                                   const char  *interface_name,
                                   int         *ifindex,
                                   int         *mtu,
                                   GError     **error)
{
  struct ifreq ifr;

  if (interface_name == NULL || interface_name[0] == '\0')
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "A SocketCAN bus needs a channel: the name of a CAN interface such as can0 or vcan0");
      return FALSE;
    }

  if (strlen (interface_name) >= IFNAMSIZ || strchr (interface_name, '/') != NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a network interface name", interface_name);
      return FALSE;
    }

  *ifindex = if_nametoindex (interface_name);
  if (*ifindex == 0)
    {
      g_autofree char *present = describe_present_interfaces ();

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "CAN interface “%s” does not exist (%s)", interface_name, present);
      return FALSE;
    }

  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, interface_name, sizeof ifr.ifr_name);
  if (ioctl (sock, SIOCGIFHWADDR, &ifr) == 0 &&
      ifr.ifr_hwaddr.sa_family != ARPHRD_CAN)
    {
      g_autofree char *present = describe_present_interfaces ();

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Network interface “%s” is not a CAN interface (%s)",
                   interface_name, present);
      return FALSE;
    }

  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, interface_name, sizeof ifr.ifr_name);
  if (ioctl (sock, SIOCGIFFLAGS, &ifr) != 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, interface_name, "reading the interface flags");
      return FALSE;
    }
  if (!(ifr.ifr_flags & IFF_UP))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "CAN interface “%s” is down; bring it up with “ip link set %s up”",
                   interface_name, interface_name);
      return FALSE;
    }

  *mtu = CAN_MTU;
  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, interface_name, sizeof ifr.ifr_name);
  if (ioctl (sock, SIOCGIFMTU, &ifr) == 0)
    *mtu = ifr.ifr_mtu;

  return TRUE;
}

gboolean
_canopy_socketcan_bus_enter (CanopySocketcanBus  *self,
                             GError             **error)
{
  gboolean ok;

  g_mutex_lock (&self->users_mutex);
  ok = _canopy_bus_check_open (CANOPY_BUS (self), error);
  if (ok)
    self->n_users++;
  g_mutex_unlock (&self->users_mutex);

  return ok;
}

void
_canopy_socketcan_bus_leave (CanopySocketcanBus *self)
{
  g_mutex_lock (&self->users_mutex);
  if (--self->n_users == 0)
    g_cond_broadcast (&self->users_cond);
  g_mutex_unlock (&self->users_mutex);
}

/* Waits for @events on @fd, for shut-down, or until @deadline_ns on the
 * monotonic clock (negative: no limit). */
static WaitResult
wait_for (CanopySocketcanBus  *self,
          int                  fd,
          short                events,
          gint64               deadline_ns,
          GError             **error)
{
  struct pollfd fds[2] = {
    { .fd = self->wake_fd, .events = POLLIN },
    { .fd = fd, .events = events },
  };
  nfds_t n_fds = fd >= 0 ? 2 : 1;

  for (;;)
    {
      struct timespec ts, *tsp = NULL;
      int r;

      if (deadline_ns >= 0)
        {
          gint64 remaining = deadline_ns - _canopy_clock_monotonic_ns ();

          if (remaining <= 0)
            return WAIT_TIMED_OUT;
          ts.tv_sec = remaining / NSEC_PER_SEC;
          ts.tv_nsec = remaining % NSEC_PER_SEC;
          tsp = &ts;
        }

      r = ppoll (fds, n_fds, tsp, NULL);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "waiting");
          return WAIT_FAILED;
        }

      if (fds[0].revents != 0)
        {
          _canopy_bus_check_open (CANOPY_BUS (self), error);
          return WAIT_SHUT_DOWN;
        }
      if (r > 0)
        return WAIT_READY;
      if (deadline_ns >= 0 && _canopy_clock_monotonic_ns () >= deadline_ns)
        return WAIT_TIMED_OUT;
    }
}

static gint64
deadline_from_timeout (double timeout)
{
  if (timeout < 0)
    return -1;
  return _canopy_clock_monotonic_ns () + (gint64) (timeout * NSEC_PER_SEC);
}

gboolean
_canopy_socketcan_bus_send (CanopyBus            *bus,
                           const CanopyMessage  *msg,
                           double                timeout,
                           GError              **error)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (bus);
  struct canfd_frame frame;
  gint64 deadline_ns;
  gboolean ret = FALSE;
  gsize mtu;

  mtu = _canopy_socketcan_message_to_frame (msg, &frame);
  if (mtu == CANFD_MTU && !self->fd_capable)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "CAN interface “%s” cannot carry CAN FD frames: its MTU is that of classic CAN",
                   self->interface_name);
      return FALSE;
    }

  if (!_canopy_socketcan_bus_enter (self, error))
    return FALSE;

  deadline_ns = timeout > 0 ? deadline_from_timeout (timeout) : -1;

  for (;;)
    {
      ssize_t n = send (self->sock, &frame, mtu, MSG_DONTWAIT);
      int saved_errno = errno;

      if (n == (ssize_t) mtu)
        {
          ret = TRUE;
          break;
        }

      if (n >= 0)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                       "CAN interface “%s” took only %zd of %zu bytes of a frame",
                       self->interface_name, n, mtu);
          break;
        }

      if (saved_errno == EINTR)
        continue;

      if (saved_errno == EAGAIN || saved_errno == ENOBUFS)
        {
          WaitResult res;

          if (timeout == 0)
            res = WAIT_TIMED_OUT;
          else if (saved_errno == EAGAIN)
            /* The socket's send buffer is full: it becomes writable again. */
            res = wait_for (self, self->sock, POLLOUT, deadline_ns, error);
          else
            {
              /* The device queue is full, which poll() does not report:
               * retry every millisecond, still waking up for shut-down. */
              gint64 retry_ns = _canopy_clock_monotonic_ns () + 1000000;

              if (deadline_ns >= 0)
                retry_ns = MIN (retry_ns, deadline_ns);
              res = wait_for (self, -1, 0, retry_ns, error);
              if (res == WAIT_TIMED_OUT &&
                  (deadline_ns < 0 || _canopy_clock_monotonic_ns () < deadline_ns))
                res = WAIT_READY;
            }

          if (res == WAIT_READY)
            continue;
          if (res == WAIT_TIMED_OUT)
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                         "The transmit queue of CAN interface “%s” stayed full for %g s",
                         self->interface_name, MAX (timeout, 0.0));
          break;
        }

      if (saved_errno == EINVAL && mtu == CANFD_MTU)
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                     "CAN interface “%s” does not accept CAN FD frames", self->interface_name);
      else
        _canopy_socketcan_set_error_from_errno (error, saved_errno, self->interface_name, "sending");
      break;
    }

  _canopy_socketcan_bus_leave (self);
  return ret;
}

static gboolean
receive_one (CanopySocketcanBus *self,
             CanopyMessage      *msg,
             int                *saved_errno)
{
  struct canfd_frame frame;
  struct iovec iov = { .iov_base = &frame, .iov_len = sizeof frame };
  union {
    char           buf[CONTROL_SIZE];
    struct cmsghdr align;
  } control;
  struct msghdr mh = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = &control,
    .msg_controllen = sizeof control,
  };
  gint64 software_ns = 0, hardware_ns = 0;
  ssize_t n;

  n = recvmsg (self->sock, &mh, MSG_DONTWAIT);
  if (n < 0)
    {
      *saved_errno = errno;
      return FALSE;
    }

  if (!_canopy_socketcan_frame_to_message (&frame, n, msg))
    {
      *saved_errno = EAGAIN;
      return FALSE;
    }

  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
    {
      if (c->cmsg_level != SOL_SOCKET)
        continue;

      if (c->cmsg_type == SCM_TIMESTAMPNS)
        {
          struct timespec ts;

          memcpy (&ts, CMSG_DATA (c), sizeof ts);
          software_ns = (gint64) ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
        }
      else if (c->cmsg_type == SCM_TIMESTAMPING)
        {
          struct scm_timestamping tss;

          memcpy (&tss, CMSG_DATA (c), sizeof tss);
          /* ts[2] is the raw hardware time; zero when the device has none. */
          hardware_ns = (gint64) tss.ts[2].tv_sec * NSEC_PER_SEC + tss.ts[2].tv_nsec;
        }
      else if (c->cmsg_type == SO_RXQ_OVFL)
        {
          guint32 dropped;

          memcpy (&dropped, CMSG_DATA (c), sizeof dropped);
          g_atomic_int_set (&self->dropped, (int) dropped);
        }
    }

  if (hardware_ns > 0)
    msg->timestamp_ns = hardware_ns;
  else if (software_ns > 0)
    msg->timestamp_ns = software_ns;
  else
    msg->timestamp_ns = _canopy_clock_realtime_ns ();

  /* The kernel marks the echo of a frame this very socket sent. */
  if (mh.msg_flags & MSG_CONFIRM)
    msg->flags |= CANOPY_MESSAGE_TX;

  return TRUE;
}

gboolean
_canopy_socketcan_bus_recv (CanopyBus      *bus,
                           CanopyMessage  *msg,
                           double          timeout,
                           GError        **error)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (bus);
  gint64 deadline_ns;
  gboolean ret = FALSE;

  if (!_canopy_socketcan_bus_enter (self, error))
    return FALSE;

  deadline_ns = timeout > 0 ? deadline_from_timeout (timeout) : -1;

  for (;;)
    {
      int saved_errno = 0;

      if (receive_one (self, msg, &saved_errno))
        {
          ret = TRUE;
          break;
        }

      if (saved_errno == EINTR)
        continue;

      if (saved_errno != EAGAIN)
        {
          _canopy_socketcan_set_error_from_errno (error, saved_errno, self->interface_name, "receiving");
          break;
        }

      if (timeout == 0)
        break;

      if (wait_for (self, self->sock, POLLIN, deadline_ns, error) != WAIT_READY)
        break;
    }

  _canopy_socketcan_bus_leave (self);
  return ret;
}

/* Translates @filter into the kernel's terms. Returns FALSE when the filter
 * can never match (no kernel filter needed); sets @match_all when it
 * matches every frame. */
static gboolean
filter_to_kernel (const CanopyFilter *filter,
                  struct can_filter  *out,
                  gboolean           *match_all)
{
  guint32 id_bits = filter->match_id_type && !filter->extended ? CAN_SFF_MASK : CAN_EFF_MASK;
  guint32 mask = filter->can_mask & CAN_EFF_MASK;
  guint32 can_id = filter->can_id & mask;

  *match_all = FALSE;

  /* A standard frame's identifier has 11 bits and an extended one 29: a
   * filter that needs a 1 above them never matches, and inverted, always
   * matches. The kernel would instead drop those bits from the mask. */
  if (filter->can_id & filter->can_mask & ~id_bits)
    {
      if (!filter->inverted)
        return FALSE;
      *match_all = TRUE;
      return TRUE;
    }

  if (filter->match_id_type)
    {
      mask |= CAN_EFF_FLAG;
      if (filter->extended)
        can_id |= CAN_EFF_FLAG;
    }

  out->can_id = can_id;
  out->can_mask = mask;
  if (filter->inverted)
    {
      /* Inverting "anything" matches nothing. */
      if (mask == 0)
        return FALSE;
      out->can_id |= CAN_INV_FILTER;
    }

  return TRUE;
}

static gboolean
apply_kernel_filters (CanopySocketcanBus  *self,
                      const CanopyFilter  *filters,
                      guint                n_filters,
                      gboolean            *software,
                      GError             **error)
{
  g_autofree struct can_filter *kernel = NULL;
  guint n_kernel = 0;
  gboolean match_all = n_filters == 0;

  *software = FALSE;

  if (n_filters > CAN_RAW_FILTER_MAX)
    {
      *software = TRUE;
      match_all = TRUE;
    }

  if (!match_all)
    {
      kernel = g_new0 (struct can_filter, n_filters);
      for (guint i = 0; i < n_filters && !match_all; i++)
        if (filter_to_kernel (&filters[i], &kernel[n_kernel], &match_all))
          n_kernel++;
    }

  if (match_all)
    {
      struct can_filter all = { .can_id = 0, .can_mask = 0 };

      if (setsockopt (self->sock, SOL_CAN_RAW, CAN_RAW_FILTER, &all, sizeof all) != 0)
        goto failed;
      return TRUE;
    }

  /* No filter can match: an empty list makes the kernel deliver nothing. */
  if (setsockopt (self->sock, SOL_CAN_RAW, CAN_RAW_FILTER,
                  n_kernel > 0 ? kernel : NULL, sizeof *kernel * n_kernel) != 0)
    goto failed;

  return TRUE;

failed:
  _canopy_socketcan_set_error_from_errno (error, errno, self->interface_name, "setting the filters");
  return FALSE;
}

gboolean
_canopy_socketcan_bus_set_filters (CanopyBus           *bus,
                                  const CanopyFilter  *filters,
                                  guint                n_filters,
                                  gboolean            *software,
                                  GError             **error)
{
  CanopySocketcanBus *self = CANOPY_SOCKETCAN_BUS (bus);
  gboolean ret;

  if (!_canopy_socketcan_bus_enter (self, error))
    return FALSE;

  ret = apply_kernel_filters (self, filters, n_filters, software, error);

  _canopy_socketcan_bus_leave (self);
  return ret;
}

/* Frames handed to the kernel belong to the device queue: SocketCAN offers
 * no way to take them back, as in python-can, so there is no
 * flush_tx_buffer. */

