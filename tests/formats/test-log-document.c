/* test-log-document.c — the log document against the streaming readers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <canopy.h>

#include "canopy-log-document-private.h"
#include "formats-test-common.h"

/* Every frame the streaming reader delivers, and how it ended. */
typedef struct
{
  GArray *frames;
  GError *error;
} Stream;

static void
stream_clear (Stream *stream)
{
  g_clear_pointer (&stream->frames, g_array_unref);
  g_clear_error (&stream->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Stream, stream_clear)

static void
read_stream (const char *path,
             Stream     *stream)
{
  g_autoptr(GError) error = NULL;
  /* Through a GFile as the document does: the same file name in messages
   * (GIO writes Windows paths with backslashes). */
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_gfile (file, NULL, &error);
  CanopyMessage msg;

  g_assert_no_error (error);
  stream->frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  while (canopy_log_reader_next (reader, &msg, &stream->error))
    g_array_append_val (stream->frames, msg);
}

static void
assert_same_frame (const CanopyMessage *want,
                   const CanopyMessage *got,
                   guint                position)
{
  guint len = (want->flags & CANOPY_MESSAGE_REMOTE) ? 0 : MIN (want->dlc, CANOPY_MESSAGE_MAX_DATA);

  if (want->timestamp_ns != got->timestamp_ns ||
      want->arbitration_id != got->arbitration_id ||
      want->flags != got->flags ||
      want->dlc != got->dlc ||
      want->channel != got->channel ||
      memcmp (want->data, got->data, len) != 0)
    {
      g_autofree char *a = test_frame_to_string (want);
      g_autofree char *b = test_frame_to_string (got);

      g_error ("frame %u differs:\n  stream:   %s\n  document: %s", position, a, b);
    }
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
load (CanopyLogDocument  *doc,
      GCancellable       *cancellable,
      GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  canopy_log_document_load_async (doc, cancellable, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return canopy_log_document_load_finish (doc, result, error);
}

/* The document of @path holds exactly the stream's frames, read in order,
 * backwards, at random and as list items, and the same damage. */
static void
check_document_with (const char *path,
                     guint       n_backwards,
                     guint       n_random)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CanopyLogDocument) doc = canopy_log_document_new (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_auto(Stream) stream = { 0 };
  const GError *damage;
  CanopyMessage msg;
  guint n;

  read_stream (path, &stream);

  g_assert_true (load (doc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_log_document_get_loaded (doc));

  n = stream.frames->len;
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), ==, n);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (doc)), ==, n);
  g_assert_cmpuint (canopy_log_summary_get_n_frames (canopy_log_document_get_summary (doc)), ==, n);

  damage = canopy_log_document_get_error (doc);
  if (stream.error != NULL)
    {
      g_assert_nonnull (damage);
      g_assert_cmpstr (damage->message, ==, stream.error->message);
    }
  else
    g_assert_null (damage);

  for (guint i = 0; i < n; i++)
    {
      g_assert_true (canopy_log_document_get_message (doc, i, &msg, &error));
      g_assert_no_error (error);
      assert_same_frame (&g_array_index (stream.frames, CanopyMessage, i), &msg, i);
    }

  for (guint i = n; i > 0 && i > n - MIN (n, n_backwards); i--)
    {
      canopy_log_document_get_message (doc, i - 1, &msg, &error);
      g_assert_no_error (error);
      assert_same_frame (&g_array_index (stream.frames, CanopyMessage, i - 1), &msg, i - 1);
    }

  for (guint k = 0; n > 0 && k < n_random; k++)
    {
      guint i = g_rand_int_range (rand, 0, n);

      g_assert_true (canopy_log_document_get_message (doc, i, &msg, &error));
      g_assert_no_error (error);
      assert_same_frame (&g_array_index (stream.frames, CanopyMessage, i), &msg, i);
    }

  for (guint k = 0; n > 0 && k < 50; k++)
    {
      guint i = g_rand_int_range (rand, 0, n);
      g_autoptr(CanopyFrameItem) item = g_list_model_get_item (G_LIST_MODEL (doc), i);

      g_assert_nonnull (item);
      g_assert_cmpuint (canopy_frame_item_get_position (item), ==, i);
      assert_same_frame (&g_array_index (stream.frames, CanopyMessage, i),
                         canopy_frame_item_get_message (item), i);
    }

  g_assert_null (g_list_model_get_item (G_LIST_MODEL (doc), n));
  g_assert_false (canopy_log_document_get_message (doc, n, &msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

static void
check_document (const char *path)
{
  check_document_with (path, 400, 600);
}

static void
test_document_testdata (void)
{
  const char *testdata = g_getenv ("CANOPY_TESTDATA");
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint checked = 0;

  if (testdata == NULL)
    {
      g_test_skip ("CANOPY_TESTDATA is not set");
      return;
    }

  dir_path = g_build_filename (testdata, "python-can", NULL);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(CanopyLogReader) reader = NULL;

      /* Only logs: the folder has other files too. */
      if (!(reader = canopy_log_reader_new_for_file (path, NULL)))
        continue;
      g_clear_object (&reader);

      g_test_message ("%s", name);
      check_document (path);
      checked++;
    }

  g_assert_cmpuint (checked, >=, 20);
}

static const char *const generated_extensions[] = {
  ".blf", ".asc", ".asc.gz", ".csv", ".log", ".log.gz", ".db",
};

static char *
write_generated (const char *dir,
                 const char *ext,
                 guint       n_frames)
{
  g_autoptr(GArray) frames = test_make_frames (n_frames, TRUE, TRUE);
  g_autoptr(GError) error = NULL;
  char *path = g_strdup_printf ("%s/frames%s", dir, ext);

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);
  return path;
}

/* Enough frames for many checkpoints and BLF containers (whose objects
 * span container boundaries). */
static void
test_document_generated (gconstpointer data)
{
  const char *ext = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ext, 30000);

  check_document (path);
  test_rmdir (dir);
}

/* Cut the file: the document keeps what the stream keeps. */
static void
test_document_truncated (gconstpointer data)
{
  const char *ext = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ext, 20000);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_true (g_file_set_contents (path, contents, len * 3 / 5 + 7, &error));
  g_assert_no_error (error);

  check_document (path);

  /* A text line cut short may still be a frame; a BLF file cut inside a
   * log container is damage. */
  if (g_str_equal (ext, ".blf"))
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(CanopyLogDocument) doc = canopy_log_document_new (file);
    const GError *damage;

    g_assert_true (load (doc, NULL, &error));
    g_assert_cmpuint (canopy_log_document_get_n_items (doc), >, 20000 / 2);
    g_assert_cmpuint (canopy_log_document_get_n_items (doc), <, 20000);
    damage = canopy_log_document_get_error (doc);
    g_assert_nonnull (damage);
    /* The damage says where. */
    g_assert_true (strstr (damage->message, "offset") != NULL ||
                   strstr (damage->message, "line") != NULL ||
                   strstr (damage->message, "byte") != NULL);
  }

  test_rmdir (dir);
}

/* Damaged BLF files (log containers garbled, without signature, with an
 * implausible size; bits flipped; cuts), generated and real: the document
 * holds exactly the frames the streaming reader delivers, and the same
 * damage. */
static void
test_document_blf_damaged (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ".blf", 60000);
  g_autofree char *bad = g_build_filename (dir, "bad.blf", NULL);
  g_autofree guint8 *contents = NULL;
  g_autoptr(GArray) containers = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, (char **) &contents, &len, &error));
  for (gsize pos = 144; pos + 16 <= len;)
    {
      guint32 size;

      memcpy (&size, contents + pos + 8, sizeof size);  /* unaligned in the file */
      size = GUINT32_FROM_LE (size);

      g_array_append_val (containers, pos);
      pos += size + size % 4;
    }
  g_assert_cmpuint (containers->len, >=, 12);

  for (guint how = 0; how < 5; how++)
    for (guint k = 2; k < containers->len; k += 5)
      {
        g_autofree guint8 *copy = g_memdup2 (contents, len);
        gsize at = g_array_index (containers, gsize, k);
        gsize damaged_len = len;

        switch (how)
          {
          case 0: memset (copy + at + 32 + 3000, 0x5A, 16); break;    /* garbled */
          case 1: memcpy (copy + at, "XXXX", 4); break;               /* no signature */
          case 2: copy[at + 11] = 0x7F; break;                        /* implausible size */
          case 3: copy[at + 500 + k] ^= 1 << (k % 8); break;          /* one bit */
          case 4: damaged_len = at + 700 + k; break;                  /* cut */
          }
        g_assert_true (g_file_set_contents (bad, (char *) copy, damaged_len, &error));
        g_test_message ("container %u damage %u", k, how);
        check_document_with (bad, 100, 200);
      }

  /* The real files, cut and with a bit flipped every few bytes. */
  for (guint f = 0; f < 2; f++)
    {
      static const char * const names[] = { "issue_1905.blf", "test_CanFdMessage64.blf" };
      g_autofree char *source = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "python-can", names[f], NULL);
      g_autofree guint8 *real = NULL;
      gsize real_len;

      if (!g_file_get_contents (source, (char **) &real, &real_len, NULL))
        continue;
      for (gsize offset = 144; offset < real_len; offset += 5)
        {
          g_assert_true (g_file_set_contents (bad, (char *) real, offset, &error));
          check_document_with (bad, 5, 5);
          real[offset] ^= 0x10;
          g_assert_true (g_file_set_contents (bad, (char *) real, real_len, &error));
          real[offset] ^= 0x10;
          check_document_with (bad, 5, 5);
        }
    }

  g_unlink (bad);
  g_unlink (path);
  test_rmdir (dir);
}

/* Garbage in the middle of a text log: the frames before it, and the
 * damage naming its line. */
static void
test_document_damaged (gconstpointer data)
{
  const char *ext = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ext, 20000);
  g_autofree char *contents = NULL;
  g_autoptr(GString) damaged = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(CanopyLogDocument) doc = NULL;
  const GError *damage;
  char *middle;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  middle = strchr (contents + len / 2, '\n') + 1;
  damaged = g_string_new_len (contents, middle - contents);
  g_string_append (damaged, "(1700000000.000000) can0 12#zz-not-hex\n");
  g_string_append (damaged, middle);
  g_assert_true (g_file_set_contents (path, damaged->str, damaged->len, &error));

  check_document (path);

  file = g_file_new_for_path (path);
  doc = canopy_log_document_new (file);
  g_assert_true (load (doc, NULL, &error));
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), >, 20000 / 3);
  /* A reader that stops at the bad line says where; one that skips it
   * (tolerant parsing) keeps every frame. */
  damage = canopy_log_document_get_error (doc);
  if (damage != NULL)
    {
      g_assert_cmpuint (canopy_log_document_get_n_items (doc), <, 20000);
      g_assert_nonnull (strstr (damage->message, "line"));
    }
  else
    g_assert_cmpuint (canopy_log_document_get_n_items (doc), ==, 20000);

  g_clear_object (&doc);
  test_rmdir (dir);
}

/* A gzipped log long enough for several access points (every 4 MiB of
 * text): going back starts from the nearest one. */
static void
test_document_gzip_points (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ".log.gz", 160000);

  /* Each jump back inflates up to 4 MiB: fewer of them. */
  check_document_with (path, 100, 150);
  test_rmdir (dir);
}

static void
cancel_on_first_rows (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    user_data)
{
  if (g_list_model_get_n_items (model) > 0)
    g_cancellable_cancel (user_data);
}

static void
test_document_cancel (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ".blf", 400000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CanopyLogDocument) doc = canopy_log_document_new (file);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  gulong handler;

  /* Cancelled before it starts. */
  g_cancellable_cancel (cancellable);
  g_assert_false (load (doc, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (canopy_log_document_get_loaded (doc));
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), ==, 0);

  /* Cancelled when the first rows show (usually midway: the loader may
   * win the race on an idle machine, and the load still counts as
   * cancelled). */
  g_cancellable_reset (cancellable);
  handler = g_signal_connect (doc, "items-changed", G_CALLBACK (cancel_on_first_rows), cancellable);
  g_assert_false (load (doc, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_signal_handler_disconnect (doc, handler);
  g_assert_false (canopy_log_document_get_loaded (doc));
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), >, 0);
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), <=, 400000);
  g_test_message ("cancelled after %u of 400000 frames", canopy_log_document_get_n_items (doc));

  /* Again, to the end. */
  g_assert_true (load (doc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_log_document_get_loaded (doc));
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), ==, 400000);
  g_assert_cmpfloat (canopy_log_document_get_progress (doc), ==, 1.0);
  /* One checkpoint per log container: far below a byte per frame. */
  g_assert_cmpfloat ((double) _canopy_log_document_get_index_bytes (doc) / 400000, <, 0.1);
  g_assert_true (canopy_log_document_get_message (doc, 399999, &msg, &error));
  g_assert_true (canopy_log_document_get_message (doc, 123456, &msg, &error));
  g_assert_no_error (error);

  g_clear_object (&doc);
  test_rmdir (dir);
}

/* Rows arrive in batches while loading, before the load finishes. */
static void
count_batches (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               gpointer    user_data)
{
  guint *batches = user_data;

  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (added, >, 0);
  (*batches)++;
}

static void
test_document_batches (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ".log", 300000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CanopyLogDocument) doc = canopy_log_document_new (file);
  g_autoptr(GError) error = NULL;
  guint batches = 0;

  g_signal_connect (doc, "items-changed", G_CALLBACK (count_batches), &batches);
  g_assert_true (load (doc, NULL, &error));
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), ==, 300000);
  /* Not one per frame, not one at the end. */
  g_assert_cmpuint (batches, >=, 1);
  g_assert_cmpuint (batches, <, 300000 / 1000);

  g_clear_object (&doc);
  test_rmdir (dir);
}

static void
test_document_find_time (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_generated (dir, ".blf", 50000);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CanopyLogDocument) doc = canopy_log_document_new (file);
  g_autoptr(GError) error = NULL;
  g_auto(Stream) stream = { 0 };
  guint n;

  read_stream (path, &stream);
  n = stream.frames->len;
  g_assert_true (load (doc, NULL, &error));

  for (guint i = 0; i < n; i += 997)
    {
      const CanopyMessage *m = &g_array_index (stream.frames, CanopyMessage, i);
      guint want = i;

      /* The first frame with that time. */
      while (want > 0 && g_array_index (stream.frames, CanopyMessage, want - 1).timestamp_ns >= m->timestamp_ns)
        want--;
      g_assert_cmpuint (canopy_log_document_find_time (doc, m->timestamp_ns), ==, want);
    }

  g_assert_cmpuint (canopy_log_document_find_time (doc, G_MININT64), ==, 0);
  g_assert_cmpuint (canopy_log_document_find_time (doc, G_MAXINT64), ==, n - 1);

  g_clear_object (&doc);
  test_rmdir (dir);
}

static void
test_document_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/log.blf");
  g_autoptr(CanopyLogDocument) doc = canopy_log_document_new (file);
  g_autoptr(GError) error = NULL;

  g_assert_false (load (doc, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (canopy_log_document_get_loaded (doc));
  g_assert_cmpuint (canopy_log_document_get_n_items (doc), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/document/testdata", test_document_testdata);
  g_test_add_func ("/document/blf/damaged", test_document_blf_damaged);
  for (guint i = 0; i < G_N_ELEMENTS (generated_extensions); i++)
    {
      g_autofree char *name = g_strdup_printf ("/document/generated/%s", generated_extensions[i] + 1);
      g_autofree char *cut = g_strdup_printf ("/document/truncated/%s", generated_extensions[i] + 1);

      g_test_add_data_func (name, generated_extensions[i], test_document_generated);
      /* A cut SQLite database is not a database any more. */
      if (!g_str_equal (generated_extensions[i], ".db"))
        g_test_add_data_func (cut, generated_extensions[i], test_document_truncated);
    }
  g_test_add_data_func ("/document/damaged/log", ".log", test_document_damaged);
  g_test_add_func ("/document/gzip-points", test_document_gzip_points);
  g_test_add_func ("/document/cancel", test_document_cancel);
  g_test_add_func ("/document/batches", test_document_batches);
  g_test_add_func ("/document/find-time", test_document_find_time);
  g_test_add_func ("/document/missing-file", test_document_missing_file);

  return g_test_run ();
}
