/* test-socketcan-bcm.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Cyclic tasks of a SocketCAN bus, run by the kernel's broadcast manager
 * (CAN_BCM), observed on a plain CAN_RAW socket with kernel timestamps.
 * Run inside the vcan-vm guest. The guest CPU is emulated (TCG): timing
 * checks use medians and wide bounds, as the vcan-vm README advises.
 */

#include "config.h"

#include "socketcan-test-util.h"

#define MS G_GINT64_CONSTANT (1000000)

/* Receives @n frames of @id from @raw, storing their kernel timestamps and
 * first data byte. */
static void
collect (int      raw,
         guint32  id,
         guint    n,
         gint64  *stamps,
         guint8  *first_bytes)
{
  for (guint i = 0; i < n; )
    {
      struct canfd_frame frame;
      gint64 ts;

      g_assert_true (raw_socket_recv (raw, &frame, &ts, 3000));
      if ((frame.can_id & CAN_EFF_MASK) != id)
        continue;
      stamps[i] = ts;
      if (first_bytes != NULL)
        first_bytes[i] = frame.data[0];
      i++;
    }
}

static void
drain_raw (int raw)
{
  struct canfd_frame frame;
  gint64 ts;

  while (raw_socket_recv (raw, &frame, &ts, 1))
    ;
}

static void
log_intervals (const char   *what,
               const gint64 *stamps,
               guint         n)
{
  g_autofree gint64 *intervals = g_new (gint64, n - 1);
  gint64 sum = 0, min = G_MAXINT64, max = 0;

  for (guint i = 1; i < n; i++)
    {
      intervals[i - 1] = stamps[i] - stamps[i - 1];
      sum += intervals[i - 1];
      min = MIN (min, intervals[i - 1]);
      max = MAX (max, intervals[i - 1]);
    }
  g_test_message ("%s: %u intervals, median %.3f ms, mean %.3f ms, min %.3f ms, max %.3f ms (TCG guest)",
                  what, n - 1, median_ns (intervals, n - 1) / 1e6, sum / (n - 1) / 1e6, min / 1e6, max / 1e6);
}

static void
test_period (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 data[] = { 0x11, 0x22 };
  const guint n = 51;
  gint64 stamps[51], intervals[50];
  struct canfd_frame frame;
  CanopyMessage msg;
  gint64 ts;
  int raw = raw_socket_open ("vcan0", TRUE);

  canopy_message_init (&msg, 0x100, FALSE, data, sizeof data);
  task = canopy_bus_send_periodic (bus, &msg, 0.010, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (task);
  /* The kernel runs it, not Canopy's scheduler thread. */
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (task), ==, "CanopySocketcanCyclicTask");
  g_assert_true (canopy_cyclic_task_is_running (task));
  g_assert_cmpfloat (canopy_cyclic_task_get_period (task), ==, 0.010);

  collect (raw, 0x100, n, stamps, NULL);
  for (guint i = 1; i < n; i++)
    intervals[i - 1] = stamps[i] - stamps[i - 1];
  log_intervals ("BCM 10 ms", stamps, n);
  g_assert_cmpint (median_ns (intervals, n - 1), >=, 9 * MS);
  g_assert_cmpint (median_ns (intervals, n - 1), <=, 15 * MS);

  /* Nothing after stop(). */
  canopy_cyclic_task_stop (task);
  g_assert_false (canopy_cyclic_task_is_running (task));
  drain_raw (raw);
  g_assert_false (raw_socket_recv (raw, &frame, &ts, 100));

  /* start() again: the first frame at once, then the period. */
  g_assert_true (canopy_cyclic_task_start (task, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_cyclic_task_is_running (task));
  collect (raw, 0x100, 3, stamps, NULL);
  canopy_cyclic_task_stop (task);

  close (raw);
}

static void
test_multirate (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gint64 stamps[9];
  CanopyMessage msg;
  int raw = raw_socket_open ("vcan0", TRUE);

  /* 5 frames 5 ms apart (the first at once), then every 60 ms. */
  canopy_message_init (&msg, 0x1234567, TRUE, NULL, 0);
  task = canopy_bus_send_periodic_multirate (bus, &msg, 5, 0.005, 0.060, &error);
  g_assert_no_error (error);

  collect (raw, 0x1234567, 9, stamps, NULL);
  canopy_cyclic_task_stop (task);
  log_intervals ("multi-rate, all", stamps, 9);

  for (guint i = 1; i < 5; i++)
    g_assert_cmpint (stamps[i] - stamps[i - 1], <, 30 * MS);
  for (guint i = 5; i < 9; i++)
    g_assert_cmpint (stamps[i] - stamps[i - 1], >=, 55 * MS);

  close (raw);
}

static void
test_multirate_then_end (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gint64 stamps[3];
  struct canfd_frame frame;
  CanopyMessage msg;
  gint64 ts;
  int raw = raw_socket_open ("vcan0", TRUE);

  /* A subsequent period of 0: three frames, then the kernel ends the job
   * and the task reports it stopped. */
  canopy_message_init (&msg, 0x321, FALSE, NULL, 0);
  task = canopy_bus_send_periodic_multirate (bus, &msg, 3, 0.010, 0, &error);
  g_assert_no_error (error);

  collect (raw, 0x321, 3, stamps, NULL);
  g_assert_false (raw_socket_recv (raw, &frame, &ts, 200));
  for (guint i = 0; i < 200 && canopy_cyclic_task_is_running (task); i++)
    g_usleep (10 * 1000);
  g_assert_false (canopy_cyclic_task_is_running (task));

  close (raw);
}

static void
test_duration (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gint64 stamps[6];
  struct canfd_frame frame;
  CanopyMessage msg;
  gint64 ts;
  int raw = raw_socket_open ("vcan0", TRUE);

  /* 55 ms at 10 ms: frames at 0, 10, … 50 ms, six in all. */
  canopy_message_init (&msg, 0x322, FALSE, NULL, 0);
  task = canopy_bus_send_periodic (bus, &msg, 0.010, 0.055, &error);
  g_assert_no_error (error);

  collect (raw, 0x322, 6, stamps, NULL);
  g_assert_false (raw_socket_recv (raw, &frame, &ts, 200));
  for (guint i = 0; i < 200 && canopy_cyclic_task_is_running (task); i++)
    g_usleep (10 * 1000);
  g_assert_false (canopy_cyclic_task_is_running (task));

  /* A duration shorter than the period: one frame. */
  g_clear_object (&task);
  task = canopy_bus_send_periodic (bus, &msg, 0.5, 0.1, &error);
  g_assert_no_error (error);
  collect (raw, 0x322, 1, stamps, NULL);
  g_assert_false (raw_socket_recv (raw, &frame, &ts, 300));
  for (guint i = 0; i < 200 && canopy_cyclic_task_is_running (task); i++)
    g_usleep (10 * 1000);
  g_assert_false (canopy_cyclic_task_is_running (task));

  close (raw);
}

static void
test_modify_data (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyMessage) current = NULL;
  const guint8 before[] = { 0x00, 0x01 };
  const guint8 after[] = { 0xAA, 0xBB, 0xCC };
  gint64 stamps[20];
  guint8 first[20];
  CanopyMessage msg, other;
  guint change = 0;
  int raw = raw_socket_open ("vcan0", TRUE);

  canopy_message_init (&msg, 0x300, FALSE, before, sizeof before);
  task = canopy_bus_send_periodic (bus, &msg, 0.040, 0, &error);
  g_assert_no_error (error);

  /* Change the data right after a frame went out: a restarted timer would
   * send the next frame at once, an untouched one a period later. */
  collect (raw, 0x300, 3, stamps, first);
  g_assert_true (canopy_cyclic_task_modify_data (task, after, sizeof after, &error));
  g_assert_no_error (error);
  collect (raw, 0x300, 5, stamps + 3, first + 3);
  canopy_cyclic_task_stop (task);
  log_intervals ("modify_data at 40 ms", stamps, 8);

  for (guint i = 0; i < 8; i++)
    if (first[i] == 0xAA && change == 0)
      change = i;
  g_assert_cmpuint (change, >=, 3);
  for (guint i = change; i < 8; i++)
    g_assert_cmpuint (first[i], ==, 0xAA);
  g_test_message ("new data from frame %u, %.3f ms after the previous one",
                  change, (stamps[change] - stamps[change - 1]) / 1e6);
  g_assert_cmpint (stamps[change] - stamps[change - 1], >=, 30 * MS);

  current = canopy_cyclic_task_dup_message (task);
  g_assert_cmpuint (current->dlc, ==, sizeof after);

  /* The identifier of a task does not change. */
  canopy_message_init (&other, 0x301, FALSE, after, sizeof after);
  g_assert_false (canopy_cyclic_task_modify_message (task, &other, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);

  close (raw);
}

static void
test_fd_task (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  guint8 data[64];
  CanopyMessage msg;
  struct canfd_frame frame;
  gint64 ts;
  int raw = raw_socket_open ("vcan0", TRUE);

  for (guint i = 0; i < sizeof data; i++)
    data[i] = i;
  canopy_message_init (&msg, 0x18FF0001, TRUE, data, sizeof data);
  canopy_message_set_fd (&msg, TRUE);
  canopy_message_set_bitrate_switch (&msg, TRUE);
  task = canopy_bus_send_periodic (bus, &msg, 0.02, 0, &error);
  g_assert_no_error (error);

  for (guint n = 0; n < 3; )
    {
      g_assert_true (raw_socket_recv (raw, &frame, &ts, 3000));
      if (frame.can_id != (0x18FF0001 | CAN_EFF_FLAG))
        continue;
      g_assert_cmpuint (frame.len, ==, 64);
      g_assert_true (frame.flags & CANFD_BRS);
      g_assert_cmpmem (frame.data, 64, data, 64);
      n++;
    }

  /* A running job keeps its kind. */
  canopy_message_set_fd (&msg, FALSE);
  canopy_message_set_bitrate_switch (&msg, FALSE);
  canopy_message_set_dlc (&msg, 8);
  g_assert_false (canopy_cyclic_task_modify_message (task, &msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);

  canopy_cyclic_task_stop (task);
  close (raw);
}

static void
test_shutdown_stops_tasks (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(GError) error = NULL;
  CanopyCyclicTask *task;
  GWeakRef weak;
  struct canfd_frame frame;
  CanopyMessage msg;
  gint64 stamps[2], ts;
  int raw = raw_socket_open ("vcan0", TRUE);

  /* Dropping the last reference does not stop a running task… */
  canopy_message_init (&msg, 0x444, FALSE, NULL, 0);
  task = canopy_bus_send_periodic (bus, &msg, 0.010, 0, &error);
  g_assert_no_error (error);
  g_weak_ref_init (&weak, task);
  g_object_unref (task);
  collect (raw, 0x444, 2, stamps, NULL);

  /* …shutting its bus down does, and frees it. */
  canopy_bus_shutdown (bus);
  drain_raw (raw);
  while (raw_socket_recv (raw, &frame, &ts, 100))
    g_assert_cmphex (frame.can_id, !=, 0x444);
  task = g_weak_ref_get (&weak);
  g_assert_null (task);
  g_weak_ref_clear (&weak);

  /* A shut-down bus starts no task. */
  task = canopy_bus_send_periodic (bus, &msg, 0.010, 0, &error);
  g_assert_null (task);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);

  close (raw);
}

int
main (int   argc,
      char *argv[])
{
  if (socketcan_test_should_skip ())
    return 0;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/socketcan/bcm/period", test_period);
  g_test_add_func ("/socketcan/bcm/multirate", test_multirate);
  g_test_add_func ("/socketcan/bcm/multirate-then-end", test_multirate_then_end);
  g_test_add_func ("/socketcan/bcm/duration", test_duration);
  g_test_add_func ("/socketcan/bcm/modify-data", test_modify_data);
  g_test_add_func ("/socketcan/bcm/fd", test_fd_task);
  g_test_add_func ("/socketcan/bcm/shutdown-stops-tasks", test_shutdown_stops_tasks);

  return g_test_run ();
}
