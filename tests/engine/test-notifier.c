/* test-notifier.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

/* A listener that records what a notifier hands it. */
#define TEST_TYPE_RECORDER (test_recorder_get_type ())
G_DECLARE_FINAL_TYPE (TestRecorder, test_recorder, TEST, RECORDER, GObject)

struct _TestRecorder
{
  GObject  parent_instance;
  GMutex   mutex;
  GArray  *frames;
  GError  *error;
  guint    n_errors;
  guint    n_stops;
};

static void recorder_iface_init (CanopyListenerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestRecorder, test_recorder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, recorder_iface_init))

static void
recorder_on_message_received (CanopyListener      *listener,
                              const CanopyMessage *msg)
{
  TestRecorder *self = TEST_RECORDER (listener);

  g_mutex_lock (&self->mutex);
  g_array_append_vals (self->frames, msg, 1);
  g_mutex_unlock (&self->mutex);
}

static void
recorder_on_error (CanopyListener *listener,
                   const GError   *error)
{
  TestRecorder *self = TEST_RECORDER (listener);

  g_mutex_lock (&self->mutex);
  self->n_errors++;
  if (self->error == NULL)
    self->error = g_error_copy (error);
  g_mutex_unlock (&self->mutex);
}

static void
recorder_stop (CanopyListener *listener)
{
  TestRecorder *self = TEST_RECORDER (listener);

  g_mutex_lock (&self->mutex);
  self->n_stops++;
  g_mutex_unlock (&self->mutex);
}

static void
recorder_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = recorder_on_message_received;
  iface->on_error = recorder_on_error;
  iface->stop = recorder_stop;
}

static void
test_recorder_finalize (GObject *object)
{
  TestRecorder *self = TEST_RECORDER (object);

  g_array_unref (self->frames);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (test_recorder_parent_class)->finalize (object);
}

static void
test_recorder_class_init (TestRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_recorder_finalize;
}

static void
test_recorder_init (TestRecorder *self)
{
  g_mutex_init (&self->mutex);
  self->frames = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
}

static guint
recorder_count (TestRecorder *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->frames->len;
  g_mutex_unlock (&self->mutex);
  return n;
}

static gboolean
wait_for_count (TestRecorder *recorder,
                guint         n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (recorder_count (recorder) < n && g_get_monotonic_time () < end)
    g_usleep (1000);
  return recorder_count (recorder) >= n;
}

static CanopyBus *
open_bus (const char *channel)
{
  g_autoptr(GError) error = NULL;
  CanopyBus *bus = canopy_bus_new ("virtual", channel, NULL, &error);

  g_assert_no_error (error);
  return bus;
}

static void
test_notifier_delivery (void)
{
  g_autoptr(CanopyBus) sender = open_bus ("n-delivery");
  g_autoptr(CanopyBus) bus = open_bus ("n-delivery");
  g_autoptr(TestRecorder) first = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(TestRecorder) second = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(CanopyBufferedReader) reader = canopy_buffered_reader_new ();
  CanopyListener *listeners[] = { CANOPY_LISTENER (first), CANOPY_LISTENER (reader) };
  g_autoptr(CanopyNotifier) notifier = canopy_notifier_new (&bus, 1, listeners, 2);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  g_assert_true (canopy_notifier_is_running (notifier));

  for (guint32 i = 0; i < 1000; i++)
    {
      canopy_message_init (&msg, i, TRUE, (guint8 *) &i, sizeof i);
      g_assert_true (canopy_bus_send (sender, &msg, 0, &error));
      if (i == 500)
        canopy_notifier_add_listener (notifier, CANOPY_LISTENER (second));
    }

  g_assert_true (wait_for_count (first, 1000));
  for (guint32 i = 0; i < 1000; i++)
    {
      g_assert_cmpuint (g_array_index (first->frames, CanopyMessage, i).arbitration_id, ==, i);
      g_assert_true (canopy_buffered_reader_get_message_into (reader, &msg, 1.0));
      g_assert_cmpuint (msg.arbitration_id, ==, i);
    }

  /* The listener added later saw a tail of the stream, in order. */
  g_assert_true (wait_for_count (second, 1));
  for (guint i = 1; i < second->frames->len; i++)
    g_assert_cmpuint (g_array_index (second->frames, CanopyMessage, i).arbitration_id, ==,
                      g_array_index (second->frames, CanopyMessage, i - 1).arbitration_id + 1);

  g_assert_true (canopy_notifier_stop (notifier, 5.0));
  g_assert_false (canopy_notifier_is_running (notifier));
  g_assert_cmpuint (first->n_stops, ==, 1);
  g_assert_cmpuint (second->n_stops, ==, 1);
  /* stopping again does not stop listeners again */
  canopy_notifier_stop (notifier, 1.0);
  g_assert_cmpuint (first->n_stops, ==, 1);
  g_assert_null (canopy_notifier_get_exception (notifier));
  g_assert_cmpuint (canopy_notifier_get_received (notifier), ==, 1000);

  /* The bus stays usable after the notifier stopped. */
  canopy_message_init (&msg, 7, FALSE, NULL, 0);
  g_assert_true (canopy_bus_send (sender, &msg, 0, &error));
  g_assert_true (canopy_bus_recv_into (bus, &msg, 1.0, &error));
}

static void
test_notifier_several_buses (void)
{
  g_autoptr(CanopyBus) sender_a = open_bus ("n-multi-a");
  g_autoptr(CanopyBus) sender_b = open_bus ("n-multi-b");
  CanopyBus *buses[] = { open_bus ("n-multi-a"), open_bus ("n-multi-b") };
  g_autoptr(TestRecorder) recorder = g_object_new (TEST_TYPE_RECORDER, NULL);
  CanopyListener *listener = CANOPY_LISTENER (recorder);
  g_autoptr(CanopyNotifier) notifier = canopy_notifier_new (buses, 2, &listener, 1);
  CanopyMessage msg;
  guint from_a = 0, from_b = 0;

  for (guint i = 0; i < 100; i++)
    {
      canopy_message_init (&msg, 0x100, FALSE, NULL, 0);
      canopy_bus_send (sender_a, &msg, 0, NULL);
      canopy_message_init (&msg, 0x200, FALSE, NULL, 0);
      canopy_bus_send (sender_b, &msg, 0, NULL);
    }

  g_assert_true (wait_for_count (recorder, 200));
  canopy_notifier_stop (notifier, 5.0);
  for (guint i = 0; i < recorder->frames->len; i++)
    {
      guint32 id = g_array_index (recorder->frames, CanopyMessage, i).arbitration_id;
      from_a += id == 0x100;
      from_b += id == 0x200;
    }
  g_assert_cmpuint (from_a, ==, 100);
  g_assert_cmpuint (from_b, ==, 100);

  g_object_unref (buses[0]);
  g_object_unref (buses[1]);
}

/* A bus that fails while being read: the notifier keeps the first error,
 * tells every listener, and stops reading that bus. */
static void
test_notifier_error (void)
{
  g_autoptr(CanopyBus) bus = open_bus ("n-error");
  g_autoptr(TestRecorder) recorder = g_object_new (TEST_TYPE_RECORDER, NULL);
  CanopyListener *listener = CANOPY_LISTENER (recorder);
  g_autoptr(CanopyNotifier) notifier = canopy_notifier_new (&bus, 1, &listener, 1);
  const GError *exception;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  canopy_bus_shutdown (bus);
  while (canopy_notifier_is_running (notifier) && g_get_monotonic_time () < end)
    g_usleep (1000);

  g_assert_false (canopy_notifier_is_running (notifier));
  exception = canopy_notifier_get_exception (notifier);
  g_assert_error ((GError *) exception, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_assert_cmpuint (recorder->n_errors, ==, 1);
  g_assert_error (recorder->error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);

  g_assert_true (canopy_notifier_stop (notifier, 1.0));
  g_assert_cmpuint (recorder->n_stops, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/notifier/delivery", test_notifier_delivery);
  g_test_add_func ("/notifier/several-buses", test_notifier_several_buses);
  g_test_add_func ("/notifier/error", test_notifier_error);

  return g_test_run ();
}
