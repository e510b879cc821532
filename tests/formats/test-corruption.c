/* test-corruption.c — text logs and SQLite databases cut and bit-flipped
 * at many offsets: readers never crash, text readers lose at most the
 * damaged lines (counted and named) and deliver every frame before them,
 * and a damaged database ends in a CANOPY_ERROR after intact rows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include "formats-test-common.h"

typedef struct
{
  const char *name;
  const char *ext;
  const char *testdata;  /* read this file instead of generating one */
} Subject;

static const Subject subjects[] = {
  { "asc", ".asc", NULL },
  { "csv", ".csv", NULL },
  { "candump", ".log", NULL },
  { "trc", ".trc", "python-can/test_CanMessage_V2_1.trc" },
  { "sqlite", ".db", NULL },
};

/* Reads @path to the end; the error, if any, is returned in @error. */
static GArray *
read_frames (const char       *path,
             guint64          *n_skipped,
             GError          **error)
{
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, error);
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  CanopyMessage msg;

  *n_skipped = 0;
  if (reader == NULL)
    return frames;
  while (canopy_log_reader_next (reader, &msg, error))
    g_array_append_val (frames, msg);
  *n_skipped = canopy_log_reader_get_n_skipped (reader);
  return frames;
}

static gboolean
same_frame (const CanopyMessage *a,
            const CanopyMessage *b)
{
  return a->timestamp_ns == b->timestamp_ns && a->arbitration_id == b->arbitration_id &&
         a->flags == b->flags && a->dlc == b->dlc && a->channel == b->channel &&
         memcmp (a->data, b->data, MIN (a->dlc, CANOPY_MESSAGE_MAX_DATA)) == 0;
}

/* The frames of the lines that end before @offset: what the reader read
 * from the intact start of the file. */
static guint
frames_before (const char *path,
               const char *contents,
               gsize       offset)
{
  g_autoptr(GArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  gsize end = offset;
  guint64 skipped;

  while (end > 0 && contents[end - 1] != '\n')
    end--;
  g_assert_true (g_file_set_contents (path, contents, end, NULL));
  frames = read_frames (path, &skipped, &error);
  g_assert_no_error (error);
  return frames->len;
}

static void
test_damage (gconstpointer data)
{
  const Subject *subject = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *good = g_strconcat (dir, "/good", subject->ext, NULL);
  g_autofree char *bad = g_strconcat (dir, "/bad", subject->ext, NULL);
  g_autoptr(GArray) want = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gboolean text = strcmp (subject->name, "sqlite") != 0;
  g_autofree char *prefix = g_strconcat (dir, "/prefix", subject->ext, NULL);
  guint64 skipped;
  gsize len;

  if (subject->testdata != NULL)
    {
      g_autofree char *source = g_build_filename (g_getenv ("CANOPY_TESTDATA"), subject->testdata, NULL);

      if (!g_file_get_contents (source, &contents, &len, NULL))
        {
          g_test_skip ("no ../shared/testdata");
          return;
        }
      g_assert_true (g_file_set_contents (good, contents, len, NULL));
    }
  else
    {
      g_autoptr(GArray) frames = test_make_frames (300, TRUE, TRUE);

      g_assert_true (test_write_frames (good, frames, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
    }

  want = read_frames (good, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpuint (want->len, >, 5);

  for (gsize offset = 0; offset < len; offset += 1 + len / 151)
    {
      for (guint mode = 0; mode < 2; mode++)
        {
          g_autoptr(GArray) got = NULL;
          g_autofree char *damaged = g_memdup2 (contents, len);
          gsize damaged_len = len;
          guint intact = text ? frames_before (prefix, contents, offset) : 0;

          if (mode == 0)
            damaged_len = offset;                     /* cut */
          else
            damaged[offset] ^= 1 << (offset % 8);     /* one bit flipped */

          g_assert_true (g_file_set_contents (bad, damaged, damaged_len, NULL));
          got = read_frames (bad, &skipped, &error);
          g_test_message ("offset %" G_GSIZE_FORMAT " mode %u: %u frames, %" G_GUINT64_FORMAT " skipped", offset, mode, got->len, skipped);

          if (text)
            {
              /* Tolerant: no error, every frame before the damage, and at
               * most the one or two lines around it lost. */
              g_assert_no_error (error);
              g_assert_cmpuint (got->len, >=, MIN (intact, want->len));
              for (guint i = 0; i < MIN (intact, want->len); i++)
                g_assert_true (same_frame (&g_array_index (want, CanopyMessage, i),
                                           &g_array_index (got, CanopyMessage, i)));
              /* A damaged header line (version, columns, number base)
               * may change how every later line reads: then only the
               * rules above hold. */
              if (mode == 1 && intact > 0)
                {
                  g_assert_cmpuint (got->len + skipped, >=, want->len - 2);
                  g_assert_cmpuint (got->len, <=, want->len + 1);
                  g_assert_cmpuint (skipped, <=, 2);
                }
            }
          else
            {
              /* SQLite: refused, or rows then maybe a CANOPY_ERROR; never
               * more rows than written. */
              if (error != NULL)
                g_assert_true (error->domain == CANOPY_ERROR);
              g_assert_cmpuint (got->len, <=, want->len);
            }
          g_clear_error (&error);
        }
    }

  g_unlink (prefix);
  g_unlink (bad);
  g_unlink (good);
  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      g_autofree char *name = g_strdup_printf ("/formats/%s/cut-and-bit-flips", subjects[i].name);

      g_test_add_data_func (name, &subjects[i], test_damage);
    }

  return g_test_run ();
}
