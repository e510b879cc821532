/* test-formats-alloc.c — readers and writers do not allocate per frame
 *
 * The test program counts the malloc/calloc/realloc calls of the thread
 * that writes and reads (canopy-test-alloc.h), after a warm-up. Worker threads (BLF containers, the SQLite writer) work per
 * block and are not counted.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "formats-test-common.h"

#include "canopy-test-alloc.h"

#define WARM_UP 1000
#define COUNTED 20000

static void
test_no_per_frame_allocation (void)
{
#ifdef COUNT_ALLOCATIONS
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (WARM_UP + COUNTED, TRUE, TRUE);
  g_autoptr(GListModel) formats = NULL;

  formats = canopy_log_format_list ();

  for (guint i = 0; i < g_list_model_get_n_items (formats); i++)
    {
      g_autoptr(CanopyLogFormat) format = g_list_model_get_item (formats, i);
      const char *extension = canopy_log_format_get_extensions (format)[0];
      gboolean compressible = canopy_log_format_get_compressible (format);

      if (!canopy_log_format_get_can_write (format) || !canopy_log_format_get_can_read (format))
        continue;

      for (guint gz = 0; gz < (compressible ? 2 : 1); gz++)
        {
          g_autofree char *name = g_strconcat ("alloc", extension, gz ? ".gz" : "", NULL);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autoptr(GError) error = NULL;
          g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);
          g_autoptr(CanopyLogReader) reader = NULL;
          CanopyMessage msg;
          gint writes, reads;
          guint n = 0;

          g_assert_no_error (error);
          for (guint j = 0; j < WARM_UP; j++)
            g_assert_true (canopy_log_writer_write (writer, &g_array_index (frames, CanopyMessage, j), &error));
          allocations = 0;
          trap = g_getenv ("ALLOC_TRAP") != NULL;
          for (guint j = WARM_UP; j < frames->len; j++)
            g_assert_true (canopy_log_writer_write (writer, &g_array_index (frames, CanopyMessage, j), &error));
          writes = allocations;
          trap = FALSE;
          g_assert_true (canopy_log_writer_close (writer, &error));
          g_assert_no_error (error);

          reader = canopy_log_reader_new_for_file (path, &error);
          g_assert_no_error (error);
          for (; n < WARM_UP && canopy_log_reader_next (reader, &msg, &error); n++)
            ;
          allocations = 0;
          while (canopy_log_reader_next (reader, &msg, &error))
            n++;
          reads = allocations;
          g_assert_no_error (error);
          g_assert_cmpuint (n, ==, frames->len);

          g_test_message ("%s: %d allocations writing, %d reading %u frames",
                          name, writes, reads, COUNTED);

          /* Block-wise work (a compressed container, a database page) may
           * allocate; a frame may not. */
          g_assert_cmpint (writes, <, COUNTED / 50);
          g_assert_cmpint (reads, <, COUNTED / 50);
          if (strcmp (canopy_log_format_get_name (format), "blf") != 0 && strcmp (canopy_log_format_get_name (format), "sqlite") != 0)
            {
              g_assert_cmpint (writes, ==, 0);
              g_assert_cmpint (reads, ==, 0);
            }

          g_clear_object (&reader);
          g_unlink (path);
        }
    }

  test_rmdir (dir);
#else
  g_test_skip ("allocation counting needs glibc");
#endif
}

/* The rotating writer checks size and time on every frame: with limits
 * not reached, a frame costs no more allocation than in the plain writer
 * (none for text formats). Rotating allocates (a name, a writer), once
 * per file. */
static void
test_rotating_no_per_frame_allocation (void)
{
#ifdef COUNT_ALLOCATIONS
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (WARM_UP + COUNTED, TRUE, TRUE);
  static const char * const names[] = { "r.asc", "r.csv", "r.log", "r.asc.gz", "r.blf", "r.db" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyRotatingWriter) writer = NULL;
      CanopyLogWriter *log;
      gint writes;

      writer = canopy_rotating_writer_new (path, G_GUINT64_CONSTANT (1) << 40, 1e6, &error);
      g_assert_no_error (error);
      log = CANOPY_LOG_WRITER (writer);
      for (guint j = 0; j < WARM_UP; j++)
        g_assert_true (canopy_log_writer_write (log, &g_array_index (frames, CanopyMessage, j), &error));
      allocations = 0;
      trap = g_getenv ("ALLOC_TRAP") != NULL;
      for (guint j = WARM_UP; j < frames->len; j++)
        g_assert_true (canopy_log_writer_write (log, &g_array_index (frames, CanopyMessage, j), &error));
      writes = allocations;
      trap = FALSE;
      g_assert_true (canopy_log_writer_close (log, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (canopy_rotating_writer_get_n_files (writer), ==, 1);

      g_test_message ("rotating %s: %d allocations writing %u frames", names[i], writes, COUNTED);
      g_assert_cmpint (writes, <, COUNTED / 50);
      if (!g_str_has_suffix (names[i], ".blf") && !g_str_has_suffix (names[i], ".db"))
        g_assert_cmpint (writes, ==, 0);

      g_unlink (path);
    }

  test_rmdir (dir);
#else
  g_test_skip ("allocation counting needs glibc");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/no-per-frame-allocation", test_no_per_frame_allocation);
  g_test_add_func ("/formats/rotating/no-per-frame-allocation", test_rotating_no_per_frame_allocation);

  return g_test_run ();
}
