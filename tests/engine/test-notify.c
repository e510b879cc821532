/* test-notify.c — the coalescing notify queue (canopy-notify-private.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

#include "canopy-notify-private.h"

typedef struct
{
  CanopyNotifyQueue *queue;
  GParamSpec        *pspec;
} AddThreadData;

static gpointer
add_many_thread (gpointer user_data)
{
  AddThreadData *data = user_data;

  for (guint i = 0; i < 10000; i++)
    _canopy_notify_queue_add (data->queue, data->pspec);

  return NULL;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static guint flush_count;

static void
count_flush (GObject *object)
{
  flush_count++;
}

static void
iterate_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

/* 40,000 changes from four threads reach the main context as one
 * notification per interval, on the main thread. */
static void
test_notify_coalesces_threads (void)
{
  g_autoptr(CanopyFrameItem) item = canopy_frame_item_new (&(CanopyMessage) { 0 }, 0);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), "position");
  g_autoptr(CanopyNotifyQueue) queue = _canopy_notify_queue_new (G_OBJECT (item), NULL, 200 * 1000, count_flush);
  AddThreadData data = { queue, pspec };
  GThread *threads[4];
  guint count = 0;

  flush_count = 0;
  g_signal_connect (item, "notify::position", G_CALLBACK (count_notify), &count);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("adder", add_many_thread, &data);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (count, ==, 0);  /* nothing runs off the main context */
  iterate_for (100);
  g_assert_cmpuint (count, ==, 1);
  g_assert_cmpuint (flush_count, ==, 1);

  /* A change right after a dispatch waits out the interval… */
  _canopy_notify_queue_add (queue, pspec);
  iterate_for (50);
  g_assert_cmpuint (count, ==, 1);
  iterate_for (300);
  g_assert_cmpuint (count, ==, 2);

  /* …unless it is urgent. */
  _canopy_notify_queue_add_urgent (queue, pspec);
  iterate_for (20);
  g_assert_cmpuint (count, ==, 3);

  /* schedule() runs the flush function without notifying. */
  _canopy_notify_queue_schedule (queue);
  iterate_for (300);
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpuint (flush_count, ==, 4);
}

/* The queue never keeps its object alive, and nothing is notified after the
 * object is gone or the queue is freed. */
static void
test_notify_weak_and_free (void)
{
  CanopyFrameItem *item = canopy_frame_item_new (&(CanopyMessage) { 0 }, 0);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), "position");
  CanopyNotifyQueue *queue = _canopy_notify_queue_new (G_OBJECT (item), NULL, 0, NULL);
  guint count = 0;

  g_object_add_weak_pointer (G_OBJECT (item), (gpointer *) &item);
  _canopy_notify_queue_add (queue, pspec);
  g_object_unref (item);
  g_assert_null (item);
  iterate_for (20);  /* dispatches on a dead object: nothing happens */
  _canopy_notify_queue_free (queue);

  item = canopy_frame_item_new (&(CanopyMessage) { 0 }, 0);
  queue = _canopy_notify_queue_new (G_OBJECT (item), NULL, 0, NULL);
  g_signal_connect (item, "notify::position", G_CALLBACK (count_notify), &count);
  _canopy_notify_queue_add (queue, pspec);
  _canopy_notify_queue_free (queue);
  iterate_for (20);
  g_assert_cmpuint (count, ==, 0);
  g_object_unref (item);
}

/* The notification runs on the context the queue was made for, not on the
 * thread that made the change. */
static void
test_notify_other_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CanopyFrameItem) item = canopy_frame_item_new (&(CanopyMessage) { 0 }, 7);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), "position");
  g_autoptr(CanopyNotifyQueue) queue = _canopy_notify_queue_new (G_OBJECT (item), context, 0, NULL);
  guint count = 0;

  g_signal_connect (item, "notify::position", G_CALLBACK (count_notify), &count);
  _canopy_notify_queue_add (queue, pspec);
  iterate_for (20);  /* the default context: not ours */
  g_assert_cmpuint (count, ==, 0);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_cmpuint (count, ==, 1);
  g_assert_cmpuint (canopy_frame_item_get_position (item), ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/notify/coalesces-threads", test_notify_coalesces_threads);
  g_test_add_func ("/notify/weak-and-free", test_notify_weak_and_free);
  g_test_add_func ("/notify/other-context", test_notify_other_context);

  return g_test_run ();
}
