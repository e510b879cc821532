/* test-log-converter.c — conversion with filters, time windows, several
 * sources, damage and cancellation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "formats-test-common.h"

static GArray *
read_all (const char  *path,
          GError     **error)
{
  return test_read_frames (path, error);
}

static char *
write_frames (const char *dir,
              const char *name,
              GArray     *frames)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);
  return path;
}

static gboolean
convert (const char *const  *inputs,
         const char         *output,
         const CanopyFilter *filters,
         guint               n_filters,
         GError            **error,
         guint64            *n_written)
{
  g_autoptr(GFile) out = g_file_new_for_path (output);
  g_autoptr(CanopyLogConverter) converter = canopy_log_converter_new (out);
  gboolean ok;

  for (guint i = 0; inputs[i] != NULL; i++)
    {
      g_autoptr(GFile) in = g_file_new_for_path (inputs[i]);

      canopy_log_converter_add_source (converter, in);
    }
  canopy_log_converter_set_filters (converter, filters, n_filters);

  ok = canopy_log_converter_convert (converter, NULL, error);
  if (n_written != NULL)
    *n_written = canopy_log_converter_get_frames_written (converter);
  return ok;
}

/* BLF to every writable format and back: the frames survive. */
static void
test_converter_formats (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (5000, TRUE, TRUE);
  g_autofree char *blf = write_frames (dir, "in.blf", frames);
  g_autoptr(GArray) want = read_all (blf, NULL);

  for (guint f = 0; f < n_test_formats; f++)
    {
      g_autofree char *name = g_strdup_printf ("out%s", test_formats[f].ext);
      g_autofree char *out = g_build_filename (dir, name, NULL);
      const char *inputs[] = { blf, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) got = NULL;
      guint64 written = 0;

      g_assert_true (convert (inputs, out, NULL, 0, &error, &written));
      g_assert_no_error (error);
      g_assert_cmpuint (written, ==, want->len);
      got = read_all (out, &error);
      g_assert_no_error (error);
      test_assert_frames (want, got, &test_formats[f], test_formats[f].ts_tolerance_ns, name);
    }

  test_rmdir (dir);
}

static void
test_converter_filters_and_window (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (3000, FALSE, FALSE);
  g_autofree char *in = write_frames (dir, "in.log", frames);
  g_autofree char *out = g_build_filename (dir, "out.log", NULL);
  g_autoptr(GArray) all = read_all (in, NULL);
  g_autoptr(GFile) in_file = g_file_new_for_path (in);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(CanopyLogConverter) converter = canopy_log_converter_new (out_file);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  CanopyFilter filter = { .can_id = 0x100, .can_mask = 0x700 };
  gint64 first = g_array_index (all, CanopyMessage, 0).timestamp_ns;
  gint64 from = g_array_index (all, CanopyMessage, 1000).timestamp_ns - first;
  gint64 to = g_array_index (all, CanopyMessage, 2000).timestamp_ns;
  guint want = 0;

  for (guint i = 0; i < all->len; i++)
    {
      const CanopyMessage *m = &g_array_index (all, CanopyMessage, i);

      if (m->timestamp_ns >= first + from && m->timestamp_ns <= to &&
          canopy_filter_matches (&filter, m))
        want++;
    }
  g_assert_cmpuint (want, >, 0);

  canopy_log_converter_add_source (converter, in_file);
  canopy_log_converter_set_filters (converter, &filter, 1);
  canopy_log_converter_set_start_time (converter, from, TRUE);
  canopy_log_converter_set_end_time (converter, to, FALSE);
  g_assert_true (canopy_log_converter_convert (converter, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_log_converter_get_frames_read (converter), ==, all->len);
  g_assert_cmpuint (canopy_log_converter_get_frames_written (converter), ==, want);
  g_assert_cmpfloat (canopy_log_converter_get_progress (converter), ==, 1.0);
  g_assert_cmpstr (canopy_log_converter_get_source_format (converter), ==, "candump");
  g_assert_cmpstr (canopy_log_converter_get_destination_format (converter), ==, "candump");

  got = read_all (out, &error);
  g_assert_cmpuint (got->len, ==, want);
  for (guint i = 0; i < got->len; i++)
    {
      const CanopyMessage *m = &g_array_index (got, CanopyMessage, i);

      g_assert_true (canopy_filter_matches (&filter, m));
      g_assert_cmpint (m->timestamp_ns, >=, first + from);
      g_assert_cmpint (m->timestamp_ns, <=, to);
    }

  test_rmdir (dir);
}

/* Two logs of two buses become one, in time order. */
static void
test_converter_merge (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) a = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autoptr(GArray) b = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *pa = NULL;
  g_autofree char *pb = NULL;
  g_autofree char *out = g_build_filename (dir, "merged.asc", NULL);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  const char *inputs[3];
  guint64 written;

  for (guint i = 0; i < 1000; i++)
    {
      CanopyMessage m;
      guint8 data[1] = { i & 0xFF };

      canopy_message_init (&m, 0x10, FALSE, data, 1);
      m.timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + i * G_GINT64_CONSTANT (2000000);
      m.channel = 0;
      g_array_append_val (a, m);
      canopy_message_init (&m, 0x20, FALSE, data, 1);
      m.timestamp_ns += G_GINT64_CONSTANT (1000000) + G_GINT64_CONSTANT (1700000000000000000) +
                        i * G_GINT64_CONSTANT (2000000);
      m.channel = 1;
      g_array_append_val (b, m);
    }
  pa = write_frames (dir, "a.blf", a);
  pb = write_frames (dir, "b.log", b);
  inputs[0] = pb;
  inputs[1] = pa;
  inputs[2] = NULL;

  g_assert_true (convert (inputs, out, NULL, 0, &error, &written));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 2000);
  got = read_all (out, &error);
  g_assert_cmpuint (got->len, ==, 2000);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpuint (g_array_index (got, CanopyMessage, i).arbitration_id, ==, i % 2 ? 0x20 : 0x10);

  test_rmdir (dir);
}

/* A damaged source: every intact frame converted, then the error; the
 * output is a complete log. */
static void
test_converter_damaged (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (20000, TRUE, FALSE);
  g_autofree char *in = write_frames (dir, "in.blf", frames);
  g_autofree char *out = g_build_filename (dir, "out.blf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  const char *inputs[] = { in, NULL };
  CanopyMessage msg;
  guint intact = 0;
  guint64 written;
  gsize len;

  g_assert_true (g_file_get_contents (in, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (in, contents, len / 2, NULL));

  reader = canopy_log_reader_new_for_file (in, NULL);
  while (canopy_log_reader_next (reader, &msg, &stream_error))
    intact++;
  g_assert_nonnull (stream_error);

  g_assert_false (convert (inputs, out, NULL, 0, &error, &written));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, stream_error->message);
  g_assert_cmpuint (written, ==, intact);
  g_clear_error (&error);

  got = read_all (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, intact);

  test_rmdir (dir);
}

static void
cancel_after_progress (GObject    *object,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  if (canopy_log_converter_get_frames_read (CANOPY_LOG_CONVERTER (object)) > 0)
    g_cancellable_cancel (user_data);
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Cancelled midway: CANCELLED, and what was written is a valid log. */
static void
test_converter_cancel (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (300000, FALSE, FALSE);
  g_autofree char *in = write_frames (dir, "in.log", frames);
  g_autofree char *out = g_build_filename (dir, "out.blf", NULL);
  g_autoptr(GFile) in_file = g_file_new_for_path (in);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(CanopyLogConverter) converter = canopy_log_converter_new (out_file);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;
  guint64 written;

  canopy_log_converter_add_source (converter, in_file);
  g_signal_connect (converter, "notify::frames-read", G_CALLBACK (cancel_after_progress), cancellable);
  canopy_log_converter_convert_async (converter, cancellable, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (canopy_log_converter_convert_finish (converter, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  written = canopy_log_converter_get_frames_written (converter);
  g_assert_cmpuint (written, >, 0);
  g_assert_cmpuint (written, <, 300000);
  got = read_all (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, written);

  /* Again, to the end. */
  g_clear_object (&result);
  g_signal_handlers_disconnect_by_func (converter, cancel_after_progress, cancellable);
  canopy_log_converter_convert_async (converter, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (canopy_log_converter_convert_finish (converter, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_log_converter_get_frames_written (converter), ==, 300000);

  test_rmdir (dir);
}

static void
test_converter_refuses (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (10, FALSE, FALSE);
  g_autofree char *in = write_frames (dir, "in.asc", frames);
  g_autofree char *missing = g_build_filename (dir, "missing.blf", NULL);
  g_autofree char *out = g_build_filename (dir, "out.asc", NULL);
  const char *same[] = { in, NULL };
  const char *none[] = { missing, NULL };
  const char *empty[] = { NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (convert (same, in, NULL, 0, &error, NULL));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (convert (none, out, NULL, 0, &error, NULL));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  g_assert_false (convert (empty, out, NULL, 0, &error, NULL));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);

  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/converter/formats", test_converter_formats);
  g_test_add_func ("/converter/filters-and-window", test_converter_filters_and_window);
  g_test_add_func ("/converter/merge", test_converter_merge);
  g_test_add_func ("/converter/damaged", test_converter_damaged);
  g_test_add_func ("/converter/cancel", test_converter_cancel);
  g_test_add_func ("/converter/refuses", test_converter_refuses);

  return g_test_run ();
}
