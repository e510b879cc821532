/* test-cyclic.c — the broadcast manager: cyclic tasks on the generic scheduler
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * No assertion here depends on how fast the machine is: counts are checked
 * against what the schedule allows for the time that actually passed
 * (measured around the calls), and frames against their content and order.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <canopy.h>

#include "canopy-bus-private.h"
#include "canopy-cyclic-task-private.h"

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)

static gint64
now_ns (void)
{
  return g_get_monotonic_time () * 1000;
}

typedef struct
{
  CanopyBus *tx;
  CanopyBus *rx;
} Pair;

static void
pair_open (Pair       *pair,
           const char *channel)
{
  pair->tx = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
  pair->rx = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
}

static void
pair_close (Pair *pair)
{
  canopy_bus_shutdown (pair->tx);
  canopy_bus_shutdown (pair->rx);
  g_clear_object (&pair->tx);
  g_clear_object (&pair->rx);
}

static guint
drain (CanopyBus *bus,
       guint32    id)
{
  CanopyMessage msg;
  guint n = 0;

  while (canopy_bus_recv_into (bus, &msg, 0, NULL))
    if (msg.arbitration_id == id)
      n++;

  return n;
}

static void
recv_ok (CanopyBus     *bus,
         CanopyMessage *msg)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = canopy_bus_recv_into (bus, msg, 10.0, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

/* The most frames a plain task may have accounted for (sent or missed)
 * after @elapsed_ns: one at the start, then one per period. */
static guint64
max_slots (gint64 elapsed_ns,
           gint64 period_ns)
{
  return elapsed_ns / period_ns + 1;
}

static void
test_period (void)
{
  static const guint8 payload[] = { 0xde, 0xad, 0xbe, 0xef };
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got;
  Pair pair;
  gint64 t0, elapsed;
  guint64 sent, missed, received;

  pair_open (&pair, "cyclic-period");
  canopy_message_init (&msg, 0x123, FALSE, payload, sizeof payload);

  t0 = now_ns ();
  task = canopy_bus_send_periodic (pair.tx, &msg, 0.010, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (task);
  g_assert_true (canopy_cyclic_task_is_running (task));
  g_assert_cmpfloat_with_epsilon (canopy_cyclic_task_get_period (task), 0.010, 1e-12);
  g_assert_true (canopy_cyclic_task_get_bus (task) == pair.tx);

  /* The first frame goes out at once, with the right content. */
  recv_ok (pair.rx, &got);
  g_assert_cmphex (got.arbitration_id, ==, 0x123);
  g_assert_cmpuint (got.dlc, ==, 4);
  g_assert_cmpmem (got.data, got.dlc, payload, sizeof payload);
  received = 1;

  g_usleep (300 * 1000);
  canopy_cyclic_task_stop (task);
  elapsed = now_ns () - t0;
  g_assert_false (canopy_cyclic_task_is_running (task));

  sent = canopy_cyclic_task_get_sent (task);
  missed = canopy_cyclic_task_get_missed (task);
  received += drain (pair.rx, 0x123);

  /* Every frame sent arrived; the schedule never ran ahead of the clock
   * (no bursts); and it kept going (30 periods passed). */
  g_assert_cmpuint (received, ==, sent);
  g_assert_cmpuint (sent + missed, <=, max_slots (elapsed, 10 * 1000 * 1000));
  g_assert_cmpuint (sent, >=, 5);

  /* Nothing after stop() returned. */
  g_usleep (50 * 1000);
  g_assert_cmpuint (drain (pair.rx, 0x123), ==, 0);
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task), ==, sent);

  pair_close (&pair);
}

static void
test_multirate (void)
{
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(CanopyCyclicTask) once = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got;
  Pair pair;
  gint64 t0, elapsed;
  guint64 sent, missed;

  pair_open (&pair, "cyclic-multirate");
  canopy_message_init (&msg, 0x321, FALSE, (const guint8 *) "\x01\x02", 2);

  /* 10 frames 1 ms apart, then one every 10 s: exactly 10 in this test
   * (a late scheduler may skip some of them, but never sends more). */
  task = canopy_bus_send_periodic_multirate (pair.tx, &msg, 10, 0.001, 10.0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 10; i++)
    {
      if (i + canopy_cyclic_task_get_missed (task) >= 10)
        break;
      recv_ok (pair.rx, &got);
      g_assert_cmphex (got.arbitration_id, ==, 0x321);
    }
  g_usleep (100 * 1000);
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task) + canopy_cyclic_task_get_missed (task), ==, 10);
  g_assert_true (canopy_cyclic_task_is_running (task));
  canopy_cyclic_task_stop (task);
  drain (pair.rx, 0x321);

  /* Count frames at 2 ms, then every 20 ms. */
  g_clear_object (&task);
  t0 = now_ns ();
  task = canopy_bus_send_periodic_multirate (pair.tx, &msg, 5, 0.002, 0.020, &error);
  g_assert_no_error (error);
  g_usleep (200 * 1000);
  canopy_cyclic_task_stop (task);
  elapsed = now_ns () - t0;
  sent = canopy_cyclic_task_get_sent (task);
  missed = canopy_cyclic_task_get_missed (task);
  g_assert_cmpuint (drain (pair.rx, 0x321), ==, sent);
  /* 5 frames within the first 8 ms, then one per 20 ms. */
  g_assert_cmpuint (sent + missed, <=, 5 + MAX (0, elapsed - 8 * 1000 * 1000) / (20 * 1000 * 1000));
  g_assert_cmpuint (sent + missed, >, 5);

  /* Without a subsequent period the task ends after its count. */
  once = canopy_bus_send_periodic_multirate (pair.tx, &msg, 3, 0.001, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && canopy_cyclic_task_is_running (once); i++)
    g_usleep (10 * 1000);
  g_assert_false (canopy_cyclic_task_is_running (once));
  g_assert_cmpuint (canopy_cyclic_task_get_sent (once) + canopy_cyclic_task_get_missed (once), ==, 3);
  g_assert_cmpuint (drain (pair.rx, 0x321), ==, canopy_cyclic_task_get_sent (once));

  pair_close (&pair);
}

static void
test_modify_data (void)
{
  static const guint8 ones[] = { 1, 1, 1, 1 };
  static const guint8 changed[] = { 0x99, 1, 1, 1 };
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(CanopyMessage) current = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got, other;
  Pair pair;
  gint64 t0, elapsed;
  guint n_old = 0, n_new = 0;
  gboolean ok;

  pair_open (&pair, "cyclic-modify");
  canopy_message_init (&msg, 0x0cf02200, TRUE, ones, sizeof ones);

  t0 = now_ns ();
  task = canopy_bus_send_periodic (pair.tx, &msg, 0.005, 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmpmem (got.data, got.dlc, ones, sizeof ones);
    }

  ok = canopy_cyclic_task_modify_data (task, changed, sizeof changed, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  current = canopy_cyclic_task_dup_message (task);
  g_assert_cmpmem (current->data, current->dlc, changed, sizeof changed);
  g_assert_true (canopy_message_is_extended (current));

  /* The old payload may still be in the queue; once the new one shows,
   * the old one never comes back. */
  while (n_new < 5)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmphex (got.arbitration_id, ==, 0x0cf02200);
      g_assert_true (got.flags & CANOPY_MESSAGE_EXTENDED);
      if (memcmp (got.data, changed, sizeof changed) == 0)
        n_new++;
      else
        {
          g_assert_cmpuint (n_new, ==, 0);
          g_assert_cmpmem (got.data, got.dlc, ones, sizeof ones);
          n_old++;
        }
    }

  /* A different arbitration id is refused (python-can does as well). */
  canopy_message_init (&other, 0x100, FALSE, ones, sizeof ones);
  ok = canopy_cyclic_task_modify_message (task, &other, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_false (ok);
  g_clear_error (&error);

  /* So is a length CAN cannot carry. */
  ok = canopy_cyclic_task_modify_data (task, (const guint8 *) "123456789", 9, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_false (ok);
  g_clear_error (&error);

  /* Modifying kept the schedule: still never ahead of the clock since the
   * original start. */
  canopy_cyclic_task_stop (task);
  elapsed = now_ns () - t0;
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task) + canopy_cyclic_task_get_missed (task),
                    <=, max_slots (elapsed, 5 * 1000 * 1000));

  pair_close (&pair);
}

static void
test_stop_start (void)
{
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got;
  Pair pair;
  guint64 sent;
  gboolean ok;

  pair_open (&pair, "cyclic-stop-start");
  canopy_message_init (&msg, 0x200, FALSE, (const guint8 *) "\0\0\0\0\0\0", 6);

  task = canopy_bus_send_periodic (pair.tx, &msg, 0.005, 0, &error);
  g_assert_no_error (error);
  recv_ok (pair.rx, &got);
  recv_ok (pair.rx, &got);

  canopy_cyclic_task_stop (task);
  g_assert_false (canopy_cyclic_task_is_running (task));
  sent = canopy_cyclic_task_get_sent (task);
  drain (pair.rx, 0x200);
  g_usleep (60 * 1000);
  g_assert_cmpuint (drain (pair.rx, 0x200), ==, 0);
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task), ==, sent);

  /* Stopping twice is harmless. */
  canopy_cyclic_task_stop (task);

  /* Modify while stopped, then start again: the new payload goes out. */
  ok = canopy_cyclic_task_modify_data (task, (const guint8 *) "\xff", 1, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = canopy_cyclic_task_start (task, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (canopy_cyclic_task_is_running (task));

  /* Starting a running task changes nothing. */
  ok = canopy_cyclic_task_start (task, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  for (guint i = 0; i < 3; i++)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmphex (got.arbitration_id, ==, 0x200);
      g_assert_cmpuint (got.dlc, ==, 1);
      g_assert_cmphex (got.data[0], ==, 0xff);
    }
  /* The count goes up when send() has returned, which may be after the
   * receiver got the frame (seen under wine): once a 4th frame arrived,
   * the 3rd is counted. */
  recv_ok (pair.rx, &got);
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task), >=, sent + 3);

  canopy_cyclic_task_stop (task);
  pair_close (&pair);
}

typedef struct
{
  guint    n_notifies;
  gboolean last_value;
} RunningNotifies;

static void
on_running_notify (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  RunningNotifies *notifies = user_data;

  notifies->n_notifies++;
  notifies->last_value = canopy_cyclic_task_is_running (CANOPY_CYCLIC_TASK (object));
}

static void
test_duration (void)
{
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  Pair pair;
  RunningNotifies notifies = { 0, TRUE };
  gint64 give_up;

  pair_open (&pair, "cyclic-duration");
  canopy_message_init (&msg, 0x7ff, FALSE, (const guint8 *) "\x42", 1);

  /* 10 ms for 0.1 s: deadlines 0, 10, … 90 ms. */
  task = canopy_bus_send_periodic (pair.tx, &msg, 0.010, 0.1, &error);
  g_assert_no_error (error);
  g_signal_connect (task, "notify::running", G_CALLBACK (on_running_notify), &notifies);

  /* The task ends by itself and says so on this thread's main context. */
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (notifies.last_value && g_get_monotonic_time () < give_up)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  g_assert_cmpuint (notifies.n_notifies, >=, 1);
  g_assert_false (notifies.last_value);
  g_assert_false (canopy_cyclic_task_is_running (task));
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task) + canopy_cyclic_task_get_missed (task), ==, 10);
  g_assert_cmpuint (drain (pair.rx, 0x7ff), ==, canopy_cyclic_task_get_sent (task));

  /* start() begins a new run with a new duration. */
  g_assert_true (canopy_cyclic_task_start (task, &error));
  g_assert_no_error (error);
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (canopy_cyclic_task_is_running (task) && g_get_monotonic_time () < give_up)
    g_usleep (5000);
  g_assert_false (canopy_cyclic_task_is_running (task));
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task) + canopy_cyclic_task_get_missed (task), ==, 20);

  pair_close (&pair);
}

#define N_TASKS 100

static void
test_many (void)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  guint received[N_TASKS] = { 0 };
  CanopyMessage msg;
  Pair pair;
  gint64 t0, elapsed;

  pair_open (&pair, "cyclic-many");

  t0 = now_ns ();
  for (guint i = 0; i < N_TASKS; i++)
    {
      g_autoptr(GError) error = NULL;
      guint8 data[8] = { i, 0, 0, 0, 0, 0, 0, i };
      CanopyCyclicTask *task;

      canopy_message_init (&msg, 0x100 + i, FALSE, data, sizeof data);
      /* Periods from 5 to 54 ms, so the deadlines interleave. */
      task = canopy_bus_send_periodic (pair.tx, &msg, 0.005 + 0.001 * (i % 50), 0, &error);
      g_assert_no_error (error);
      g_ptr_array_add (tasks, task);
    }

  g_usleep (400 * 1000);

  for (guint i = 0; i < N_TASKS; i++)
    canopy_cyclic_task_stop (tasks->pdata[i]);
  elapsed = now_ns () - t0;

  for (;;)
    {
      CanopyMessage got;

      if (!canopy_bus_recv_into (pair.rx, &got, 0, NULL))
        break;
      g_assert_cmpuint (got.arbitration_id, >=, 0x100);
      g_assert_cmpuint (got.arbitration_id, <, 0x100 + N_TASKS);
      g_assert_cmpuint (got.data[0], ==, got.arbitration_id - 0x100);
      g_assert_cmpuint (got.data[7], ==, got.arbitration_id - 0x100);
      received[got.arbitration_id - 0x100]++;
    }

  for (guint i = 0; i < N_TASKS; i++)
    {
      CanopyCyclicTask *task = tasks->pdata[i];
      gint64 period_ns = (5 + i % 50) * 1000 * 1000;
      guint64 sent = canopy_cyclic_task_get_sent (task);

      g_assert_cmpuint (received[i], ==, sent);
      g_assert_cmpuint (sent, >=, 1);
      g_assert_cmpuint (sent + canopy_cyclic_task_get_missed (task), <=, max_slots (elapsed, period_ns));
    }

  pair_close (&pair);
}

static void
test_bus_shutdown (void)
{
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got;
  Pair pair;

  pair_open (&pair, "cyclic-shutdown");
  canopy_message_init (&msg, 0x10, FALSE, NULL, 0);

  task = canopy_bus_send_periodic (pair.tx, &msg, 0.002, 0, &error);
  g_assert_no_error (error);
  recv_ok (pair.rx, &got);

  /* The task stops by itself when its bus goes away. */
  canopy_bus_shutdown (pair.tx);
  for (guint i = 0; i < 500 && canopy_cyclic_task_is_running (task); i++)
    g_usleep (10 * 1000);
  g_assert_false (canopy_cyclic_task_is_running (task));

  pair_close (&pair);
}

static void
test_dropped_while_running (void)
{
  CanopyCyclicTask *task;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got;
  GWeakRef weak;
  Pair pair;

  pair_open (&pair, "cyclic-dropped");
  canopy_message_init (&msg, 0x11, FALSE, NULL, 0);

  /* As in python-can, a task whose handle is dropped goes on sending. */
  task = canopy_bus_send_periodic (pair.tx, &msg, 0.002, 0, &error);
  g_assert_no_error (error);
  g_weak_ref_init (&weak, task);
  g_object_unref (task);

  recv_ok (pair.rx, &got);
  drain (pair.rx, 0x11);
  recv_ok (pair.rx, &got);

  /* Shutting the bus down ends it and frees it. */
  canopy_bus_shutdown (pair.tx);
  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(GObject) alive = g_weak_ref_get (&weak);

      if (alive == NULL)
        break;
      g_usleep (10 * 1000);
    }
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  pair_close (&pair);
}

static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;
  CanopyCyclicTask *task;
  CanopyMessage msg;
  Pair pair;

  pair_open (&pair, "cyclic-invalid");
  canopy_message_init (&msg, 0x10, FALSE, NULL, 0);

  task = canopy_bus_send_periodic (pair.tx, &msg, 0, 0, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_null (task);
  g_clear_error (&error);

  task = canopy_bus_send_periodic (pair.tx, &msg, -1, 0, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_null (task);
  g_clear_error (&error);

  task = canopy_bus_send_periodic_multirate (pair.tx, &msg, 5, 0, 0.1, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_null (task);
  g_clear_error (&error);

  msg.arbitration_id = 0x800;  /* too large for a standard id */
  task = canopy_bus_send_periodic (pair.tx, &msg, 0.1, 0, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_null (task);

  pair_close (&pair);
}

/* A bus whose send stalls once, to show that the scheduler skips the
 * deadlines it missed instead of sending them in a burst. */

#define TEST_TYPE_STALL_BUS (test_stall_bus_get_type ())
G_DECLARE_FINAL_TYPE (TestStallBus, test_stall_bus, TEST, STALL_BUS, CanopyBus)

struct _TestStallBus
{
  CanopyBus parent_instance;
  guint   n_sent;
  guint   stall_at;
  gulong  stall_usec;
};

static gboolean
stall_bus_send (CanopyBus            *bus,
                const CanopyMessage  *msg,
                double                timeout,
                GError              **error)
{
  TestStallBus *self = TEST_STALL_BUS (bus);

  if (++self->n_sent == self->stall_at)
    g_usleep (self->stall_usec);
  return TRUE;
}

static gboolean
stall_bus_recv (CanopyBus      *bus,
                CanopyMessage  *msg,
                double          timeout,
                GError        **error)
{
  return FALSE;
}

G_DEFINE_FINAL_TYPE (TestStallBus, test_stall_bus, CANOPY_TYPE_BUS)

static void
test_stall_bus_class_init (TestStallBusClass *klass)
{
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  bus_class->send = stall_bus_send;
  bus_class->recv = stall_bus_recv;
}

static void
test_stall_bus_init (TestStallBus *self)
{
}

static void
test_no_burst (void)
{
  g_autoptr(TestStallBus) bus = g_initable_new (TEST_TYPE_STALL_BUS, NULL, NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  gint64 t0, elapsed;
  guint64 sent, missed;

  /* The 3rd send takes 100 ms: 20 deadlines of 5 ms pass meanwhile. */
  bus->stall_at = 3;
  bus->stall_usec = 100 * 1000;
  canopy_message_init (&msg, 0x55, FALSE, NULL, 0);

  t0 = now_ns ();
  task = canopy_bus_send_periodic (CANOPY_BUS (bus), &msg, 0.005, 0, &error);
  g_assert_no_error (error);
  g_usleep (250 * 1000);
  canopy_cyclic_task_stop (task);
  elapsed = now_ns () - t0;

  sent = canopy_cyclic_task_get_sent (task);
  missed = canopy_cyclic_task_get_missed (task);
  g_assert_cmpuint (sent, ==, bus->n_sent);
  g_assert_cmpuint (sent + missed, <=, max_slots (elapsed, 5 * 1000 * 1000));
  /* Those deadlines were skipped and counted, not sent in a burst. */
  g_assert_cmpuint (missed, >=, 15);
}

/* A driver with its own broadcast manager: the contract the SocketCAN
 * CAN_BCM task relies on. */

#define TEST_TYPE_NATIVE_TASK (test_native_task_get_type ())
G_DECLARE_FINAL_TYPE (TestNativeTask, test_native_task, TEST, NATIVE_TASK, CanopyCyclicTask)

struct _TestNativeTask
{
  CanopyCyclicTask parent_instance;
  guint            n_start;
  guint            n_stop;
  guint            n_modify;
  CanopyMessage    last_modify;
};

G_DEFINE_FINAL_TYPE (TestNativeTask, test_native_task, CANOPY_TYPE_CYCLIC_TASK)

static gboolean
native_task_start (CanopyCyclicTask  *task,
                   GError           **error)
{
  TEST_NATIVE_TASK (task)->n_start++;
  return TRUE;
}

static void
native_task_stop (CanopyCyclicTask *task)
{
  TEST_NATIVE_TASK (task)->n_stop++;
}

static gboolean
native_task_modify (CanopyCyclicTask     *task,
                    const CanopyMessage  *msg,
                    GError              **error)
{
  TEST_NATIVE_TASK (task)->n_modify++;
  TEST_NATIVE_TASK (task)->last_modify = *msg;
  return TRUE;
}

static void
test_native_task_class_init (TestNativeTaskClass *klass)
{
  CanopyCyclicTaskClass *task_class = CANOPY_CYCLIC_TASK_CLASS (klass);

  task_class->start = native_task_start;
  task_class->stop = native_task_stop;
  task_class->modify = native_task_modify;
}

static void
test_native_task_init (TestNativeTask *self)
{
}

#define TEST_TYPE_NATIVE_BUS (test_native_bus_get_type ())
G_DECLARE_FINAL_TYPE (TestNativeBus, test_native_bus, TEST, NATIVE_BUS, CanopyBus)

struct _TestNativeBus
{
  CanopyBus parent_instance;
};

static GObject *
native_bus_send_periodic (CanopyBus            *bus,
                          const CanopyMessage  *msg,
                          guint                 count,
                          double                initial_period,
                          double                period,
                          double                duration,
                          GError              **error)
{
  g_autoptr(CanopyCyclicTask) task = NULL;

  task = g_object_new (TEST_TYPE_NATIVE_TASK,
                       "bus", bus,
                       "message", msg,
                       "period", period,
                       "count", count,
                       "initial-period", initial_period,
                       "duration", duration,
                       NULL);
  if (!canopy_cyclic_task_start (task, error))
    return NULL;
  return G_OBJECT (g_steal_pointer (&task));
}

G_DEFINE_FINAL_TYPE (TestNativeBus, test_native_bus, CANOPY_TYPE_BUS)

static void
test_native_bus_class_init (TestNativeBusClass *klass)
{
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  bus_class->send = stall_bus_send;
  bus_class->recv = stall_bus_recv;
  bus_class->send_periodic = native_bus_send_periodic;
}

static void
test_native_bus_init (TestNativeBus *self)
{
}

static void
test_driver_task (void)
{
  g_autoptr(TestNativeBus) bus = g_initable_new (TEST_TYPE_NATIVE_BUS, NULL, NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(CanopyCyclicTask) multi = NULL;
  g_autoptr(GError) error = NULL;
  TestNativeTask *native;
  CanopyMessage msg, read_back;
  double duration, initial;
  guint count;

  canopy_message_init (&msg, 0x77, FALSE, (const guint8 *) "\x01", 1);

  task = canopy_bus_send_periodic (CANOPY_BUS (bus), &msg, 0.25, 2.5, &error);
  g_assert_no_error (error);
  g_assert_true (TEST_IS_NATIVE_TASK (task));
  native = TEST_NATIVE_TASK (task);
  g_assert_cmpuint (native->n_start, ==, 1);
  g_assert_true (canopy_cyclic_task_is_running (task));
  g_assert_cmpfloat_with_epsilon (canopy_cyclic_task_get_period (task), 0.25, 1e-12);
  g_object_get (task, "duration", &duration, "count", &count, NULL);
  g_assert_cmpfloat_with_epsilon (duration, 2.5, 1e-12);
  g_assert_cmpuint (count, ==, 0);

  g_assert_true (canopy_cyclic_task_modify_data (task, (const guint8 *) "\x02\x03", 2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (native->n_modify, ==, 1);
  g_assert_cmpuint (native->last_modify.dlc, ==, 2);
  g_assert_cmphex (native->last_modify.data[1], ==, 0x03);
  _canopy_cyclic_task_get_message (task, &read_back);
  g_assert_cmpuint (read_back.dlc, ==, 2);

  canopy_cyclic_task_stop (task);
  g_assert_cmpuint (native->n_stop, ==, 1);
  g_assert_false (canopy_cyclic_task_is_running (task));

  g_assert_true (canopy_cyclic_task_start (task, &error));
  g_assert_cmpuint (native->n_start, ==, 2);
  g_assert_true (canopy_cyclic_task_is_running (task));

  /* The task ended by itself (a driver notices). */
  _canopy_cyclic_task_set_running (task, FALSE);
  g_assert_false (canopy_cyclic_task_is_running (task));

  multi = canopy_bus_send_periodic_multirate (CANOPY_BUS (bus), &msg, 10, 0.001, 0.5, &error);
  g_assert_no_error (error);
  g_object_get (multi, "count", &count, "initial-period", &initial, NULL);
  g_assert_cmpuint (count, ==, 10);
  g_assert_cmpfloat_with_epsilon (initial, 0.001, 1e-12);
  g_assert_cmpfloat_with_epsilon (canopy_cyclic_task_get_period (multi), 0.5, 1e-12);
  canopy_cyclic_task_stop (multi);
}

/* A bus that refuses every frame: the task reports why through its error
 * property, on the main context, instead of a log line. */
#define TEST_TYPE_REFUSING_BUS (test_refusing_bus_get_type ())
G_DECLARE_FINAL_TYPE (TestRefusingBus, test_refusing_bus, TEST, REFUSING_BUS, CanopyBus)

struct _TestRefusingBus
{
  CanopyBus parent_instance;
};

G_DEFINE_FINAL_TYPE (TestRefusingBus, test_refusing_bus, CANOPY_TYPE_BUS)

static gboolean
refusing_bus_send (CanopyBus            *bus,
                   const CanopyMessage  *msg,
                   double                timeout,
                   GError              **error)
{
  g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_IO, "The device is gone");
  return FALSE;
}

static void
test_refusing_bus_class_init (TestRefusingBusClass *klass)
{
  CANOPY_BUS_CLASS (klass)->send = refusing_bus_send;
  CANOPY_BUS_CLASS (klass)->recv = stall_bus_recv;
}

static void
test_refusing_bus_init (TestRefusingBus *self)
{
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

static void
test_send_error (void)
{
  g_autoptr(TestRefusingBus) bus = g_initable_new (TEST_TYPE_REFUSING_BUS, NULL, NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) task_error = NULL;
  guint n_error_notify = 0, n_missed_notify = 0;
  CanopyMessage msg;
  gint64 end;

  canopy_message_init (&msg, 0x66, FALSE, NULL, 0);
  task = canopy_bus_send_periodic (CANOPY_BUS (bus), &msg, 0.002, 0, &error);
  g_assert_no_error (error);
  g_signal_connect (task, "notify::error", G_CALLBACK (count_notify), &n_error_notify);
  g_signal_connect (task, "notify::missed", G_CALLBACK (count_notify), &n_missed_notify);

  /* 50 refused frames in 100 ms: one error, reported once. */
  end = g_get_monotonic_time () + 100 * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  canopy_cyclic_task_stop (task);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  task_error = canopy_cyclic_task_dup_error (task);
  g_assert_error (task_error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_assert_cmpstr (task_error->message, ==, "The device is gone");
  g_assert_cmpuint (n_error_notify, ==, 1);
  g_assert_cmpuint (canopy_cyclic_task_get_sent (task), ==, 0);
  g_assert_cmpuint (canopy_cyclic_task_get_missed (task), >=, 10);
  /* Counters notify coalesced (at most ten a second), not per frame. */
  g_assert_cmpuint (n_missed_notify, >=, 1);
  g_assert_cmpuint (n_missed_notify, <=, 3);

  /* Starting again starts with a clean slate. */
  g_assert_true (canopy_cyclic_task_start (task, &error));
  g_assert_no_error (error);
  canopy_cyclic_task_stop (task);
}

/* The counter byte: one more in each frame sent, wrapping at 255, carried
 * on across modify_data() and begun again at each start. */
static void
test_counter_byte (void)
{
  static const guint8 payload[] = { 0x11, 0x22, 0x33, 0xfc };
  static const guint8 changed[] = { 0x99, 0x88, 0x77, 0x50 };
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(CanopyMessage) current = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got;
  guint n_notify = 0;
  guint8 last;
  Pair pair;

  pair_open (&pair, "cyclic-counter");
  canopy_message_init (&msg, 0x321, FALSE, payload, sizeof payload);

  /* A generic task made stopped, so that its very first frame counts. */
  task = g_object_new (CANOPY_TYPE_CYCLIC_TASK,
                       "bus", pair.tx,
                       "message", &msg,
                       "period", 0.002,
                       NULL);
  g_assert_cmpint (canopy_cyclic_task_get_counter_byte (task), ==, -1);
  g_signal_connect (task, "notify::counter-byte", G_CALLBACK (count_notify), &n_notify);

  /* Only bytes of the payload can count. */
  g_assert_false (canopy_cyclic_task_set_counter_byte (task, 4, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (canopy_cyclic_task_set_counter_byte (task, -2, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (canopy_cyclic_task_get_counter_byte (task), ==, -1);

  g_assert_true (canopy_cyclic_task_set_counter_byte (task, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (canopy_cyclic_task_get_counter_byte (task), ==, 3);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (n_notify, ==, 1);

  g_assert_true (canopy_cyclic_task_start (task, &error));
  g_assert_no_error (error);

  /* FC FD FE FF 00 01 …: the other bytes untouched. */
  for (guint i = 0; i < 8; i++)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmphex (got.arbitration_id, ==, 0x321);
      g_assert_cmpuint (got.dlc, ==, 4);
      g_assert_cmpmem (got.data, 3, payload, 3);
      g_assert_cmphex (got.data[3], ==, (guint8) (0xfc + i));
    }
  last = got.data[3];

  /* The task's message stays as given: only the frames count. */
  current = canopy_cyclic_task_dup_message (task);
  g_assert_cmphex (current->data[3], ==, 0xfc);

  /* New data while running: the counter goes on where it was instead of
   * jumping to the new byte's value. */
  g_assert_true (canopy_cyclic_task_modify_data (task, changed, sizeof changed, &error));
  g_assert_no_error (error);
  for (guint n_new = 0; n_new < 5;)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmphex (got.data[3], ==, (guint8) (last + 1));
      last = got.data[3];
      if (got.data[0] == 0x99)
        {
          g_assert_cmpmem (got.data, 3, changed, 3);
          n_new++;
        }
      else
        {
          g_assert_cmpuint (n_new, ==, 0);
          g_assert_cmpmem (got.data, 3, payload, 3);
        }
    }

  /* A start begins at the message's value again. */
  canopy_cyclic_task_stop (task);
  drain (pair.rx, 0x321);
  g_assert_true (canopy_cyclic_task_start (task, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmphex (got.data[3], ==, 0x50 + i);
    }
  last = got.data[3];

  /* Switched off: the byte is the message's again. */
  g_assert_true (canopy_cyclic_task_set_counter_byte (task, -1, &error));
  g_assert_no_error (error);
  for (;;)
    {
      recv_ok (pair.rx, &got);
      if (got.data[3] == 0x50)
        break;
      g_assert_cmphex (got.data[3], ==, (guint8) (last + 1));
      last = got.data[3];
    }
  for (guint i = 0; i < 3; i++)
    {
      recv_ok (pair.rx, &got);
      g_assert_cmpmem (got.data, got.dlc, changed, sizeof changed);
    }
  canopy_cyclic_task_stop (task);

  pair_close (&pair);
}

/* A task of a driver's own broadcast manager cannot count; asking says so. */
static void
test_counter_byte_native (void)
{
  g_autoptr(TestNativeBus) bus = g_initable_new (TEST_TYPE_NATIVE_BUS, NULL, NULL, NULL);
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  canopy_message_init (&msg, 0x77, FALSE, (const guint8 *) "\x01\x02", 2);
  task = canopy_bus_send_periodic (CANOPY_BUS (bus), &msg, 0.25, 0, &error);
  g_assert_no_error (error);

  g_assert_false (canopy_cyclic_task_set_counter_byte (task, 1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_cmpint (canopy_cyclic_task_get_counter_byte (task), ==, -1);
  /* Not counting is always possible. */
  g_assert_true (canopy_cyclic_task_set_counter_byte (task, -1, &error));
  g_assert_no_error (error);
  /* The kernel does not say when it sends. */
  g_assert_cmpfloat (canopy_cyclic_task_get_measured_period (task), ==, 0);

  canopy_cyclic_task_stop (task);
}

/* The measured period agrees with the receive times of the frames: both
 * see the same frames, so only the stamping of the first and the last one
 * can differ. */
static void
test_measured_period (void)
{
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(CanopyCyclicTask) slow = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, got;
  gint64 first_ns = 0, last_ns = 0;
  guint64 sent, received = 0;
  double measured, period;
  Pair pair;

  pair_open (&pair, "cyclic-measured");
  canopy_message_init (&msg, 0x123, FALSE, (const guint8 *) "\x01", 1);

  task = canopy_bus_send_periodic (pair.tx, &msg, 0.005, 0, &error);
  g_assert_no_error (error);
  g_usleep (300 * 1000);
  canopy_cyclic_task_stop (task);

  sent = canopy_cyclic_task_get_sent (task);
  g_assert_cmpuint (sent, >=, 5);
  while (canopy_bus_recv_into (pair.rx, &got, 0, NULL))
    {
      if (received++ == 0)
        first_ns = got.timestamp_ns;
      last_ns = got.timestamp_ns;
    }
  g_assert_cmpuint (received, ==, sent);

  measured = canopy_cyclic_task_get_measured_period (task);
  g_object_get (task, "measured-period", &period, NULL);
  g_assert_cmpfloat (period, ==, measured);
  g_assert_cmpfloat (measured, >, 0);
  /* The two spans differ by less than 20 ms over all the frames. */
  g_assert_cmpfloat (fabs (measured * (sent - 1) - (double) (last_ns - first_ns) / NS_PER_SEC), <, 0.020);

  /* The figure of the last run stays after the stop. */
  g_usleep (20 * 1000);
  g_assert_cmpfloat (canopy_cyclic_task_get_measured_period (task), ==, measured);

  /* One frame is no period: a start begins the measurement anew. */
  slow = canopy_bus_send_periodic (pair.tx, &msg, 10.0, 0, &error);
  g_assert_no_error (error);
  recv_ok (pair.rx, &got);
  /* The frame can arrive before the scheduler counts it. */
  while (canopy_cyclic_task_get_sent (slow) == 0)
    g_usleep (1000);
  g_assert_cmpuint (canopy_cyclic_task_get_sent (slow), ==, 1);
  g_assert_cmpfloat (canopy_cyclic_task_get_measured_period (slow), ==, 0);
  canopy_cyclic_task_stop (slow);

  pair_close (&pair);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cyclic/period", test_period);
  g_test_add_func ("/cyclic/multirate", test_multirate);
  g_test_add_func ("/cyclic/modify-data", test_modify_data);
  g_test_add_func ("/cyclic/stop-start", test_stop_start);
  g_test_add_func ("/cyclic/duration", test_duration);
  g_test_add_func ("/cyclic/many-tasks", test_many);
  g_test_add_func ("/cyclic/bus-shutdown", test_bus_shutdown);
  g_test_add_func ("/cyclic/dropped-while-running", test_dropped_while_running);
  g_test_add_func ("/cyclic/invalid", test_invalid);
  g_test_add_func ("/cyclic/no-burst", test_no_burst);
  g_test_add_func ("/cyclic/driver-task", test_driver_task);
  g_test_add_func ("/cyclic/send-error", test_send_error);
  g_test_add_func ("/cyclic/counter-byte", test_counter_byte);
  g_test_add_func ("/cyclic/counter-byte-native", test_counter_byte_native);
  g_test_add_func ("/cyclic/measured-period", test_measured_period);

  return g_test_run ();
}
