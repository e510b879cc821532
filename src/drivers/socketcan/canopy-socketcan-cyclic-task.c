/* canopy-socketcan-cyclic-task.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <linux/can.h>
#include <linux/can/bcm.h>

#include "canopy-error.h"
#include "canopy-socketcan-bus.h"

#include "canopy-bus-private.h"
#include "canopy-cyclic-task-private.h"
#include "canopy-socketcan-bus-private.h"
#include "canopy-socketcan-cyclic-task-private.h"

/**
 * CanopySocketcanCyclicTask:
 *
 * A cyclic task of a [class@Canopy.SocketcanBus], run by the kernel's
 * broadcast manager (`CAN_BCM`): the kernel's high-resolution timer sends the
 * frames, so their timing does not depend on this process being scheduled.
 *
 * Each task owns a `CAN_BCM` socket with one transmission job: `TX_SETUP`
 * with `SETTIMER | STARTTIMER` starts it (the first frame at once, then
 * `count` frames `ival1` apart, then one every `ival2`),
 * [method@Canopy.CyclicTask.modify_data] replaces the frame with a
 * `TX_SETUP` that leaves the timer alone, and `TX_DELETE` stops it. A task
 * with a duration becomes a `count`-only job that the kernel ends by itself;
 * `TX_EXPIRED` then marks the task stopped.
 *
 * The kernel does not report how many frames it sent:
 * [property@Canopy.CyclicTask:sent] stays 0 for these tasks.
 */

struct _CanopySocketcanCyclicTask
{
  CanopyCyclicTask  parent_instance;

  /* Serialises start, stop and modify. */
  GMutex            lock;
  int               sock;        /* CAN_BCM, connected to the interface */
  int               wake_fd;     /* stops the watcher */
  GThread          *watcher;     /* waits for TX_EXPIRED of a counted job */

  guint32           can_id;      /* the job's identifier, with CAN_EFF_FLAG */
  guint32           job_flags;   /* TX_COUNTEVT and CAN_FD_FRAME of the job */
  gboolean          job_exists;  /* a job with can_id is in the kernel */
  int               active;      /* the timer runs (atomic) */
  gboolean          single_frame; /* a counted job of one frame */
  int               holds_ref;   /* a running job keeps the task alive (atomic) */
};

G_DEFINE_FINAL_TYPE (CanopySocketcanCyclicTask, canopy_socketcan_cyclic_task, CANOPY_TYPE_CYCLIC_TASK)

/* The broadcast manager rejects intervals of 400 days or more. */
#define MAX_INTERVAL (400.0 * 24 * 3600 - 1)

typedef struct
{
  struct bcm_msg_head head;
  struct canfd_frame  frame;
} BcmMessage;

static void
seconds_to_bcm_timeval (double              seconds,
                        struct bcm_timeval *tv)
{
  gint64 usec = (gint64) llround (seconds * G_USEC_PER_SEC);

  tv->tv_sec = usec / G_USEC_PER_SEC;
  tv->tv_usec = usec % G_USEC_PER_SEC;
}

static gboolean
write_bcm (CanopySocketcanCyclicTask  *self,
           const BcmMessage           *msg,
           gsize                       size,
           const char                 *what,
           GError                    **error)
{
  CanopyBus *bus = canopy_cyclic_task_get_bus (CANOPY_CYCLIC_TASK (self));
  const char *name = canopy_socketcan_bus_get_interface_name (CANOPY_SOCKETCAN_BUS (bus));
  ssize_t n;

  do
    n = write (self->sock, msg, size);
  while (n < 0 && errno == EINTR);

  if (n == (ssize_t) size)
    return TRUE;

  if (n < 0)
    _canopy_socketcan_set_error_from_errno (error, errno, name, what);
  else
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                 "CAN interface “%s”: the broadcast manager took %zd of %zu bytes (%s)",
                 name, n, size, what);
  return FALSE;
}

static gboolean
ensure_socket (CanopySocketcanCyclicTask  *self,
               GError                    **error)
{
  CanopySocketcanBus *bus = CANOPY_SOCKETCAN_BUS (canopy_cyclic_task_get_bus (CANOPY_CYCLIC_TASK (self)));
  const char *name = canopy_socketcan_bus_get_interface_name (bus);
  struct sockaddr_can addr;

  if (self->sock >= 0)
    return TRUE;

  self->sock = socket (PF_CAN, SOCK_DGRAM | SOCK_CLOEXEC, CAN_BCM);
  if (self->sock < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EPROTONOSUPPORT || saved_errno == EAFNOSUPPORT)
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                     "This system's kernel has no CAN broadcast manager (%s); load the can_bcm module",
                     g_strerror (saved_errno));
      else
        _canopy_socketcan_set_error_from_errno (error, saved_errno, name, "opening a CAN_BCM socket");
      return FALSE;
    }

  memset (&addr, 0, sizeof addr);
  addr.can_family = AF_CAN;
  addr.can_ifindex = _canopy_socketcan_bus_get_ifindex (bus);
  if (connect (self->sock, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno, name, "connecting the broadcast manager");
      close (self->sock);
      self->sock = -1;
      return FALSE;
    }

  return TRUE;
}

static void
release_running_ref (CanopySocketcanCyclicTask *self)
{
  if (g_atomic_int_compare_and_exchange (&self->holds_ref, TRUE, FALSE))
    g_object_unref (self);
}

static gpointer
watcher_thread (gpointer data)
{
  CanopySocketcanCyclicTask *self = data;
  struct pollfd fds[2] = {
    { .fd = self->wake_fd, .events = POLLIN },
    { .fd = self->sock, .events = POLLIN },
  };
  /* A job of one frame has no timer, hence no TX_EXPIRED: it is over once
   * its frame went out, which TX_SETUP did. */
  int timeout_ms = self->single_frame ? 0 : -1;

  for (;;)
    {
      BcmMessage msg;
      ssize_t n;
      int r;

      r = poll (fds, 2, timeout_ms);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return NULL;
        }
      if (fds[0].revents != 0)
        return NULL;
      if (r == 0)
        break;

      n = read (self->sock, &msg, sizeof msg);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0 || (n >= (ssize_t) sizeof msg.head && msg.head.opcode == TX_EXPIRED))
        break;
    }

  /* canopy_cyclic_task_start() marks the task running after our start()
   * returned; a short job can end before that. Let it, then mark the end. */
  for (guint i = 0; i < 1000 && !canopy_cyclic_task_is_running (CANOPY_CYCLIC_TASK (self)); i++)
    {
      if (poll (fds, 1, 1) > 0)
        return NULL;
    }

  /* The kernel sent the last frame of the job: the task ended by itself. */
  g_atomic_int_set (&self->active, FALSE);
  _canopy_cyclic_task_set_running (CANOPY_CYCLIC_TASK (self), FALSE);
  /* Last: this may dispose of the task, on this thread. */
  release_running_ref (self);

  return NULL;
}

static void
stop_watcher (CanopySocketcanCyclicTask *self)
{
  GThread *watcher = g_steal_pointer (&self->watcher);

  if (watcher == NULL)
    return;

  if (watcher == g_thread_self ())
    {
      /* Disposed by the watcher's own last unref: it ends right after. */
      g_thread_unref (watcher);
      return;
    }

  eventfd_write (self->wake_fd, 1);
  g_thread_join (watcher);

  /* Consume the wake-up for the next watcher. */
  {
    eventfd_t value;

    eventfd_read (self->wake_fd, &value);
  }
}

static void
delete_job_locked (CanopySocketcanCyclicTask *self)
{
  BcmMessage msg;

  if (!self->job_exists || self->sock < 0)
    return;

  memset (&msg.head, 0, sizeof msg.head);
  msg.head.opcode = TX_DELETE;
  msg.head.flags = self->job_flags & CAN_FD_FRAME;
  msg.head.can_id = self->can_id;

  /* Closing the socket would end the job as well: nothing to report. */
  write_bcm (self, &msg, sizeof msg.head, "stopping a cyclic task", NULL);
  self->job_exists = FALSE;
}

static gboolean
canopy_socketcan_cyclic_task_start (CanopyCyclicTask  *task,
                                    GError           **error)
{
  CanopySocketcanCyclicTask *self = CANOPY_SOCKETCAN_CYCLIC_TASK (task);
  CanopyMessage message;
  BcmMessage msg;
  double period, initial_period, duration;
  guint count;
  gsize mtu;
  gboolean counted;
  gboolean ret = FALSE;

  period = canopy_cyclic_task_get_period (task);
  initial_period = _canopy_cyclic_task_get_initial_period (task);
  duration = _canopy_cyclic_task_get_duration (task);
  count = _canopy_cyclic_task_get_count (task);
  _canopy_cyclic_task_get_message (task, &message);

  if (period > MAX_INTERVAL || initial_period > MAX_INTERVAL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "The kernel's broadcast manager takes periods below 400 days");
      return FALSE;
    }

  /* A task with a duration sends as many frames as fit in it, the first at
   * once, and the kernel ends the job after the last. */
  if (count == 0 && duration > 0 && period > 0)
    {
      double frames = ceil (duration / period - 1e-9);

      count = (guint) CLAMP (frames, 1, G_MAXUINT32);
      initial_period = period;
      period = 0;
    }
  else if (count == 0)
    initial_period = 0;

  counted = count > 0 && period == 0;

  g_mutex_lock (&self->lock);

  if (g_atomic_int_get (&self->active))
    {
      /* Running: python-can leaves a running task alone. */
      g_mutex_unlock (&self->lock);
      return TRUE;
    }

  stop_watcher (self);

  if (!_canopy_bus_check_open (canopy_cyclic_task_get_bus (task), error) ||
      !ensure_socket (self, error))
    goto out;

  /* A job that ended by itself, or one of the other frame kind, goes
   * first: the kernel keys jobs by identifier and kind. */
  delete_job_locked (self);

  mtu = _canopy_socketcan_message_to_frame (&message, &msg.frame);
  if (mtu == CANFD_MTU &&
      !canopy_socketcan_bus_get_fd_capable (CANOPY_SOCKETCAN_BUS (canopy_cyclic_task_get_bus (task))))
    {
      /* The broadcast manager would fail every frame without a word. */
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "CAN interface “%s” cannot carry CAN FD frames: its MTU is that of classic CAN",
                   canopy_socketcan_bus_get_interface_name (CANOPY_SOCKETCAN_BUS (canopy_cyclic_task_get_bus (task))));
      goto out;
    }

  memset (&msg.head, 0, sizeof msg.head);
  msg.head.opcode = TX_SETUP;
  msg.head.flags = SETTIMER | STARTTIMER;
  if (mtu == CANFD_MTU)
    msg.head.flags |= CAN_FD_FRAME;
  if (counted)
    msg.head.flags |= TX_COUNTEVT;
  msg.head.count = count;
  seconds_to_bcm_timeval (initial_period, &msg.head.ival1);
  seconds_to_bcm_timeval (period, &msg.head.ival2);
  msg.head.can_id = msg.frame.can_id;
  msg.head.nframes = 1;

  if (!write_bcm (self, &msg, sizeof msg.head + mtu, "starting a cyclic task", error))
    goto out;

  self->can_id = msg.head.can_id;
  self->job_flags = msg.head.flags & (TX_COUNTEVT | CAN_FD_FRAME);
  self->job_exists = TRUE;
  g_atomic_int_set (&self->active, TRUE);

  /* Like a generic task, a running job keeps its task (and bus) alive. */
  if (g_atomic_int_compare_and_exchange (&self->holds_ref, FALSE, TRUE))
    g_object_ref (self);

  self->single_frame = counted && count == 1;
  if (counted)
    self->watcher = g_thread_new ("canopy-bcm-watch", watcher_thread, self);

  ret = TRUE;

out:
  g_mutex_unlock (&self->lock);
  return ret;
}

static void
canopy_socketcan_cyclic_task_stop (CanopyCyclicTask *task)
{
  CanopySocketcanCyclicTask *self = CANOPY_SOCKETCAN_CYCLIC_TASK (task);
  g_autoptr(CanopySocketcanCyclicTask) hold = g_object_ref (self);

  g_mutex_lock (&self->lock);
  delete_job_locked (self);
  g_atomic_int_set (&self->active, FALSE);
  stop_watcher (self);
  g_mutex_unlock (&self->lock);

  release_running_ref (self);
}

static gboolean
canopy_socketcan_cyclic_task_modify (CanopyCyclicTask     *task,
                                     const CanopyMessage  *message,
                                     GError              **error)
{
  CanopySocketcanCyclicTask *self = CANOPY_SOCKETCAN_CYCLIC_TASK (task);
  BcmMessage msg;
  gsize mtu;
  gboolean ret = TRUE;

  g_mutex_lock (&self->lock);

  /* A stopped task sends the stored message when it starts again. */
  if (!self->job_exists)
    goto out;

  mtu = _canopy_socketcan_message_to_frame (message, &msg.frame);
  if ((mtu == CANFD_MTU) != !!(self->job_flags & CAN_FD_FRAME))
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           "A running broadcast manager task cannot switch between classic CAN and CAN FD: stop it first");
      ret = FALSE;
      goto out;
    }

  /* No SETTIMER or STARTTIMER: the kernel swaps the frame and leaves the
   * timer (and the remaining count) as it is. */
  memset (&msg.head, 0, sizeof msg.head);
  msg.head.opcode = TX_SETUP;
  msg.head.flags = self->job_flags;
  msg.head.can_id = self->can_id;
  msg.head.nframes = 1;

  ret = write_bcm (self, &msg, sizeof msg.head + mtu, "changing the data of a cyclic task", error);

out:
  g_mutex_unlock (&self->lock);
  return ret;
}

static void
canopy_socketcan_cyclic_task_dispose (GObject *object)
{
  CanopySocketcanCyclicTask *self = CANOPY_SOCKETCAN_CYCLIC_TASK (object);

  g_mutex_lock (&self->lock);
  delete_job_locked (self);
  g_atomic_int_set (&self->active, FALSE);
  stop_watcher (self);
  if (self->sock >= 0)
    close (self->sock);
  self->sock = -1;
  g_mutex_unlock (&self->lock);

  _canopy_cyclic_task_set_running (CANOPY_CYCLIC_TASK (self), FALSE);

  G_OBJECT_CLASS (canopy_socketcan_cyclic_task_parent_class)->dispose (object);
}

static void
canopy_socketcan_cyclic_task_finalize (GObject *object)
{
  CanopySocketcanCyclicTask *self = CANOPY_SOCKETCAN_CYCLIC_TASK (object);

  if (self->wake_fd >= 0)
    close (self->wake_fd);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (canopy_socketcan_cyclic_task_parent_class)->finalize (object);
}

static void
canopy_socketcan_cyclic_task_class_init (CanopySocketcanCyclicTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyCyclicTaskClass *task_class = CANOPY_CYCLIC_TASK_CLASS (klass);

  object_class->dispose = canopy_socketcan_cyclic_task_dispose;
  object_class->finalize = canopy_socketcan_cyclic_task_finalize;

  task_class->start = canopy_socketcan_cyclic_task_start;
  task_class->stop = canopy_socketcan_cyclic_task_stop;
  task_class->modify = canopy_socketcan_cyclic_task_modify;
}

static void
canopy_socketcan_cyclic_task_init (CanopySocketcanCyclicTask *self)
{
  g_mutex_init (&self->lock);
  self->sock = -1;
  self->wake_fd = eventfd (0, EFD_CLOEXEC);
}

GObject *
_canopy_socketcan_cyclic_task_send_periodic (CanopyBus            *bus,
                                             const CanopyMessage  *msg,
                                             guint                 count,
                                             double                initial_period,
                                             double                period,
                                             double                duration,
                                             GError              **error)
{
  g_autoptr(CanopySocketcanCyclicTask) task = NULL;

  if (!_canopy_bus_check_open (bus, error))
    return NULL;

  task = g_object_new (CANOPY_TYPE_SOCKETCAN_CYCLIC_TASK,
                       "bus", bus,
                       "message", msg,
                       "period", period,
                       "count", count,
                       "initial-period", initial_period,
                       "duration", duration,
                       NULL);

  if (task->wake_fd < 0)
    {
      _canopy_socketcan_set_error_from_errno (error, errno,
                                              canopy_socketcan_bus_get_interface_name (CANOPY_SOCKETCAN_BUS (bus)),
                                              "creating an eventfd");
      return NULL;
    }

  if (!canopy_cyclic_task_start (CANOPY_CYCLIC_TASK (task), error))
    return NULL;

  _canopy_socketcan_bus_track_task (CANOPY_SOCKETCAN_BUS (bus), G_OBJECT (task));

  return G_OBJECT (g_steal_pointer (&task));
}
