/* test-formats-alloc.c — readers and writers do not allocate per frame
 *
 * The test program counts the malloc/calloc/realloc calls of the thread
 * that writes and reads (glibc only: it wraps glibc's allocator), after a
 * warm-up. Worker threads (BLF containers, the SQLite writer) work per
 * block and are not counted.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "formats-test-common.h"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
# define COUNT_ALLOCATIONS 1

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);
extern void  __libc_free (void *ptr);

/* Only this thread's allocations: GLib and GIO start helper threads of
 * their own at any time. */
static __thread gint allocations;
static gboolean trap;

void *malloc (size_t size);
void *calloc (size_t n, size_t size);
void *realloc (void *ptr, size_t size);
void  free (void *ptr);

void *
malloc (size_t size)
{
  if (allocations++ == 0 && trap)
    G_BREAKPOINT ();
  return __libc_malloc (size);
}

void *
calloc (size_t n,
        size_t size)
{
  allocations++;
  return __libc_calloc (n, size);
}

void *
realloc (void   *ptr,
         size_t  size)
{
  allocations++;
  return __libc_realloc (ptr, size);
}

void
free (void *ptr)
{
  __libc_free (ptr);
}
#endif

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/no-per-frame-allocation", test_no_per_frame_allocation);

  return g_test_run ();
}
