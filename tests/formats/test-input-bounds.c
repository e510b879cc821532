/* test-input-bounds.c — untrusted input that used to hang or eat memory:
 * SQLite views and huge blobs, configuration files that are FIFOs or
 * devices, and tools that must stop on SIGINT/SIGTERM at any moment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#ifndef G_OS_WIN32
# include <signal.h>
# include <sys/stat.h>
#endif

#include "formats-test-common.h"

#define MESSAGES_COLUMNS \
  "ts REAL, arbitration_id INTEGER, extended INTEGER, remote INTEGER, error INTEGER, dlc INTEGER, data BLOB"

static char *
make_db (const char *dir,
         const char *name,
         const char *sql)
{
  char *path = g_build_filename (dir, name, NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
  return path;
}

static void
assert_refused (const char *path,
                const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &error);

  g_assert_null (reader);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, why));
}

static void
test_sqlite_untrusted (void)
{
  g_autofree char *dir = test_tmpdir ();
  /* The hang: a recursive view that never ends. */
  g_autofree char *view = make_db (dir, "view.db",
    "CREATE VIEW messages AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
    "SELECT n AS ts, 1 AS arbitration_id, 0 AS extended, 0 AS remote, 0 AS error, 0 AS dlc, "
    "x'' AS data FROM r;");
  g_autofree char *columns = make_db (dir, "columns.db",
    "CREATE TABLE messages (ts REAL, arbitration_id INTEGER);");
  g_autofree char *missing = make_db (dir, "missing.db", "CREATE TABLE other (x);");
  /* A 16 MiB blob between two frames: skipped without loading it. */
  g_autofree char *blob = make_db (dir, "blob.db",
    "CREATE TABLE messages (" MESSAGES_COLUMNS ");"
    "INSERT INTO messages VALUES (1.0, 1, 0, 0, 0, 1, x'11');"
    "INSERT INTO messages VALUES (2.0, 2, 0, 0, 0, 8, zeroblob(16777216));"
    "INSERT INTO messages VALUES (3.0, 3, 0, 0, 0, 1, x'33');");
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CanopyMessage msg;
  guint n = 0;

  assert_refused (view, "messages is a view, not a table");
  assert_refused (columns, "lacks python-can's columns");
  assert_refused (missing, "no messages table");

  reader = canopy_log_reader_new_for_file (blob, &error);
  g_assert_no_error (error);
  while (canopy_log_reader_next (reader, &msg, &error))
    g_assert_cmpuint (msg.arbitration_id, ==, ++n == 1 ? 1 : 3);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (canopy_log_reader_get_n_skipped (reader), ==, 1);
  g_assert_cmpstr (canopy_log_reader_get_skip_reasons (reader)[0], ==,
                   "row 2: more data bytes than a CAN FD frame holds");
  g_clear_object (&reader);

  /* Cancelled: the next read says so and the reader stays finished. */
  reader = canopy_log_reader_new_for_file (blob, &error);
  g_assert_no_error (error);
  canopy_log_reader_set_cancellable (reader, cancellable);
  g_assert_true (canopy_log_reader_next (reader, &msg, &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (canopy_log_reader_next (reader, &msg, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (canopy_log_reader_next (reader, &msg, &error));
  g_assert_no_error (error);

  test_rmdir (dir);
}

#ifndef G_OS_WIN32
/* Runs @argv with HOME=@home, no CAN_* variables; returns its stderr. */
static GSubprocess *
spawn (const char  *home,
       const char **argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  if (home != NULL)
    g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CAN_INTERFACE");
  g_subprocess_launcher_unsetenv (launcher, "CAN_CHANNEL");
  g_subprocess_launcher_unsetenv (launcher, "CAN_BITRATE");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static char *
wait_stderr (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;
  char *err = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  return err;
}

static void
test_config_not_regular (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *canrc = g_build_filename (dir, ".canrc", NULL);
  const char *argv[] = { g_getenv ("CANOPY_LOGGER"), "-n", "1", NULL };

  /* A FIFO nobody writes to: refused at once, not waited on. */
  g_assert_cmpint (mkfifo (canrc, 0600), ==, 0);
  {
    g_autoptr(GSubprocess) logger = spawn (dir, argv);
    g_autofree char *err = wait_stderr (logger);

    g_assert_cmpint (g_subprocess_get_exit_status (logger), ==, 1);
    g_assert_nonnull (strstr (err, ".canrc: a FIFO, not a regular file"));
  }
  g_unlink (canrc);

  /* A link to /dev/zero: refused, not read for ever. */
  g_assert_cmpint (symlink ("/dev/zero", canrc), ==, 0);
  {
    g_autoptr(GSubprocess) logger = spawn (dir, argv);
    g_autofree char *err = wait_stderr (logger);

    g_assert_cmpint (g_subprocess_get_exit_status (logger), ==, 1);
    g_assert_nonnull (strstr (err, ".canrc: a device or other special file, not a regular file"));
  }
  g_unlink (canrc);

  test_rmdir (dir);
}

/* canopy-info -q and canopy-convert -q stop on SIGINT and SIGTERM while
 * reading, and even while blocked where nothing polls (opening a FIFO). */
static void
test_tools_interrupted (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *big = g_build_filename (dir, "big.log", NULL);
  g_autofree char *fifo = g_build_filename (dir, "stuck.log", NULL);
  g_autofree char *out = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GArray) frames = test_make_frames (200000, FALSE, FALSE);
  g_autoptr(GPtrArray) info_argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const int signals[] = { SIGINT, SIGTERM };

  g_assert_true (test_write_frames (big, frames, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  /* Enough work for minutes: the same file a thousand times. */
  g_ptr_array_add (info_argv, (gpointer) g_getenv ("CANOPY_INFO"));
  g_ptr_array_add (info_argv, "-q");
  for (guint i = 0; i < 1000; i++)
    g_ptr_array_add (info_argv, big);
  g_ptr_array_add (info_argv, NULL);

  for (guint s = 0; s < G_N_ELEMENTS (signals); s++)
    {
      const char *convert_argv[] = { g_getenv ("CANOPY_CONVERT"), "-q", fifo, out, NULL };
      const char *stuck_argv[] = { g_getenv ("CANOPY_INFO"), "-q", fifo, NULL };
      const char **all[] = { (const char **) info_argv->pdata, convert_argv, stuck_argv };

      for (guint t = 0; t < G_N_ELEMENTS (all); t++)
        {
          g_autoptr(GSubprocess) tool = spawn (NULL, all[t]);
          g_autofree char *err = NULL;
          gint64 sent;

          g_usleep (G_USEC_PER_SEC / 2);
          sent = g_get_monotonic_time ();
          g_subprocess_send_signal (tool, signals[s]);
          err = wait_stderr (tool);

          /* Promptly: at once where the tool polls, within the 3 s grace
           * where it is blocked; never killed by the signal itself. */
          g_assert_cmpint (g_get_monotonic_time () - sent, <, 5 * G_USEC_PER_SEC);
          g_assert_true (g_subprocess_get_if_exited (tool));
          g_assert_cmpint (g_subprocess_get_exit_status (tool), !=, 0);
          g_assert_nonnull (strstr (err, "interrupted"));
        }
    }

  g_unlink (out);
  test_rmdir (dir);
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/sqlite/untrusted", test_sqlite_untrusted);
#ifndef G_OS_WIN32
  g_test_add_func ("/formats/input-bounds/config-not-regular", test_config_not_regular);
  g_test_add_func ("/formats/input-bounds/tools-interrupted", test_tools_interrupted);
#endif

  return g_test_run ();
}
