/* test-crash-safe.c — a canopy-logger killed with SIGKILL leaves a file,
 * in every format, that Canopy and python-can 4.1 read, missing at most
 * the last second of frames.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "canopy-test-python.h"
#include "formats-test-common.h"

/* The promise is one second; the rest is the scheduling slack of a loaded
 * two-core machine between the last flush and the kill. */
#define MAX_LOSS_NS G_GINT64_CONSTANT (1600000000)

static void
test_killed_logger (gconstpointer data)
{
  const char *ext = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/killed", ext, NULL);
  g_autoptr(GSubprocess) logger = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(GArray) frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  gboolean gzip = g_str_has_suffix (ext, ".gz");
  gint64 killed_ns;
  CanopyMessage msg;

  logger = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, g_getenv ("CANOPY_LOGGER"),
                             "-i", "virtual", "-c", "demo", "-f", path, NULL);
  g_assert_no_error (error);

  /* About three seconds of demo traffic, then SIGKILL: no handler runs,
   * nothing is closed. */
  g_usleep (3 * G_USEC_PER_SEC);
  killed_ns = g_get_real_time () * 1000;
  g_subprocess_force_exit (logger);
  g_subprocess_wait (logger, NULL, &error);
  g_assert_no_error (error);
#ifndef G_OS_WIN32
  /* Killed by SIGKILL, not ended (TerminateProcess has no such thing). */
  g_assert_false (g_subprocess_get_if_exited (logger));
#endif

  reader = canopy_log_reader_new_for_file (path, &error);
  g_assert_no_error (error);
  while (canopy_log_reader_next (reader, &msg, &error))
    g_array_append_val (frames, msg);
  /* A gzip stream without its end: every flushed frame, then the cut. */
  if (gzip)
    g_clear_error (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_log_reader_get_n_skipped (reader), ==, 0);

  g_assert_cmpuint (frames->len, >, 50);
  g_assert_cmpint (g_array_index (frames, CanopyMessage, frames->len - 1).timestamp_ns, >=,
                   killed_ns - MAX_LOSS_NS);

  /* python-can 4.1 opens the same file and reads the same frames. */
  if (canopy_test_python3 () != NULL && !gzip)
    {
      g_autofree char *err = NULL;
      g_autoptr(GArray) theirs = test_python_dump (path, &err);

      g_assert_null (err);
      g_assert_cmpuint (theirs->len, ==, frames->len);
      for (guint i = 0; i < frames->len; i++)
        g_assert_cmpuint (g_array_index (theirs, CanopyMessage, i).arbitration_id, ==,
                          g_array_index (frames, CanopyMessage, i).arbitration_id);
    }

  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  static const char *exts[] = { ".asc", ".blf", ".csv", ".log", ".db", ".log.gz" };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = g_strdup_printf ("/formats/crash-safe/killed-logger/%s", exts[i] + 1);

      g_test_add_data_func (name, exts[i], test_killed_logger);
    }

  return g_test_run ();
}
