/* bench-blf-limits.c — the single-core limits of BLF log containers: bare
 * zlib and libdeflate inflate / deflate loops over the containers of a BLF
 * file (used by bench-formats and bench-blf).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <canopy.h>

#include "canopy-blf-private.h"

#include "bench-blf-limits.h"
#include "bench-blf-loops.h"

gboolean
bench_blf_loops_have_libdeflate (void)
{
  return _canopy_blf_codec_have_libdeflate ();
}

guint
bench_blf_loops_run (const char   *blf_path,
                     guint64       n_frames,
                     BenchBlfLoop  results[2])
{
  g_autofree guint8 *contents = NULL;
  g_autofree guint8 *plain = NULL;
  g_autofree guint8 *packed = NULL;
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GByteArray) all = g_byte_array_new ();
  gsize len, max_usize = 0;
  guint n_results = 0;

  if (!g_file_get_contents (blf_path, (char **) &contents, &len, NULL) || len < BLF_FILE_HEADER_SIZE)
    return 0;

  /* The containers, and their inflated payloads (for deflating). */
  for (gsize pos = blf_read_u32 (contents + 4); pos + BLF_CONTAINER_HEADER_SIZE <= len;)
    {
      guint32 size = blf_read_u32 (contents + pos + 8);

      if (blf_read_u32 (contents + pos) != BLF_OBJ_SIGNATURE || size < BLF_CONTAINER_HEADER_SIZE ||
          pos + size > len)
        break;
      if (blf_read_u32 (contents + pos + 12) == BLF_OBJ_LOG_CONTAINER &&
          blf_read_u16 (contents + pos + 16) == BLF_COMPRESSION_ZLIB)
        {
          g_array_append_val (offsets, pos);
          max_usize = MAX (max_usize, blf_read_u32 (contents + pos + 24));
        }
      pos += size + size % 4;
    }
  if (offsets->len == 0)
    return 0;

  plain = g_malloc (max_usize);
  packed = g_malloc (_canopy_blf_codec_bound (NULL, max_usize));

  for (BlfCodecBackend backend = BLF_CODEC_ZLIB; backend <= BLF_CODEC_LIBDEFLATE; backend++)
    {
      g_autoptr(BlfCodec) codec = NULL;
      BenchBlfLoop *r = &results[n_results];
      guint64 compressed = 0;
      gint64 t0, elapsed = 0;

      if (backend == BLF_CODEC_LIBDEFLATE && !_canopy_blf_codec_have_libdeflate ())
        break;

      codec = _canopy_blf_codec_new (backend, 6);
      r->codec = _canopy_blf_codec_get_name (codec);

      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < offsets->len; i++)
        {
          const guint8 *c = contents + g_array_index (offsets, gsize, i);
          gsize produced;

          _canopy_blf_codec_decompress (codec, c + BLF_CONTAINER_HEADER_SIZE,
                                        blf_read_u32 (c + 8) - BLF_CONTAINER_HEADER_SIZE,
                                        plain, blf_read_u32 (c + 24), &produced);
        }
      r->inflate_fps = n_frames / ((g_get_monotonic_time () - t0) / 1e6);

      /* Deflate each container again; only the deflate calls are timed. */
      for (guint i = 0; i < offsets->len; i++)
        {
          const guint8 *c = contents + g_array_index (offsets, gsize, i);
          gsize usize = blf_read_u32 (c + 24);
          gsize produced;

          _canopy_blf_codec_decompress (codec, c + BLF_CONTAINER_HEADER_SIZE,
                                        blf_read_u32 (c + 8) - BLF_CONTAINER_HEADER_SIZE,
                                        plain, usize, &produced);
          t0 = g_get_monotonic_time ();
          compressed += BLF_CONTAINER_HEADER_SIZE +
                        _canopy_blf_codec_compress (codec, plain, usize, packed,
                                                    _canopy_blf_codec_bound (NULL, max_usize));
          elapsed += g_get_monotonic_time () - t0;
        }
      r->deflate_fps = n_frames / (elapsed / 1e6);
      r->deflate_bytes_per_frame = (double) (compressed + BLF_FILE_HEADER_SIZE) / n_frames;
      n_results++;
    }

  return n_results;
}

void
bench_blf_loops_print (const char *blf_path,
                       guint64     n_frames)
{
  BenchBlfLoop results[2];
  guint n = bench_blf_loops_run (blf_path, n_frames, results);

  for (guint i = 0; i < n; i++)
    printf ("  %-10s 1 core: inflate %6.2f M frames/s, deflate level 6 %5.2f M frames/s (%.2f bytes/frame)\n",
            results[i].codec, results[i].inflate_fps / 1e6, results[i].deflate_fps / 1e6,
            results[i].deflate_bytes_per_frame);
}

void
bench_blf_limits (const char *blf_path,
                  guint64     n_frames)
{
  if (blf_path == NULL)
    {
      printf ("BLF container limits: not measured (no BLF file written)\n");
      return;
    }

  printf ("BLF container limits, one core, over the %" G_GUINT64_FORMAT " frames just written:\n",
          n_frames);
  bench_blf_loops_print (blf_path, n_frames);
}
