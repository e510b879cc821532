/* canopy-blf-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <zlib.h>

#ifdef HAVE_LIBDEFLATE
# include <libdeflate.h>
#endif

#include "canopy-blf-private.h"

/* BLF log containers are independent zlib-format blocks (like htslib's BGZF
 * blocks), so a whole-buffer codec fits: libdeflate inflates and deflates
 * them about twice as fast as zlib. zlib stays as the fallback and is also
 * what salvages the intact prefix of a damaged or truncated block, which a
 * whole-buffer decoder cannot do. A codec is owned by one thread. */

struct _BlfCodec
{
  BlfCodecBackend  backend;
  int              level;
#ifdef HAVE_LIBDEFLATE
  struct libdeflate_compressor   *ld_compressor;
  struct libdeflate_decompressor *ld_decompressor;
#endif
  z_stream         deflater;
  z_stream         inflater;
  guint            deflater_ready : 1;
  guint            inflater_ready : 1;
};

gboolean
_canopy_blf_codec_have_libdeflate (void)
{
#ifdef HAVE_LIBDEFLATE
  return TRUE;
#else
  return FALSE;
#endif
}

BlfCodec *
_canopy_blf_codec_new (BlfCodecBackend backend,
                       int             level)
{
  BlfCodec *codec = g_new0 (BlfCodec, 1);

  if (backend == BLF_CODEC_AUTO || backend == BLF_CODEC_LIBDEFLATE)
    backend = _canopy_blf_codec_have_libdeflate () ? BLF_CODEC_LIBDEFLATE : BLF_CODEC_ZLIB;

  codec->backend = backend;
  codec->level = CLAMP (level, 1, 12);
  if (backend == BLF_CODEC_ZLIB)
    codec->level = MIN (codec->level, 9);

  return codec;
}

void
_canopy_blf_codec_free (BlfCodec *codec)
{
  if (codec == NULL)
    return;

#ifdef HAVE_LIBDEFLATE
  g_clear_pointer (&codec->ld_compressor, libdeflate_free_compressor);
  g_clear_pointer (&codec->ld_decompressor, libdeflate_free_decompressor);
#endif
  if (codec->deflater_ready)
    deflateEnd (&codec->deflater);
  if (codec->inflater_ready)
    inflateEnd (&codec->inflater);
  g_free (codec);
}

const char *
_canopy_blf_codec_get_name (BlfCodec *codec)
{
  return codec->backend == BLF_CODEC_LIBDEFLATE ? "libdeflate" : "zlib";
}

gsize
_canopy_blf_codec_bound (BlfCodec *codec,
                         gsize     in_len)
{
  /* compressBound() plus slack covers libdeflate's bound too; a block of
   * stored deflate data never needs more than 5 bytes per 64 KiB. */
  return compressBound (in_len) + 64;
}

static gsize
zlib_compress (BlfCodec     *codec,
               const guint8 *in,
               gsize         in_len,
               guint8       *out,
               gsize         out_cap)
{
  z_stream *zs = &codec->deflater;
  int ret;

  if (!codec->deflater_ready)
    {
      /* The parameters of python-can's zlib.compress(). */
      if (deflateInit2 (zs, codec->level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
      codec->deflater_ready = TRUE;
    }
  else
    deflateReset (zs);

  zs->next_in = (Bytef *) in;
  zs->avail_in = in_len;
  zs->next_out = out;
  zs->avail_out = out_cap;
  ret = deflate (zs, Z_FINISH);
  if (ret != Z_STREAM_END)
    return 0;

  return out_cap - zs->avail_out;
}

gsize
_canopy_blf_codec_compress (BlfCodec     *codec,
                            const guint8 *in,
                            gsize         in_len,
                            guint8       *out,
                            gsize         out_cap)
{
#ifdef HAVE_LIBDEFLATE
  if (codec->backend == BLF_CODEC_LIBDEFLATE)
    {
      if (codec->ld_compressor == NULL)
        codec->ld_compressor = libdeflate_alloc_compressor (codec->level);
      if (codec->ld_compressor != NULL)
        return libdeflate_zlib_compress (codec->ld_compressor, in, in_len, out, out_cap);
    }
#endif

  return zlib_compress (codec, in, in_len, out, out_cap);
}

/* Streaming inflate that keeps every byte it manages to produce. */
static gboolean
zlib_decompress (BlfCodec     *codec,
                 const guint8 *in,
                 gsize         in_len,
                 guint8       *out,
                 gsize         out_len,
                 gsize        *produced)
{
  z_stream *zs = &codec->inflater;
  guint8 no_output;
  int ret;

  *produced = 0;

  if (!codec->inflater_ready)
    {
      if (inflateInit (zs) != Z_OK)
        return FALSE;
      codec->inflater_ready = TRUE;
    }
  else
    inflateReset (zs);

  zs->next_in = (Bytef *) in;
  zs->avail_in = in_len;
  /* An empty container (python-can writes them: issue_1905.blf) may come
   * without an output buffer, and zlib refuses a NULL next_out. */
  zs->next_out = out != NULL ? out : &no_output;
  zs->avail_out = out_len;

  do
    ret = inflate (zs, Z_SYNC_FLUSH);
  while (ret == Z_OK && zs->avail_in > 0 && zs->avail_out > 0);

  *produced = out_len - zs->avail_out;

  /* A stream that decodes to exactly the announced size is good even when
   * its trailer (the Adler-32) is cut or bad; zlib has then verified the
   * deflate data itself. Anything else is damage. */
  if (ret == Z_STREAM_END)
    return *produced == out_len;

  return FALSE;
}

gboolean
_canopy_blf_codec_decompress (BlfCodec     *codec,
                              const guint8 *in,
                              gsize         in_len,
                              guint8       *out,
                              gsize         out_len,
                              gsize        *produced)
{
  gsize dummy;

  if (produced == NULL)
    produced = &dummy;

#ifdef HAVE_LIBDEFLATE
  if (codec->backend == BLF_CODEC_LIBDEFLATE)
    {
      size_t actual = 0;

      if (codec->ld_decompressor == NULL)
        codec->ld_decompressor = libdeflate_alloc_decompressor ();

      if (codec->ld_decompressor != NULL &&
          libdeflate_zlib_decompress (codec->ld_decompressor, in, in_len,
                                      out, out_len, &actual) == LIBDEFLATE_SUCCESS &&
          actual == out_len)
        {
          *produced = out_len;
          return TRUE;
        }

      /* Damaged: let zlib recover the intact prefix. */
    }
#endif

  return zlib_decompress (codec, in, in_len, out, out_len, produced);
}

static void
thread_codec_free (gpointer data)
{
  _canopy_blf_codec_free (data);
}

static GPrivate thread_codec = G_PRIVATE_INIT (thread_codec_free);

BlfCodec *
_canopy_blf_codec_get_for_thread (int level)
{
  BlfCodec *codec = g_private_get (&thread_codec);

  if (codec == NULL)
    {
      codec = _canopy_blf_codec_new (BLF_CODEC_AUTO, level);
      g_private_set (&thread_codec, codec);
    }
  else if (codec->level != level && level > 0)
    {
      /* A compressor is tied to its level; the decompressor is kept. */
#ifdef HAVE_LIBDEFLATE
      g_clear_pointer (&codec->ld_compressor, libdeflate_free_compressor);
#endif
      if (codec->deflater_ready)
        {
          deflateEnd (&codec->deflater);
          codec->deflater_ready = FALSE;
        }
      codec->level = CLAMP (level, 1, codec->backend == BLF_CODEC_ZLIB ? 9 : 12);
    }

  return codec;
}
