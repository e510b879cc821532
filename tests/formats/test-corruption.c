/* test-corruption.c — text logs, SQLite databases and real BLF files cut
 * and bit-flipped at many offsets: readers never crash, text readers lose
 * at most the damaged lines (counted and named) and deliver every frame
 * before them, a damaged database ends in a CANOPY_ERROR after intact
 * rows, and a BLF reader delivers every frame before the damage, names the
 * offset, and resynchronises on the next intact log container.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include "formats-test-common.h"
#include "canopy-blf-private.h"

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

/* BLF */

static const char * const real_blf_files[] = {
  "issue_1905.blf",
  "test_CanErrorFrameExt.blf",
  "test_CanFdMessage.blf",
  "test_CanFdMessage64.blf",
  "test_CanMessage.blf",
  "test_CanMessage2.blf",
};

/* Reads @path to the end; damage read past counts in @n_reported. */
static GArray *
read_blf (const char  *path,
          guint       *n_reported,
          GError     **error)
{
  guint64 skipped;
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, error);
  GArray *frames;
  CanopyMessage msg;

  if (reader == NULL)
    return g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  while (canopy_log_reader_next (reader, &msg, error))
    g_array_append_val (frames, msg);
  if (n_reported != NULL)
    {
      g_autoptr(GError) damage = canopy_log_reader_dup_damage (reader);

      *n_reported = damage != NULL;
      if (damage != NULL)
        g_assert_nonnull (strstr (damage->message, "offset"));
    }
  (void) skipped;
  return frames;
}

static void
assert_prefix (GArray *want,
               GArray *got,
               guint   n)
{
  g_assert_cmpuint (got->len, >=, n);
  for (guint i = 0; i < n; i++)
    g_assert_true (same_frame (&g_array_index (want, CanopyMessage, i),
                               &g_array_index (got, CanopyMessage, i)));
}

/* Every frame @got has is one of @want, in the same order. */
static void
assert_subsequence (GArray *want,
                    GArray *got)
{
  guint j = 0;

  for (guint i = 0; i < got->len; i++)
    {
      while (j < want->len && !same_frame (&g_array_index (want, CanopyMessage, j),
                                           &g_array_index (got, CanopyMessage, i)))
        j++;
      g_assert_cmpuint (j, <, want->len);
      j++;
    }
}

static void
assert_offset_error (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == CANOPY_ERROR);
  g_assert_nonnull (strstr (error->message, "offset"));
}

/* The real files cut at every byte and with a bit flipped at every byte:
 * a cut file gives the frames before the cut, exactly, then an error
 * naming the offset (or none where the cut leaves a shorter valid file);
 * a flipped bit never crashes, never yields more frames than the file
 * has, and any error names the offset. */
static void
test_blf_real_files (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *bad = g_build_filename (dir, "bad.blf", NULL);

  for (guint f = 0; f < G_N_ELEMENTS (real_blf_files); f++)
    {
      g_autofree char *source = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "python-can",
                                                  real_blf_files[f], NULL);
      g_autofree guint8 *contents = NULL;
      g_autoptr(GArray) want = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) ends = g_hash_table_new (NULL, NULL);
      gsize len, data_end = 0;
      guint last = 0;

      if (!g_file_get_contents (source, (char **) &contents, &len, NULL))
        {
          g_test_skip ("no ../shared/testdata");
          return;
        }
      want = read_blf (source, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (want->len, >, 0);

      /* Where a shorter file is complete: after the header and after each
       * container with or without its padding; frames all lie in
       * containers before the restore points. */
      g_hash_table_add (ends, GSIZE_TO_POINTER (BLF_FILE_HEADER_SIZE));
      for (gsize pos = BLF_FILE_HEADER_SIZE; pos + 16 <= len;)
        {
          guint32 size = blf_read_u32 (contents + pos + 8);

          for (guint pad = 0; pad <= size % 4; pad++)
            g_hash_table_add (ends, GSIZE_TO_POINTER (pos + size + pad));
          if (blf_read_u32 (contents + pos + 24) > 200 || data_end == 0)
            data_end = pos + size;
          pos += size + size % 4;
        }

      for (gsize offset = 0; offset < len; offset++)
        {
          g_autoptr(GArray) got = NULL;

          /* Cut */
          g_assert_true (g_file_set_contents (bad, (char *) contents, offset, NULL));
          got = read_blf (bad, NULL, &error);
          assert_prefix (want, got, got->len);
          /* More file never gives fewer frames. */
          g_assert_cmpuint (got->len, >=, last);
          last = got->len;
          if (offset >= data_end)
            g_assert_cmpuint (got->len, ==, want->len);
          if (!g_hash_table_contains (ends, GSIZE_TO_POINTER (offset)))
            assert_offset_error (error);
          else if (offset >= BLF_FILE_HEADER_SIZE)
            g_assert_no_error (error);
          g_clear_error (&error);
          g_clear_pointer (&got, g_array_unref);

          /* Bit flip */
          contents[offset] ^= 1 << (offset % 8);
          g_assert_true (g_file_set_contents (bad, (char *) contents, len, NULL));
          contents[offset] ^= 1 << (offset % 8);
          got = read_blf (bad, NULL, &error);
          g_assert_cmpuint (got->len, <=, want->len + 1);
          if (error != NULL)
            assert_offset_error (error);
          g_clear_error (&error);
        }
    }

  g_unlink (bad);
  test_rmdir (dir);
}

/* A real file's objects re-cut into many small containers, compressed or
 * stored (so objects span them), then one container damaged at a time:
 * its payload overwritten, its signature destroyed, its size made
 * implausible or too large by 256 bytes (swallowing the next containers).
 * The frames before it come first, exactly; the frames that start after it
 * come last, exactly; nothing else but frames of the file; the damage is
 * reported with its offset. (Where the payload is garbled, the frames of
 * that container may carry wrong bytes: zlib's check fails only at the end
 * of the container, and stored bytes have no check at all.) */
static void
test_blf_resync (gconstpointer data)
{
  gboolean stored = GPOINTER_TO_INT (data);
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "good.blf", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.blf", NULL);
  g_autofree char *source = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "python-can",
                                              "issue_1905.blf", NULL);
  g_autofree guint8 *contents = NULL;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GByteArray) file = g_byte_array_new ();
  g_autoptr(GArray) container_at = g_array_new (FALSE, FALSE, sizeof (gsize));  /* file offsets */
  g_autoptr(GArray) stream_at = g_array_new (FALSE, FALSE, sizeof (gsize));     /* stream offsets */
  g_autoptr(GArray) object_start = g_array_new (FALSE, FALSE, sizeof (gsize));  /* per frame */
  g_autoptr(GArray) object_end = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) want = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BlfCodec) codec = _canopy_blf_codec_new (BLF_CODEC_ZLIB, 6);
  gsize len;

  if (!g_file_get_contents (source, (char **) &contents, &len, NULL))
    {
      g_test_skip ("no ../shared/testdata");
      return;
    }

  /* The first container's objects (the frames; the restore points are in
   * the second and later ones). */
  {
    guint32 size = blf_read_u32 (contents + BLF_FILE_HEADER_SIZE + 8);
    guint32 usize = blf_read_u32 (contents + BLF_FILE_HEADER_SIZE + 24);
    gsize produced = 0;

    g_byte_array_set_size (stream, usize);
    g_assert_true (_canopy_blf_codec_decompress (codec, contents + BLF_FILE_HEADER_SIZE + 32, size - 32,
                                                 stream->data, usize, &produced));
  }
  for (gsize pos = 0; pos + 16 <= stream->len;)
    {
      guint32 size = blf_read_u32 (stream->data + pos + 8);
      gsize end = pos + size;

      g_array_append_val (object_start, pos);
      g_array_append_val (object_end, end);
      pos += size + size % 4;
    }

  /* The header of the real file, then containers of 300 inflated bytes. */
  g_byte_array_append (file, contents, BLF_FILE_HEADER_SIZE);
  for (gsize pos = 0; pos < stream->len; pos += 300)
    {
      gsize n = MIN (300, stream->len - pos);
      guint8 packed[1024];
      guint8 ch[32] = { 0 };
      gsize clen = stored ? n : _canopy_blf_codec_compress (codec, stream->data + pos, n, packed, sizeof packed);
      guint32 size = 32 + clen;
      static const guint8 zeros[4];
      gsize at = file->len;

      g_assert_cmpuint (clen, >, 0);
      if (stored)
        memcpy (packed, stream->data + pos, n);
      g_array_append_val (container_at, at);
      g_array_append_val (stream_at, pos);
      blf_write_u32 (ch, BLF_OBJ_SIGNATURE);
      blf_write_u16 (ch + 4, 16);
      blf_write_u16 (ch + 6, 1);
      blf_write_u32 (ch + 8, size);
      blf_write_u32 (ch + 12, BLF_OBJ_LOG_CONTAINER);
      blf_write_u16 (ch + 16, stored ? BLF_COMPRESSION_NONE : BLF_COMPRESSION_ZLIB);
      blf_write_u32 (ch + 24, n);
      g_byte_array_append (file, ch, sizeof ch);
      g_byte_array_append (file, packed, clen);
      g_byte_array_append (file, zeros, size % 4);
    }
  g_assert_cmpuint (container_at->len, >=, 6);
  g_assert_true (g_file_set_contents (good, (char *) file->data, file->len, NULL));
  want = read_blf (good, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (want->len, ==, object_start->len);

  for (guint c = 0; c < container_at->len; c++)
    /* Garbled stored bytes carry no check to notice: damage 0 is for
     * compressed containers only. */
    for (guint how = stored ? 1 : 0; how < 4; how++)
      {
        g_autofree guint8 *copy = g_memdup2 (file->data, file->len);
        gsize at = g_array_index (container_at, gsize, c);
        guint32 size = blf_read_u32 (copy + at + 8);
        gsize damaged_from = g_array_index (stream_at, gsize, c);
        gsize intact_from = c + 1 < stream_at->len ? g_array_index (stream_at, gsize, c + 1) : G_MAXSIZE;
        g_autoptr(GArray) got = NULL;
        guint n_before = 0, n_after = 0;
        guint reported = 0;

        switch (how)
          {
          case 0: /* the payload garbled */
            memset (copy + at + 32 + (size - 32) / 3, 0xA5, 12);
            break;
          case 1: /* the signature destroyed */
            memcpy (copy + at, "XXXX", 4);
            break;
          case 2: /* an implausible size */
            blf_write_u32 (copy + at + 8, 0x7FFFFFF0);
            break;
          case 3: /* a size that swallows the containers after it */
            blf_write_u32 (copy + at + 8, size + 0x100);
            break;
          }
        g_assert_true (g_file_set_contents (bad, (char *) copy, file->len, NULL));
        got = read_blf (bad, &reported, &error);
        g_test_message ("container %u damage %u: %u of %u frames", c, how, got->len, want->len);

        for (guint i = 0; i < want->len; i++)
          {
            if (g_array_index (object_end, gsize, i) <= damaged_from)
              n_before++;
            if (g_array_index (object_start, gsize, i) >= intact_from)
              n_after++;
          }

        /* The end of the last container may be the end of the stream. */
        if (error != NULL)
          {
            assert_offset_error (error);
            g_assert_cmpuint (n_after, ==, 0);
          }
        else
          g_assert_cmpuint (reported, ==, 1);
        assert_prefix (want, got, n_before);
        /* Garbled deflate data may inflate to wrong bytes before zlib
         * notices: frames of that container are then not the file's. */
        if (how != 0)
          assert_subsequence (want, got);
        g_assert_cmpuint (got->len, <=, want->len + 2);
        g_assert_cmpuint (got->len, >=, n_before + n_after);
        for (guint i = 0; i < n_after; i++)
          g_assert_true (same_frame (&g_array_index (want, CanopyMessage, want->len - n_after + i),
                                     &g_array_index (got, CanopyMessage, got->len - n_after + i)));
        g_clear_error (&error);
      }

  g_unlink (good);
  g_unlink (bad);
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

  g_test_add_func ("/formats/blf/real-files/cut-and-bit-flips", test_blf_real_files);
  g_test_add_data_func ("/formats/blf/resync-after-damaged-container", GINT_TO_POINTER (FALSE),
                        test_blf_resync);
  g_test_add_data_func ("/formats/blf/resync-after-damaged-stored-container", GINT_TO_POINTER (TRUE),
                        test_blf_resync);

  return g_test_run ();
}
