/* socketcan-test-util.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the SocketCAN test programs, which run inside the vcan-vm VM
 * (a real kernel CAN stack with vcan0 and vcan1 up): plain CAN_RAW sockets
 * to check the driver against the kernel, interface up/down, and the
 * start-up that refuses to skip silently.
 */

#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/can.h>
#include <linux/can/raw.h>

#include <canopy.h>

#include "canopy-test-bus.h"

/* Returns from main() early when the test cannot run here. Inside the VM
 * (VCAN_VM set) nothing may be skipped: a missing AF_CAN is a failure. */
static inline gboolean
socketcan_test_should_skip (void)
{
  const char *reason = g_getenv ("CANOPY_SOCKETCAN_SKIP");
  const char *broken = g_getenv ("CANOPY_SOCKETCAN_BROKEN");
  int sock;

  if (broken != NULL)
    {
      printf ("Bail out! %s\n", broken);
      exit (1);
    }

  if (reason != NULL)
    {
      printf ("1..0 # SKIP %s\n", reason);
      return TRUE;
    }

  sock = socket (PF_CAN, SOCK_RAW, CAN_RAW);
  if (sock >= 0)
    {
      close (sock);
      return FALSE;
    }

  if (g_getenv ("VCAN_VM") != NULL)
    {
      printf ("Bail out! AF_CAN is missing inside the vcan-vm guest: %s\n", g_strerror (errno));
      exit (1);
    }

  printf ("1..0 # SKIP this kernel has no AF_CAN (%s): run the test through "
          "../shared/tools/vcan-vm/run, as `meson test --suite socketcan` does\n",
          g_strerror (errno));
  return TRUE;
}

static inline int
raw_socket_open (const char *ifname,
                 gboolean    fd_frames)
{
  struct sockaddr_can addr = { .can_family = AF_CAN };
  const int one = 1;
  struct timeval tv = { .tv_sec = 2 };
  int sock;

  sock = socket (PF_CAN, SOCK_RAW, CAN_RAW);
  g_assert_cmpint (sock, >=, 0);
  addr.can_ifindex = if_nametoindex (ifname);
  g_assert_cmpint (addr.can_ifindex, >, 0);
  if (fd_frames)
    g_assert_cmpint (setsockopt (sock, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof one), ==, 0);
  g_assert_cmpint (setsockopt (sock, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one), ==, 0);
  /* A receive that never comes fails the test instead of hanging it. */
  g_assert_cmpint (setsockopt (sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), ==, 0);
  g_assert_cmpint (bind (sock, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  return sock;
}

static inline void
raw_socket_send (int                       sock,
                 const struct canfd_frame *frame,
                 gsize                     mtu)
{
  g_assert_cmpint (write (sock, frame, mtu), ==, (gssize) mtu);
}

/* Receives one frame with its kernel timestamp; FALSE on timeout. */
static inline gboolean
raw_socket_recv (int                 sock,
                 struct canfd_frame *frame,
                 gint64             *timestamp_ns,
                 int                 timeout_ms)
{
  struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
  struct iovec iov = { .iov_base = frame, .iov_len = sizeof *frame };
  char control[CMSG_SPACE (sizeof (struct timespec))];
  struct msghdr mh = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control,
    .msg_controllen = sizeof control,
  };
  ssize_t n;

  g_assert_cmpint (setsockopt (sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), ==, 0);
  n = recvmsg (sock, &mh, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return FALSE;
  g_assert_cmpint (n, >, 0);

  *timestamp_ns = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
      {
        struct timespec ts;

        memcpy (&ts, CMSG_DATA (c), sizeof ts);
        *timestamp_ns = (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
      }
  return TRUE;
}

static inline void
set_interface_up (const char *ifname,
                  gboolean    up)
{
  struct ifreq ifr;
  int sock = socket (AF_INET, SOCK_DGRAM, 0);

  g_assert_cmpint (sock, >=, 0);
  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, ifname, sizeof ifr.ifr_name);
  g_assert_cmpint (ioctl (sock, SIOCGIFFLAGS, &ifr), ==, 0);
  if (up)
    ifr.ifr_flags |= IFF_UP;
  else
    ifr.ifr_flags &= ~IFF_UP;
  g_assert_cmpint (ioctl (sock, SIOCSIFFLAGS, &ifr), ==, 0);
  close (sock);
}

static inline void
set_interface_mtu (const char *ifname,
                   int         mtu)
{
  struct ifreq ifr;
  int sock = socket (AF_INET, SOCK_DGRAM, 0);

  g_assert_cmpint (sock, >=, 0);
  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, ifname, sizeof ifr.ifr_name);
  ifr.ifr_mtu = mtu;
  g_assert_cmpint (ioctl (sock, SIOCSIFMTU, &ifr), ==, 0);
  close (sock);
}

static inline CanopyBus *
open_socketcan (const char *ifname,
                const char *key,
                const char *value)
{
  CanopyBus *bus = canopy_test_open_bus ("socketcan", ifname, key, value);

  g_assert_true (CANOPY_IS_SOCKETCAN_BUS (bus));
  return bus;
}

static inline int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static inline gint64
median_ns (const gint64 *values,
           guint         n)
{
  g_autofree gint64 *sorted = g_memdup2 (values, sizeof *values * n);

  g_assert_cmpuint (n, >, 0);
  qsort (sorted, n, sizeof *sorted, compare_gint64);
  return sorted[n / 2];
}
