/* test-app-recorder.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Record button's engine side without a display: every frame the
 * connection reads lands in the file, the final count is what the file
 * holds, an existing recording is never overwritten, and a file that
 * cannot be created is reported, not logged.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <canopy.h>

#include "canopy-connection.h"
#include "canopy-recorder.h"

static void
open_ready (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static CanopyConnection *
open_connection (const char *channel)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CanopyConnection *connection;

  canopy_connection_open_async ("virtual", channel, NULL, NULL, open_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  connection = canopy_connection_open_finish (result, &error);
  g_assert_no_error (error);
  return connection;
}

static gboolean
summary_starts (CanopyRecorder *recorder,
                const char     *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!g_str_has_prefix (canopy_recorder_get_summary (recorder), prefix) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("%s", canopy_recorder_get_summary (recorder));
  return g_str_has_prefix (canopy_recorder_get_summary (recorder), prefix);
}

static void
wait_frames (CanopyRecorder *recorder,
             guint64         frames)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (canopy_recorder_get_frames (recorder) < frames && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (canopy_recorder_get_frames (recorder), ==, frames);
}

static void
send_frames (CanopyBus *bus,
             guint32    first,
             guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      guint8 data[3] = { i, i >> 8, 0x5A };
      CanopyMessage msg;

      canopy_message_init (&msg, first + i, FALSE, data, sizeof data);
      g_assert_true (canopy_bus_send (bus, &msg, 1.0, &error));
      g_assert_no_error (error);
    }
}

static guint
count_frames (const char *path,
              guint32     first)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &error);
  CanopyMessage msg;
  guint n = 0;

  g_assert_no_error (error);
  while (canopy_log_reader_next (reader, &msg, &error))
    {
      g_assert_cmphex (msg.arbitration_id, ==, first + n);
      n++;
    }
  g_assert_no_error (error);
  return n;
}

static void
touch (const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, &error));
  g_assert_no_error (error);
}

static void
test_free_path (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-recorder-XXXXXX", NULL);
  g_autofree char *blf = g_build_filename (dir, "drive.blf", NULL);
  g_autofree char *blf_2 = g_build_filename (dir, "drive_2.blf", NULL);
  g_autofree char *blf_2_part = g_build_filename (dir, "drive_2-001.blf", NULL);
  g_autofree char *blf_3 = g_build_filename (dir, "drive_3.blf", NULL);
  g_autofree char *gz = g_build_filename (dir, "trace.asc.gz", NULL);
  g_autofree char *gz_part = g_build_filename (dir, "trace-001.asc.gz", NULL);
  g_autofree char *gz_2 = g_build_filename (dir, "trace_2.asc.gz", NULL);
  char *got;

  got = canopy_recorder_find_free_path (blf, NULL);
  g_assert_cmpstr (got, ==, blf);
  g_free (got);

  touch (blf);
  got = canopy_recorder_find_free_path (blf, NULL);
  g_assert_cmpstr (got, ==, blf_2);
  g_free (got);

  /* A recording whose first file was removed still has its parts. */
  touch (blf_2_part);
  got = canopy_recorder_find_free_path (blf, NULL);
  g_assert_cmpstr (got, ==, blf_3);
  g_free (got);

  /* The number goes before the whole extension; a part counts too. */
  touch (gz_part);
  got = canopy_recorder_find_free_path (gz, NULL);
  g_assert_cmpstr (got, ==, gz_2);
  g_free (got);

  g_remove (blf);
  g_remove (blf_2_part);
  g_remove (gz_part);
  g_rmdir (dir);
}

/* Every frame read while recording is in the file, in order; the final
 * count is the file's; recording again goes to a new file. */
static void
test_record (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-recorder-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "drive.asc", NULL);
  g_autofree char *second = g_build_filename (dir, "drive_2.asc", NULL);
  g_autoptr(CanopyConnection) connection = open_connection ("recorder-test");
  g_autoptr(CanopyBus) sender = CANOPY_BUS (canopy_virtual_bus_new ("recorder-test", FALSE, 0));
  g_autoptr(CanopyRecorder) recorder = canopy_recorder_new ();
  g_autofree char *first_contents = NULL;
  g_autofree char *contents = NULL;

  canopy_recorder_set_connection (recorder, connection);
  g_assert_false (canopy_recorder_get_recording (recorder));
  g_assert_cmpstr (canopy_recorder_get_summary (recorder), ==, "");

  canopy_recorder_start (recorder, path, 0, 0);
  g_assert_true (canopy_recorder_get_recording (recorder));
  g_assert_true (summary_starts (recorder, "Recording: drive.asc"));

  send_frames (sender, 0x100, 500);
  wait_frames (recorder, 500);
  /* Paused, the trace stands still; the recording does not. */
  canopy_connection_set_paused (connection, TRUE);
  send_frames (sender, 0x100 + 500, 100);
  wait_frames (recorder, 600);

  canopy_recorder_stop (recorder);
  g_assert_false (canopy_recorder_get_recording (recorder));
  g_assert_true (summary_starts (recorder, "Recorded: drive.asc — 600 frames"));
  g_assert_cmpuint (count_frames (path, 0x100), ==, 600);

  /* Again: a new file, the first one untouched. */
  g_assert_true (g_file_get_contents (path, &first_contents, NULL, NULL));
  canopy_recorder_start (recorder, path, 0, 0);
  g_assert_true (summary_starts (recorder, "Recording: drive_2.asc"));
  send_frames (sender, 0x300, 10);
  wait_frames (recorder, 10);

  /* Disconnecting ends the recording and completes the file. */
  canopy_recorder_set_connection (recorder, NULL);
  g_assert_false (canopy_recorder_get_recording (recorder));
  g_assert_true (summary_starts (recorder, "Recorded: drive_2.asc — 10 frames"));
  g_assert_cmpuint (count_frames (second, 0x300), ==, 10);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, first_contents);

  canopy_connection_close (connection);
  g_remove (path);
  g_remove (second);
  g_rmdir (dir);
}

/* Rotation by size: numbered parts that together hold every frame. */
static void
test_rotate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-recorder-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "parts.csv", NULL);
  g_autoptr(CanopyConnection) connection = open_connection ("recorder-rotate");
  g_autoptr(CanopyBus) sender = CANOPY_BUS (canopy_virtual_bus_new ("recorder-rotate", FALSE, 0));
  g_autoptr(CanopyRecorder) recorder = canopy_recorder_new ();
  guint total = 0;
  guint n_files = 0;

  canopy_recorder_set_connection (recorder, connection);
  canopy_recorder_start (recorder, path, 4000, 0);
  g_assert_true (summary_starts (recorder, "Recording: parts.csv"));
  send_frames (sender, 0x200, 1000);
  wait_frames (recorder, 1000);
  canopy_recorder_stop (recorder);
  g_assert_true (summary_starts (recorder, "Recorded: parts.csv and "));
  g_assert_nonnull (strstr (canopy_recorder_get_summary (recorder), "— 1000 frames"));

  for (;; n_files++)
    {
      g_autofree char *part = n_files == 0 ? g_strdup (path)
                                           : g_strdup_printf ("%s/parts-%03u.csv", dir, n_files);
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyLogReader) reader = NULL;
      CanopyMessage msg;

      if (!g_file_test (part, G_FILE_TEST_EXISTS))
        break;
      reader = canopy_log_reader_new_for_file (part, &error);
      g_assert_no_error (error);
      while (canopy_log_reader_next (reader, &msg, &error))
        g_assert_cmphex (msg.arbitration_id, ==, 0x200 + total++);
      g_assert_no_error (error);
      g_remove (part);
    }
  g_test_message ("%u files", n_files);
  g_assert_cmpuint (n_files, >, 2);
  g_assert_cmpuint (total, ==, 1000);

  canopy_connection_close (connection);
  g_rmdir (dir);
}

static void
on_failed (CanopyRecorder *recorder,
           const GError   *error,
           GError        **out)
{
  *out = g_error_copy (error);
}

/* A file that cannot be created: reported by a signal, recording off. */
static void
test_failure (void)
{
  g_autoptr(CanopyConnection) connection = open_connection ("recorder-failure");
  g_autoptr(CanopyRecorder) recorder = canopy_recorder_new ();
  g_autoptr(GError) failure = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_signal_connect (recorder, "failed", G_CALLBACK (on_failed), &failure);
  canopy_recorder_set_connection (recorder, connection);
  canopy_recorder_start (recorder, "/nonexistent-canopy-folder/drive.blf", 0, 0);
  while (failure == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (failure);
  g_test_message ("%s", failure->message);
  g_assert_nonnull (strstr (failure->message, "/nonexistent-canopy-folder/drive.blf"));
  g_assert_false (canopy_recorder_get_recording (recorder));
  g_assert_cmpstr (canopy_recorder_get_summary (recorder), ==, "");

  canopy_connection_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/recorder/free-path", test_free_path);
  g_test_add_func ("/app/recorder/record", test_record);
  g_test_add_func ("/app/recorder/rotate", test_rotate);
  g_test_add_func ("/app/recorder/failure", test_failure);

  return g_test_run ();
}
