/* test-rotating.c — a recording split into numbered files by size and by
 * time, in every writable format: every frame once, in order, each file a
 * complete log on its own (Canopy's readers, python-can 4.1, BLF header
 * statistics).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "canopy-test-python.h"
#include "formats-test-common.h"

typedef struct
{
  const char *ext;
  gboolean    python;      /* python-can 4.1 reads it (the peer) */
  gboolean    exact_size;  /* get_size() counts the file's bytes exactly */
  guint       n_frames;    /* for the size test: enough for several files */
  guint64     rotate_size;
} RotFormat;

static const RotFormat rot_formats[] = {
  { ".blf",    TRUE,  FALSE, 4000,  48 * 1024 },
  { ".asc",    TRUE,  TRUE,  4000,  48 * 1024 },
  { ".csv",    TRUE,  TRUE,  4000,  48 * 1024 },
  { ".log",    TRUE,  TRUE,  4000,  48 * 1024 },
  { ".db",     FALSE, FALSE, 4000,  32 * 1024 },
  /* gzip text counts what the compressor let out (256 KiB of text at a
   * time): more frames for several files. */
  { ".asc.gz", FALSE, FALSE, 30000, 16 * 1024 },
};

/* Classic frames every format keeps whole; times on whole microseconds, so
 * every format (and python-can's doubles) gives them back exactly. */
static GArray *
make_frames (guint  n,
             gint64 step_ns)
{
  GArray *frames = g_array_sized_new (FALSE, TRUE, sizeof (CanopyMessage), n);
  gint64 ts = G_GINT64_CONSTANT (1700000000000000000);

  for (guint i = 0; i < n; i++)
    {
      CanopyMessage msg;
      guint8 data[8];

      for (guint j = 0; j < 8; j++)
        data[j] = (guint8) (i * 7 + j);
      canopy_message_init (&msg, (i % 5 == 0) ? 0x18DAF100 + (i % 256) : 0x100 + (i % 0x600),
                           i % 5 == 0, data, i % 9);
      msg.timestamp_ns = ts + (gint64) i * step_ns;
      msg.channel = 0;
      g_array_append_val (frames, msg);
    }

  return frames;
}

static void
assert_same_frame (const CanopyMessage *want,
                   const CanopyMessage *got,
                   const char          *where,
                   guint                index)
{
  gboolean ext_want = (want->flags & CANOPY_MESSAGE_EXTENDED) != 0;
  gboolean ext_got = (got->flags & CANOPY_MESSAGE_EXTENDED) != 0;

  if (want->arbitration_id != got->arbitration_id || ext_want != ext_got ||
      want->dlc != got->dlc || memcmp (want->data, got->data, want->dlc) != 0 ||
      ABS (want->timestamp_ns - got->timestamp_ns) > 1000)
    {
      g_autofree char *a = canopy_message_to_string (want);
      g_autofree char *b = canopy_message_to_string (got);

      g_error ("%s: frame %u differs\n  want %s\n  got  %s", where, index, a, b);
    }
}

static guint32
read_u32 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
read_u64 (const guint8 *p)
{
  return read_u32 (p) | ((guint64) read_u32 (p + 4) << 32);
}

/* The BLF file header of a closed part counts exactly that part. */
static void
assert_blf_header (const char *path,
                   guint       n_objects)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >=, 144);
  g_assert_cmpmem (contents, 4, "LOGG", 4);
  g_assert_cmpuint (read_u64 ((guint8 *) contents + 16), ==, len);
  g_assert_cmpuint (read_u32 ((guint8 *) contents + 32), ==, n_objects);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Reads back every part of the recording in order, with Canopy's reader and
 * (where it reads the format) python-can, and checks it holds exactly
 * @frames. Returns the number of frames in each part. */
static GArray *
check_recording (CanopyRotatingWriter *writer,
                 const RotFormat      *format,
                 GArray               *frames)
{
  GArray *counts = g_array_new (FALSE, TRUE, sizeof (guint));
  guint n_files = canopy_rotating_writer_get_n_files (writer);
  guint next = 0;
  guint next_py = 0;
  g_autofree char *past = canopy_rotating_writer_dup_file_path (writer, n_files);

  g_assert_null (past);

  for (guint f = 0; f < n_files; f++)
    {
      g_autofree char *path = canopy_rotating_writer_dup_file_path (writer, f);
      g_autoptr(GArray) got = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      got = test_read_frames (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (got->len, >, 0);
      g_assert_cmpuint (next + got->len, <=, frames->len);
      for (guint i = 0; i < got->len; i++)
        assert_same_frame (&g_array_index (frames, CanopyMessage, next + i),
                           &g_array_index (got, CanopyMessage, i), path, i);
      next += got->len;
      g_array_append_val (counts, got->len);

      if (g_str_has_suffix (path, ".blf"))
        assert_blf_header (path, got->len);

      if (format->python && canopy_test_have_python3 ())
        {
          g_autofree char *err = NULL;
          g_autoptr(GArray) py = test_python_dump (path, &err);

          g_assert_null (err);
          g_assert_cmpuint (py->len, ==, got->len);
          for (guint i = 0; i < py->len; i++)
            assert_same_frame (&g_array_index (frames, CanopyMessage, next_py + i),
                               &g_array_index (py, CanopyMessage, i), path, i);
          next_py += py->len;
        }
    }

  /* Every frame, once, in order. */
  g_assert_cmpuint (next, ==, frames->len);

  /* No part beyond those counted. */
  {
    g_autofree char *stem = canopy_rotating_writer_dup_file_path (writer, 0);
    g_autofree char *extra = NULL;
    char *dot = strstr (stem, format->ext);

    g_assert_nonnull (dot);
    *dot = '\0';
    extra = g_strdup_printf ("%s-%03u%s", stem, n_files, format->ext);
    g_assert_false (g_file_test (extra, G_FILE_TEST_EXISTS));
  }

  return counts;
}

static CanopyRotatingWriter *
write_rotating (const char *path,
                guint64     rotate_size,
                double      rotate_time,
                GArray     *frames)
{
  g_autoptr(CanopyRotatingWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  writer = canopy_rotating_writer_new (path, rotate_size, rotate_time, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < frames->len; i++)
    {
      canopy_log_writer_write (CANOPY_LOG_WRITER (writer), &g_array_index (frames, CanopyMessage, i), &error);
      g_assert_no_error (error);
    }
  canopy_log_writer_close (CANOPY_LOG_WRITER (writer), &error);
  g_assert_no_error (error);

  g_assert_cmpuint (canopy_log_writer_get_written (CANOPY_LOG_WRITER (writer)), ==, frames->len);

  return g_steal_pointer (&writer);
}

static void
test_rotate_size (gconstpointer data)
{
  const RotFormat *format = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/drive", format->ext, NULL);
  g_autoptr(GArray) frames = make_frames (format->n_frames, 1000000);
  g_autoptr(CanopyRotatingWriter) writer = write_rotating (path, format->rotate_size, 0, frames);
  g_autoptr(GArray) counts = NULL;
  guint n_files = canopy_rotating_writer_get_n_files (writer);

  g_assert_cmpuint (n_files, >=, 3);
  g_assert_cmpstr (canopy_log_writer_get_format (CANOPY_LOG_WRITER (writer)), ==,
                   canopy_log_format_get_name (canopy_log_format_lookup_for_path (path)));
  counts = check_recording (writer, format, frames);

  /* A part closes once it holds the limit: text files exactly (at most one
   * line over), the others by the format's estimate. */
  for (guint f = 0; f + 1 < n_files; f++)
    {
      g_autofree char *part = canopy_rotating_writer_dup_file_path (writer, f);
      guint64 size = file_size (part);

      if (format->exact_size)
        {
          g_assert_cmpuint (size, >=, format->rotate_size);
          g_assert_cmpuint (size, <, format->rotate_size + 256);
        }
      else if (g_str_has_suffix (part, ".blf"))
        /* Counted uncompressed, as python-can does: never far over. */
        g_assert_cmpuint (size, <=, format->rotate_size + 1024);
    }

  for (guint f = 0; f < n_files; f++)
    {
      g_autofree char *part = canopy_rotating_writer_dup_file_path (writer, f);
      g_unlink (part);
    }
  test_rmdir (dir);
}

static void
test_rotate_time (gconstpointer data)
{
  const RotFormat *format = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/drive", format->ext, NULL);
  /* 10 s of frames every 10 ms, in files of 2.5 s: 4 files of 250. */
  g_autoptr(GArray) frames = make_frames (1000, 10000000);
  g_autoptr(CanopyRotatingWriter) writer = write_rotating (path, 0, 2.5, frames);
  g_autoptr(GArray) counts = NULL;
  g_autofree char *last = NULL;

  g_assert_cmpuint (canopy_rotating_writer_get_n_files (writer), ==, 4);
  counts = check_recording (writer, format, frames);
  for (guint f = 0; f < 4; f++)
    g_assert_cmpuint (g_array_index (counts, guint, f), ==, 250);

  last = canopy_rotating_writer_dup_current_path (writer);
  g_assert_nonnull (strstr (last, "/drive-003."));

  for (guint f = 0; f < 4; f++)
    {
      g_autofree char *part = canopy_rotating_writer_dup_file_path (writer, f);
      g_unlink (part);
    }
  test_rmdir (dir);
}

/* Size and time together: whichever comes first. */
static void
test_rotate_both (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/both.log", NULL);
  /* 1000 frames over 10 s; the time limit cuts at 4 s, the size limit
   * (about 35 bytes a line) every 8 KiB. */
  g_autoptr(GArray) frames = make_frames (1000, 10000000);
  g_autoptr(CanopyRotatingWriter) writer = write_rotating (path, 8192, 4, frames);
  g_autoptr(GArray) counts = NULL;
  guint n_files = canopy_rotating_writer_get_n_files (writer);

  counts = check_recording (writer, &rot_formats[3], frames);
  g_assert_cmpuint (n_files, >, 3);
  for (guint f = 0; f < n_files; f++)
    {
      g_autofree char *part = canopy_rotating_writer_dup_file_path (writer, f);

      g_assert_cmpuint (g_array_index (counts, guint, f), <=, 400);
      g_unlink (part);
    }
  test_rmdir (dir);
}

/* Names: the number goes before the whole extension; without rotation the
 * recording is the one file named. */
static void
test_names (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *gz = g_strconcat (dir, "/run.v2.csv.gz", NULL);
  g_autofree char *plain = g_strconcat (dir, "/single.asc", NULL);
  g_autoptr(GArray) frames = make_frames (300, 10000000);
  g_autoptr(CanopyRotatingWriter) a = write_rotating (gz, 0, 1, frames);
  g_autoptr(CanopyRotatingWriter) b = write_rotating (plain, 0, 0, frames);
  g_autofree char *a1 = canopy_rotating_writer_dup_file_path (a, 1);
  g_autofree char *b0 = canopy_rotating_writer_dup_file_path (b, 0);
  g_autofree char *want_a1 = g_strconcat (dir, "/run.v2-001.csv.gz", NULL);

  g_assert_cmpuint (canopy_rotating_writer_get_n_files (a), ==, 3);
  g_assert_cmpstr (a1, ==, want_a1);
  g_assert_cmpuint (canopy_rotating_writer_get_n_files (b), ==, 1);
  g_assert_cmpstr (b0, ==, plain);
  g_assert_cmpstr (canopy_log_writer_get_format (CANOPY_LOG_WRITER (a)), ==, "csv");

  for (guint f = 0; f < 3; f++)
    {
      g_autofree char *part = canopy_rotating_writer_dup_file_path (a, f);
      g_unlink (part);
    }
  g_unlink (plain);
  test_rmdir (dir);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GHashTable *seen = user_data;
  const char *name = g_param_spec_get_name (pspec);

  g_hash_table_insert (seen, (gpointer) name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, name)) + 1));
}

/* current-path, n-files and written notify on the writer's main context,
 * coalesced: frames written on another thread, as a Notifier does. */
static gpointer
write_thread (gpointer data)
{
  CanopyLogWriter *writer = data;
  g_autoptr(GArray) frames = make_frames (1000, 10000000);

  for (guint i = 0; i < frames->len; i++)
    canopy_listener_on_message_received (CANOPY_LISTENER (writer), &g_array_index (frames, CanopyMessage, i));
  return NULL;
}

static void
test_notify (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/notify.blf", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(CanopyRotatingWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;
  GThread *thread;
  gint64 deadline;

  writer = canopy_rotating_writer_new (path, 0, 2.5, &error);
  g_assert_no_error (error);
  g_signal_connect (writer, "notify", G_CALLBACK (count_notify), seen);

  thread = g_thread_new ("writer", write_thread, writer);
  g_thread_join (thread);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((g_hash_table_lookup (seen, "n-files") == NULL ||
          g_hash_table_lookup (seen, "written") == NULL) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  /* Three rotations, published at most a few times, not once per frame. */
  g_assert_nonnull (g_hash_table_lookup (seen, "n-files"));
  g_assert_nonnull (g_hash_table_lookup (seen, "current-path"));
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (seen, "written")), <, 10);
  g_assert_cmpuint (canopy_rotating_writer_get_n_files (writer), ==, 4);
  current = canopy_rotating_writer_dup_current_path (writer);
  g_assert_true (g_str_has_suffix (current, "/notify-003.blf"));

  canopy_listener_stop (CANOPY_LISTENER (writer));
  for (guint f = 0; f < 4; f++)
    {
      g_autofree char *part = canopy_rotating_writer_dup_file_path (writer, f);
      g_unlink (part);
    }
  test_rmdir (dir);
}

/* The next part cannot be created: a GError from write() (and dup_error()
 * for listeners), never a warning; the parts before it are complete. */
static void
test_next_file_fails (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/broken.blf", NULL);
  g_autofree char *blocker = g_strconcat (dir, "/broken-001.blf", NULL);
  g_autoptr(GArray) frames = make_frames (1000, 10000000);
  g_autoptr(CanopyRotatingWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) kept = NULL;
  g_autoptr(GArray) got = NULL;
  guint i;

  /* A directory where the second part should go. */
  g_assert_cmpint (g_mkdir (blocker, 0755), ==, 0);

  writer = canopy_rotating_writer_new (path, 0, 2.5, &error);
  g_assert_no_error (error);
  for (i = 0; i < frames->len; i++)
    if (!canopy_log_writer_write (CANOPY_LOG_WRITER (writer), &g_array_index (frames, CanopyMessage, i), &error))
      break;

  /* The format's own error (BLF: G_IO_ERROR_IS_DIRECTORY), named. */
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "broken-001.blf"));
  g_assert_cmpuint (i, ==, 250);
  kept = canopy_log_writer_dup_error (CANOPY_LOG_WRITER (writer));
  g_assert_error (kept, error->domain, error->code);
  g_assert_cmpuint (canopy_rotating_writer_get_n_files (writer), ==, 1);

  g_clear_error (&error);
  canopy_log_writer_close (CANOPY_LOG_WRITER (writer), &error);
  g_assert_no_error (error);

  got = test_read_frames (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 250);
  assert_blf_header (path, 250);

  g_unlink (path);
  g_rmdir (blocker);
  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rot_formats); i++)
    {
      g_autofree char *size_name = g_strdup_printf ("/rotating/size/%s", rot_formats[i].ext + 1);
      g_autofree char *time_name = g_strdup_printf ("/rotating/time/%s", rot_formats[i].ext + 1);

      g_test_add_data_func (size_name, &rot_formats[i], test_rotate_size);
      g_test_add_data_func (time_name, &rot_formats[i], test_rotate_time);
    }
  g_test_add_func ("/rotating/both", test_rotate_both);
  g_test_add_func ("/rotating/names", test_names);
  g_test_add_func ("/rotating/notify", test_notify);
  g_test_add_func ("/rotating/next-file-fails", test_next_file_fails);

  return g_test_run ();
}
