/* drivers-test-util.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the driver tests share: opening a bus with options as a user would,
 * and a reader blocked in recv() on another thread.
 */

#pragma once

#include <stdarg.h>

#include <canopy.h>

G_BEGIN_DECLS

/* canopy_bus_new() with KEY, VALUE, …, NULL as driver options. */
static inline CanopyBus *
drivers_test_open_bus (const char  *interface_name,
                       const char  *channel,
                       GError     **error,
                       ...)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  const char *key;
  va_list args;

  va_start (args, error);
  while ((key = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (options, (gpointer) key, va_arg (args, gpointer));
  va_end (args);

  return canopy_bus_new (interface_name, channel, options, error);
}

/* Thread body: a recv() that blocks until a frame (returns its id) or an
 * error (returns the GError). */
static inline gpointer
drivers_test_blocked_recv (gpointer bus)
{
  CanopyMessage got;
  GError *error = NULL;

  if (canopy_bus_recv_into (bus, &got, -1, &error))
    return GUINT_TO_POINTER (got.arbitration_id);
  return error;
}

/* Starts a blocked reader on @bus, runs @trigger, and returns the reader's
 * GError (the test asserts which). */
static inline GError *
drivers_test_error_of_blocked_reader (CanopyBus *bus,
                                      void     (*trigger) (gpointer),
                                      gpointer   data)
{
  GThread *thread = g_thread_new ("recv", drivers_test_blocked_recv, bus);

  g_usleep (G_USEC_PER_SEC / 10);
  trigger (data);
  return g_thread_join (thread);
}

G_END_DECLS
