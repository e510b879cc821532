/* test-formats-fuzz.c — random damage to valid logs, for every reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "formats-test-common.h"

typedef struct
{
  char  *name;
  char  *ext;
  GBytes *seed;
} Seed;

static void
seed_free (gpointer data)
{
  Seed *seed = data;

  g_free (seed->name);
  g_free (seed->ext);
  g_bytes_unref (seed->seed);
  g_free (seed);
}

static void
add_seed_file (GPtrArray  *seeds,
               const char *path,
               const char *ext)
{
  g_autofree char *contents = NULL;
  gsize len;
  Seed *seed;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return;

  seed = g_new0 (Seed, 1);
  seed->name = g_path_get_basename (path);
  seed->ext = g_strdup (ext);
  seed->seed = g_bytes_new_take (g_steal_pointer (&contents), len);
  g_ptr_array_add (seeds, seed);
}

/* Seeds: a file we write for every format with a writer, and the shared
 * test files for every format with a reader (BLF and TRC included). */
static GPtrArray *
collect_seeds (const char *dir)
{
  GPtrArray *seeds = g_ptr_array_new_with_free_func (seed_free);
  g_autoptr(GArray) frames = test_make_frames (150, TRUE, TRUE);
  const char *testdata = g_getenv ("CANOPY_TESTDATA");
  g_autoptr(GListModel) formats = NULL;

  formats = canopy_log_format_list ();

  for (guint i = 0; i < g_list_model_get_n_items (formats); i++)
    {
      g_autoptr(CanopyLogFormat) format = g_list_model_get_item (formats, i);
      const char *extension = canopy_log_format_get_extensions (format)[0];
      gboolean compressible = canopy_log_format_get_compressible (format);

      if (!canopy_log_format_get_can_read (format))
        continue;

      if (canopy_log_format_get_can_write (format))
        {
          for (guint gz = 0; gz < (compressible ? 2 : 1); gz++)
            {
              g_autofree char *ext = g_strconcat (extension, gz ? ".gz" : "", NULL);
              g_autofree char *path = g_strconcat (dir, "/seed", ext, NULL);
              g_autoptr(GError) error = NULL;

              g_assert_true (test_write_frames (path, frames, &error));
              g_assert_no_error (error);
              add_seed_file (seeds, path, ext);
              g_unlink (path);
            }
        }

      if (testdata != NULL)
        {
          g_autofree char *data_dir = g_build_filename (testdata, "python-can", NULL);
          g_autoptr(GDir) d = g_dir_open (data_dir, 0, NULL);
          const char *name;

          while (d != NULL && (name = g_dir_read_name (d)))
            {
              g_autofree char *path = g_build_filename (data_dir, name, NULL);

              if (g_str_has_suffix (name, extension))
                add_seed_file (seeds, path, extension);
            }
        }
    }

  return seeds;
}

/* Without g_file_set_contents()'s fsync: thousands of rounds. */
static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  FILE *file = g_fopen (path, "wb");

  g_assert_nonnull (file);
  g_assert_cmpuint (fwrite (data, 1, len, file), ==, len);
  g_assert_cmpint (fclose (file), ==, 0);
}

static void
mutate (guint8 *data,
        gsize  *len,
        gsize   max_len)
{
  guint kind = g_test_rand_int_range (0, 6);
  guint n = g_test_rand_int_range (1, 9);

  if (*len == 0)
    return;

  switch (kind)
    {
    case 0: /* bit flips */
      for (guint i = 0; i < n; i++)
        data[g_test_rand_int_range (0, *len)] ^= 1 << g_test_rand_int_range (0, 8);
      break;

    case 1: /* random bytes */
      for (guint i = 0; i < n; i++)
        data[g_test_rand_int_range (0, *len)] = g_test_rand_int_range (0, 256);
      break;

    case 2: /* interesting values: extremes of lengths and counts */
      {
        static const guint8 values[] = { 0x00, 0xff, 0x7f, 0x80, '9', '-', ' ', '\n', '#', '.', 'x' };
        for (guint i = 0; i < n; i++)
          data[g_test_rand_int_range (0, *len)] = values[g_test_rand_int_range (0, G_N_ELEMENTS (values))];
      }
      break;

    case 3: /* truncation */
      *len = g_test_rand_int_range (0, *len);
      break;

    case 4: /* a chunk copied elsewhere */
      {
        gsize from = g_test_rand_int_range (0, *len);
        gsize to = g_test_rand_int_range (0, *len);
        gsize want = g_test_rand_int_range (1, 256);  /* not inside MIN(): it would draw twice */
        gsize size = MIN (want, MIN (*len - from, *len - to));

        memmove (data + to, data + from, size);
      }
      break;

    default: /* bytes inserted */
      {
        gsize at = g_test_rand_int_range (0, *len);
        gsize size = MIN (n * 4, max_len - *len);

        memmove (data + at + size, data + at, *len - at);
        for (gsize i = 0; i < size; i++)
          data[at + i] = g_test_rand_int_range (0, 256);
        *len += size;
      }
      break;
    }
}

static void
test_fuzz (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GPtrArray) seeds = collect_seeds (dir);
  guint rounds = g_test_thorough () ? 2000 : 150;

  g_assert_cmpuint (seeds->len, >=, 6);

  for (guint s = 0; s < seeds->len; s++)
    {
      Seed *seed = g_ptr_array_index (seeds, s);
      g_autofree char *path = g_strconcat (dir, "/fuzz", seed->ext, NULL);
      gsize seed_len;
      const guint8 *seed_data = g_bytes_get_data (seed->seed, &seed_len);
      gsize max_len = seed_len + 1024;
      g_autofree guint8 *buf = g_malloc0 (max_len);

      for (guint r = 0; r < rounds; r++)
        {
          g_autoptr(CanopyLogReader) reader = NULL;
          g_autoptr(GError) error = NULL;
          gsize len = seed_len;
          CanopyMessage msg;
          guint64 n = 0;

          memcpy (buf, seed_data, seed_len);
          for (guint m = g_test_rand_int_range (1, 4); m > 0; m--)
            mutate (buf, &len, max_len);
          write_file (path, buf, len);

          reader = canopy_log_reader_new_for_file (path, &error);
          if (reader == NULL)
            {
              g_assert_true (error->domain == CANOPY_ERROR);
              continue;
            }

          /* Bounded: never more frames than a compressed file could hold
           * (BLF and gzip inflate up to ~1000x), and it always ends. */
          while (canopy_log_reader_next (reader, &msg, &error))
            {
              g_assert_cmpuint (msg.dlc, <=, CANOPY_MESSAGE_MAX_DATA);
              g_assert_cmpuint (++n, <=, (len + 64) * 1100);
            }
          if (error != NULL)
            {
              if (error->domain != CANOPY_ERROR)
                g_error ("%s round %u: %s", seed->name, r, error->message);
            }
          g_assert_cmpfloat (canopy_log_reader_get_fraction (reader), <=, 1.0);
        }

      g_unlink (path);
      g_test_message ("%s: %u mutations", seed->name, rounds);
    }

  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/fuzz/mutations", test_fuzz);

  return g_test_run ();
}
