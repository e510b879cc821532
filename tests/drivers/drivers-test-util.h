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

/* A reader blocked in recv() on another thread wakes when @bus is shut
 * down, with %CANOPY_ERROR_SHUT_DOWN. */
static inline void
drivers_test_assert_shutdown_wakes_reader (CanopyBus *bus)
{
  GThread *thread = g_thread_new ("recv", drivers_test_blocked_recv, bus);
  GError *error;

  g_usleep (G_USEC_PER_SEC / 10);
  canopy_bus_shutdown (bus);
  error = g_thread_join (thread);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_error_free (error);
}

/* @a sends 100 standard, extended and remote frames of every length; @b
 * receives each intact and in order, stamped now in Unix time. */
static inline void
drivers_test_exchange_frames (CanopyBus *a,
                              CanopyBus *b)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100; i++)
    {
      CanopyMessage msg = { .channel = -1 };

      msg.arbitration_id = (i % 3 == 1) ? 0x18DAF100 + i : 0x100 + i;
      msg.flags = (i % 3 == 1) ? CANOPY_MESSAGE_EXTENDED : (i % 3 == 2) ? CANOPY_MESSAGE_REMOTE : 0;
      msg.dlc = i % 9;
      if (!(msg.flags & CANOPY_MESSAGE_REMOTE))
        for (guint k = 0; k < msg.dlc; k++)
          msg.data[k] = i + k;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 100; i++)
    {
      CanopyMessage got;

      g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got.arbitration_id, ==, (i % 3 == 1) ? 0x18DAF100 + i : 0x100 + i);
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_EXTENDED), ==, i % 3 == 1);
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_REMOTE), ==, i % 3 == 2);
      g_assert_cmpuint (got.dlc, ==, i % 9);
      if (i % 3 != 2 && got.dlc > 0)
        g_assert_cmphex (got.data[got.dlc - 1], ==, (guint8) (i + got.dlc - 1));
      g_assert_cmpint (ABS (got.timestamp_ns - g_get_real_time () * 1000), <, G_GINT64_CONSTANT (1000000000));
    }
}

/* @a sends a CAN FD frame of every length (0–8, then the DLC codes 9–15:
 * 12 … 64 bytes), with and without bit rate switch and error state
 * indicator, standard and extended; @b receives each intact, in order,
 * with its flags. */
static inline void
drivers_test_exchange_fd_frames (CanopyBus *a,
                                 CanopyBus *b)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 64; i++)
    {
      guint length = canopy_dlc_to_length (i % 16);
      CanopyMessage msg = { .channel = -1, .dlc = length };

      msg.arbitration_id = (i & 16) ? 0x1ABCDE00 + i : 0x200 + i;
      msg.flags = CANOPY_MESSAGE_FD | ((i & 16) ? CANOPY_MESSAGE_EXTENDED : 0) |
                  ((i & 32) ? CANOPY_MESSAGE_BRS : 0) | ((i & 48) == 16 ? CANOPY_MESSAGE_ESI : 0);
      for (guint k = 0; k < length; k++)
        msg.data[k] = (guint8) (i * 7 + k);
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 64; i++)
    {
      guint length = canopy_dlc_to_length (i % 16);
      CanopyMessage got;

      g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got.arbitration_id, ==, (i & 16) ? 0x1ABCDE00 + i : 0x200 + i);
      g_assert_true (got.flags & CANOPY_MESSAGE_FD);
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_EXTENDED), ==, !!(i & 16));
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_BRS), ==, !!(i & 32));
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_ESI), ==, (i & 48) == 16);
      g_assert_cmpuint (got.dlc, ==, length);
      for (guint k = 0; k < length; k++)
        g_assert_cmphex (got.data[k], ==, (guint8) (i * 7 + k));
    }
}

/* A classic-only bus refuses a CAN FD frame with CANOPY_ERROR_UNSUPPORTED
 * and stays usable. */
static inline void
drivers_test_assert_fd_refused (CanopyBus *bus)
{
  g_autoptr(GError) error = NULL;
  CanopyMessage msg = { .arbitration_id = 0x123, .flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS, .dlc = 12,
                        .channel = -1 };

  g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
}

G_END_DECLS
