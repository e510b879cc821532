/* test-log-format.c: the log format registry
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <canopy.h>

static void
test_registry (void)
{
  g_autoptr(GListModel) formats = canopy_log_format_list ();
  CanopyLogFormat *asc, *trc, *printer;
  const char * const *globs;

  g_assert_cmpuint (g_list_model_get_n_items (formats), >=, 7);

  for (guint i = 0; i < g_list_model_get_n_items (formats); i++)
    {
      g_autoptr(CanopyLogFormat) format = g_list_model_get_item (formats, i);

      g_assert_nonnull (canopy_log_format_get_description (format));
      g_assert_true (canopy_log_format_get_can_read (format) ==
                     (canopy_log_format_get_reader_type (format) != G_TYPE_INVALID));
      g_assert_true (canopy_log_format_get_can_write (format) ==
                     (canopy_log_format_get_writer_type (format) != G_TYPE_INVALID));
      g_assert_true (canopy_log_format_lookup (canopy_log_format_get_name (format)) == format);
    }

  asc = canopy_log_format_lookup ("asc");
  g_assert_true (canopy_log_format_get_reader_type (asc) == CANOPY_TYPE_ASC_READER);
  g_assert_true (canopy_log_format_get_writer_type (asc) == CANOPY_TYPE_ASC_WRITER);
  globs = canopy_log_format_get_globs (asc);
  g_assert_true (g_strv_contains (globs, "*.asc"));
  g_assert_true (g_strv_contains (globs, "*.asc.gz"));

  trc = canopy_log_format_lookup ("trc");
  g_assert_true (canopy_log_format_get_can_read (trc));
  g_assert_false (canopy_log_format_get_can_write (trc));

  g_assert_cmpstr (canopy_log_format_get_mime_type (canopy_log_format_lookup ("sqlite")), ==,
                   "application/vnd.sqlite3");
  g_assert_false (canopy_log_format_get_compressible (canopy_log_format_lookup ("blf")));

  /* By file name, whatever the case; .gz only for compressible formats. */
  g_assert_true (canopy_log_format_lookup_for_path ("/x/TRACE.ASC") == asc);
  g_assert_true (canopy_log_format_lookup_for_path ("trace.asc.gz") == asc);
  g_assert_true (canopy_log_format_lookup_for_path ("a.blf") == canopy_log_format_lookup ("blf"));
  g_assert_null (canopy_log_format_lookup_for_path ("a.blf.gz"));
  g_assert_null (canopy_log_format_lookup_for_path ("a.txt"));
  g_assert_null (canopy_log_format_lookup ("nope"));

  /* The printer writes any other name and has no extension of its own. */
  printer = canopy_log_format_lookup ("printer");
  g_assert_true (canopy_log_format_get_can_write (printer));
  g_assert_false (canopy_log_format_get_can_read (printer));
  g_assert_null (canopy_log_format_get_extensions (printer)[0]);
}

/* The abstract writer and reader pick the format from the registry. */
static void
test_new_for_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-log-format-XXXXXX", NULL);
  g_autofree char *asc_path = g_build_filename (dir, "t.asc", NULL);
  g_autofree char *txt_path = g_build_filename (dir, "t.txt", NULL);
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(CanopyLogWriter) printer = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, back;

  canopy_message_init (&msg, 0x123, FALSE, (const guint8 *) "\1\2\3", 3);

  writer = canopy_log_writer_new_for_file (asc_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canopy_log_writer_get_format (writer), ==, "asc");
  g_assert_true (canopy_log_writer_write (writer, &msg, &error));
  g_assert_true (canopy_log_writer_close (writer, &error));
  g_assert_no_error (error);

  reader = canopy_log_reader_new_for_file (asc_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canopy_log_reader_get_format (reader), ==, "asc");
  g_assert_true (canopy_log_reader_next (reader, &back, &error));
  g_assert_cmphex (back.arbitration_id, ==, 0x123);
  g_assert_cmpmem (back.data, back.dlc, "\1\2\3", 3);

  printer = canopy_log_writer_new_for_file (txt_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canopy_log_writer_get_format (printer), ==, "printer");
  g_assert_true (canopy_log_writer_close (printer, &error));

  g_unlink (asc_path);
  g_unlink (txt_path);
  g_rmdir (dir);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    data)
{
  (*(guint *) data)++;
}

/* Counters notify on the main context, coalesced: thousands of frames,
 * one or two notifications, never one per frame. */
static void
test_counters_notify (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-log-format-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.csv", NULL);
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  guint n_written = 0, n_read = 0;
  CanopyMessage msg;

  writer = canopy_log_writer_new_for_file (path, &error);
  g_assert_no_error (error);
  g_signal_connect (writer, "notify::written", G_CALLBACK (count_notify), &n_written);
  canopy_message_init (&msg, 0x123, FALSE, (const guint8 *) "\1\2\3", 3);
  for (guint i = 0; i < 5000; i++)
    g_assert_true (canopy_log_writer_write (writer, &msg, &error));
  g_assert_true (canopy_log_writer_close (writer, &error));
  g_assert_cmpuint (n_written, ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (n_written, ==, 1);
  g_assert_cmpuint (canopy_log_writer_get_written (writer), ==, 5000);

  reader = canopy_log_reader_new_for_file (path, &error);
  g_assert_no_error (error);
  g_signal_connect (reader, "notify::fraction", G_CALLBACK (count_notify), &n_read);
  while (canopy_log_reader_next (reader, &msg, &error))
    ;
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (n_read, >=, 1);
  g_assert_cmpuint (n_read, <=, 2);
  g_assert_cmpfloat (canopy_log_reader_get_fraction (reader), ==, 1.0);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/log-format/registry", test_registry);
  g_test_add_func ("/log-format/new-for-file", test_new_for_file);
  g_test_add_func ("/log-format/counters-notify", test_counters_notify);

  return g_test_run ();
}
