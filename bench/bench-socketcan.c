/* bench-socketcan.c — SocketCAN figures on a real kernel CAN stack:
 * frames/s from one bus through a vcan interface (or a vxcan pair) into a
 * Notifier, and the timing jitter of cyclic tasks in the kernel's broadcast
 * manager (CAN_BCM) against Canopy's generic scheduler thread, measured on a
 * raw socket with kernel timestamps.
 *
 * Run it where AF_CAN exists, e.g. in the vcan-vm guest:
 *
 *   ../shared/tools/vcan-vm/run -- build/bench/bench-socketcan
 *   ../shared/tools/vcan-vm/run --vxcan -- build/bench/bench-socketcan --tx vxcan0 --rx vxcan1
 *
 * Under the VM the CPU is emulated (TCG): the figures compare the two
 * schedulers with each other, they are no statement about real hardware.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/can.h>
#include <linux/can/raw.h>

#include <canopy.h>

#include "canopy-clock-private.h"

#include "bench-common.h"

/* Counts frames and those out of sequence; wakes counter_wait(). */
static void
count_in_sequence (BenchCounter        *self,
                   const CanopyMessage *msg)
{
  guint32 seq;

  memcpy (&seq, msg->data, sizeof seq);

  g_mutex_lock (&self->mutex);
  if (seq != self->next)
    self->out_of_order++;
  self->next = seq + 1;
  self->received++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* Waits until the listener has at least @count frames; FALSE after 5 s
 * without progress (frames dropped). */
static gboolean
counter_wait (BenchCounter *self,
              guint64       count)
{
  gboolean ok = TRUE;

  g_mutex_lock (&self->mutex);
  while (self->received < count)
    {
      guint64 before = self->received;
      gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      if (!g_cond_wait_until (&self->cond, &self->mutex, end) && self->received == before)
        {
          ok = FALSE;
          break;
        }
    }
  g_mutex_unlock (&self->mutex);

  return ok;
}

static CanopyBus *
open_bus (const char *ifname)
{
  g_autoptr(GError) error = NULL;
  CanopyBus *bus = canopy_bus_new ("socketcan", ifname, NULL, &error);

  if (bus == NULL)
    {
      g_printerr ("bench-socketcan: %s\n", error->message);
      exit (1);
    }
  return bus;
}

static void
bench_throughput (const char *tx_name,
                  const char *rx_name,
                  guint       n_frames,
                  guint       window,
                  gboolean    fd)
{
  g_autoptr(CanopyBus) tx = open_bus (tx_name);
  g_autoptr(CanopyBus) rx = open_bus (rx_name);
  g_autoptr(BenchCounter) counter = bench_counter_new (count_in_sequence);
  g_autoptr(CanopyNotifier) notifier = NULL;
  g_autoptr(GError) error = NULL;
  CanopyBus *buses[1] = { rx };
  CanopyListener *listeners[1] = { CANOPY_LISTENER (counter) };
  guint8 data[64] = { 0 };
  CanopyMessage msg;
  gint64 start, elapsed;
  gboolean complete = TRUE;

  notifier = canopy_notifier_new (buses, 1, listeners, 1);

  canopy_message_init (&msg, 0x123, FALSE, data, fd ? 64 : 8);
  canopy_message_set_fd (&msg, fd);

  start = _canopy_clock_monotonic_ns ();
  for (guint32 i = 0; i < n_frames; i++)
    {
      memcpy (msg.data, &i, sizeof i);
      if (!canopy_bus_send (tx, &msg, 1.0, &error))
        {
          g_printerr ("bench-socketcan: %s\n", error->message);
          exit (1);
        }
      /* Keep at most @window frames in flight: the receiver's socket
       * buffer, not the sender, sets the pace. */
      if (i >= window && !counter_wait (counter, i - window + 1))
        {
          complete = FALSE;
          break;
        }
    }
  if (complete)
    complete = counter_wait (counter, n_frames);
  elapsed = _canopy_clock_monotonic_ns () - start;

  canopy_notifier_stop (notifier, 5);

  printf ("  %-9s %s -> %s: %7" G_GUINT64_FORMAT " frames in %.3f s = %9.0f frames/s"
          "  (window %u, out of order %" G_GUINT64_FORMAT ", dropped by the kernel %" G_GUINT64_FORMAT "%s)\n",
          fd ? "FD 64 B" : "classic 8", tx_name, rx_name, counter->received, elapsed / 1e9,
          counter->received / (elapsed / 1e9), window, counter->out_of_order,
          canopy_socketcan_bus_get_dropped (CANOPY_SOCKETCAN_BUS (rx)),
          complete ? "" : ", INCOMPLETE");
}

static int
raw_open (const char *ifname)
{
  struct sockaddr_can addr = { .can_family = AF_CAN };
  const int one = 1;
  int sock = socket (PF_CAN, SOCK_RAW, CAN_RAW);

  if (sock < 0)
    {
      perror ("bench-socketcan: socket(PF_CAN)");
      exit (1);
    }
  addr.can_ifindex = if_nametoindex (ifname);
  setsockopt (sock, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof one);
  setsockopt (sock, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  if (bind (sock, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      perror ("bench-socketcan: bind");
      exit (1);
    }
  return sock;
}

/* Kernel receive timestamps of the next @n frames with @id. */
static gboolean
raw_collect (int      sock,
             canid_t  id,
             guint    n,
             gint64  *stamps)
{
  struct timeval tv = { .tv_sec = 3 };

  setsockopt (sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  for (guint i = 0; i < n; )
    {
      struct canfd_frame frame;
      struct iovec iov = { .iov_base = &frame, .iov_len = sizeof frame };
      char control[CMSG_SPACE (sizeof (struct timespec))];
      struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof control,
      };

      if (recvmsg (sock, &mh, 0) < 0)
        return FALSE;
      if (frame.can_id != id)
        continue;
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
          {
            struct timespec ts;

            memcpy (&ts, CMSG_DATA (c), sizeof ts);
            stamps[i] = (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
          }
      i++;
    }
  return TRUE;
}

static void
bench_jitter (const char *ifname,
              const char *scheduler,
              double      period,
              guint       n)
{
  g_autoptr(CanopyBus) bus = open_bus (ifname);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *stamps = g_new0 (gint64, n + 1);
  g_autofree gint64 *dev = g_new0 (gint64, n);
  const canid_t id = 0x2A0;
  CanopyMessage msg;
  double sum = 0, sum_sq = 0, mean, sd;
  gint64 period_ns = (gint64) llround (period * 1e9);
  gint64 p50, p99, max;
  int sock = raw_open (ifname);

  canopy_message_init (&msg, id, FALSE, (const guint8 *) "jitter!!", 8);

  if (g_str_equal (scheduler, "bcm"))
    task = canopy_bus_send_periodic (bus, &msg, period, 0, &error);
  else
    {
      /* Canopy's own scheduler thread, sending through the same raw bus. */
      task = g_object_new (CANOPY_TYPE_CYCLIC_TASK,
                           "bus", bus, "message", &msg, "period", period, NULL);
      if (!canopy_cyclic_task_start (task, &error))
        g_clear_object (&task);
    }
  if (task == NULL)
    {
      g_printerr ("bench-socketcan: %s\n", error->message);
      exit (1);
    }

  if (!raw_collect (sock, id, n + 1, stamps))
    {
      g_printerr ("bench-socketcan: frames stopped coming\n");
      exit (1);
    }
  canopy_cyclic_task_stop (task);
  close (sock);

  for (guint i = 0; i < n; i++)
    {
      gint64 interval = stamps[i + 1] - stamps[i];

      sum += interval;
      sum_sq += (double) interval * interval;
      dev[i] = llabs (interval - period_ns);
    }
  mean = sum / n;
  sd = sqrt (MAX (0, sum_sq / n - mean * mean));
  bench_sort_summary (dev, n, &p50, &p99, &max);

  printf ("  %-7s period %6.3f ms: mean %8.3f ms, sd %7.3f ms, |error| median %7.3f ms, p99 %7.3f ms, max %7.3f ms"
          " (%u intervals)\n",
          scheduler, period * 1e3, mean / 1e6, sd / 1e6,
          p50 / 1e6, p99 / 1e6, max / 1e6, n);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tx_name = NULL;
  g_autofree char *rx_name = NULL;
  int frames = 20000;
  int intervals = 500;
  gboolean skip_throughput = FALSE;
  gboolean skip_jitter = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "tx", 0, 0, G_OPTION_ARG_STRING, &tx_name, "Interface to send on (vcan0)", "IF" },
    { "rx", 0, 0, G_OPTION_ARG_STRING, &rx_name, "Interface to receive on (as --tx)", "IF" },
    { "frames", 'n', 0, G_OPTION_ARG_INT, &frames, "Frames per throughput run (20000)", "N" },
    { "intervals", 0, 0, G_OPTION_ARG_INT, &intervals, "Intervals per jitter run (500)", "N" },
    { "no-throughput", 0, 0, G_OPTION_ARG_NONE, &skip_throughput, "Skip the throughput runs", NULL },
    { "no-jitter", 0, 0, G_OPTION_ARG_NONE, &skip_jitter, "Skip the jitter runs", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— SocketCAN throughput and cyclic-task jitter");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-socketcan: %s\n", error->message);
      return 2;
    }
  if (tx_name == NULL)
    tx_name = g_strdup ("vcan0");
  if (rx_name == NULL)
    rx_name = g_strdup (tx_name);

  printf ("bench-socketcan (%s)\n",
          g_getenv ("VCAN_VM") ? "vcan-vm guest: emulated CPU (QEMU TCG), relative figures only" : "native");

  if (!skip_throughput)
    {
      printf ("Throughput: bus.send() -> kernel -> Notifier -> listener\n");
      bench_throughput (tx_name, rx_name, frames, 100, FALSE);
      bench_throughput (tx_name, rx_name, frames, 100, TRUE);
    }

  if (!skip_jitter)
    {
      printf ("Cyclic task timing, kernel timestamps on a raw socket\n");
      bench_jitter (tx_name, "bcm", 0.010, intervals);
      bench_jitter (tx_name, "generic", 0.010, intervals);
      bench_jitter (tx_name, "bcm", 0.001, intervals);
      bench_jitter (tx_name, "generic", 0.001, intervals);
    }

  return 0;
}
