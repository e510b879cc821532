/* test-blf.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "canopy.h"
#include "canopy-blf-private.h"
#include "canopy-log-event-private.h"

#include "../canopy-test-python.h"

/* Frames as python-can sees them (one line of pycan-blf.py). */
typedef struct
{
  double  ts;
  guint32 id;
  gboolean ext, rtr, err, fd, brs, esi, rx;
  guint   dlc;
  int     channel;
  guint8  data[64];
  guint   len;
} PyFrame;

static char *
helper_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "pycan-blf.py", NULL);
}

static char *
run_python (const char *cmd,
            const char *path,
            const char *level,
            const char *input)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = helper_path ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           canopy_test_python3 (), helper, cmd, path, level, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("python-can %s %s failed: %s", cmd, path, err);
  return g_steal_pointer (&out);
}

static GArray *
python_read (const char *path)
{
  g_autofree char *out = run_python ("read", path, NULL, NULL);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (PyFrame));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);
      PyFrame pf = { 0 };

      if (g_strv_length (f) != 12)
        continue;
      pf.ts = g_ascii_strtod (f[0], NULL);
      pf.id = g_ascii_strtoull (f[1], NULL, 10);
      pf.ext = f[2][0] == '1';
      pf.rtr = f[3][0] == '1';
      pf.err = f[4][0] == '1';
      pf.fd = f[5][0] == '1';
      pf.brs = f[6][0] == '1';
      pf.esi = f[7][0] == '1';
      pf.rx = f[8][0] == '1';
      pf.dlc = g_ascii_strtoull (f[9], NULL, 10);
      pf.channel = g_ascii_strtoll (f[10], NULL, 10);
      if (strcmp (f[11], "-") != 0)
        for (const char *h = f[11]; h[0] && h[1] && pf.len < 64; h += 2)
          pf.data[pf.len++] = g_ascii_xdigit_value (h[0]) << 4 | g_ascii_xdigit_value (h[1]);
      g_array_append_val (frames, pf);
    }

  return frames;
}

static void
python_write_lines (GString *in,
                    GArray  *msgs)
{
  for (guint i = 0; i < msgs->len; i++)
    {
      const CanopyMessage *m = &g_array_index (msgs, CanopyMessage, i);
      char ts[64];

      g_snprintf (ts, sizeof ts, "%" G_GINT64_FORMAT ".%09d",
                  m->timestamp_ns / 1000000000, (int) (m->timestamp_ns % 1000000000));
      g_string_append_printf (in, "%s %u %d %d %d %d %d %d %d %u %d ",
                              ts, m->arbitration_id,
                              !!(m->flags & CANOPY_MESSAGE_EXTENDED),
                              !!(m->flags & CANOPY_MESSAGE_REMOTE),
                              !!(m->flags & CANOPY_MESSAGE_ERROR),
                              !!(m->flags & CANOPY_MESSAGE_FD),
                              !!(m->flags & CANOPY_MESSAGE_BRS),
                              !!(m->flags & CANOPY_MESSAGE_ESI),
                              !(m->flags & CANOPY_MESSAGE_TX),
                              m->dlc, m->channel);
      if (m->dlc == 0 || (m->flags & CANOPY_MESSAGE_REMOTE))
        g_string_append (in, "-");
      for (guint j = 0; j < m->dlc && !(m->flags & CANOPY_MESSAGE_REMOTE); j++)
        g_string_append_printf (in, "%02x", m->data[j]);
      g_string_append_c (in, '\n');
    }
}

static void
python_write (const char *path,
              GArray     *msgs,
              const char *level)
{
  g_autoptr(GString) in = g_string_new (NULL);
  g_autofree char *out = NULL;

  python_write_lines (in, msgs);
  out = run_python ("write", path, level, in->str);
}

/* Reads every frame; returns the error at the end, if any. */
/* Reads whose reader reported damage it read past. */
static guint damage_reports;

static GArray *
canopy_read (const char  *path,
             GError     **error)
{
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, error);
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  CanopyMessage msg;

  if (reader == NULL)
    return frames;

  g_assert_true (CANOPY_IS_BLF_READER (reader));
  while (canopy_log_reader_next (reader, &msg, error))
    g_array_append_val (frames, msg);

  /* Damage read past is reported on the reader, not logged. */
  {
    g_autoptr(GError) damage = canopy_log_reader_dup_damage (reader);

    if (damage != NULL)
      {
        g_assert_true (damage->domain == CANOPY_ERROR);
        g_assert_nonnull (strstr (damage->message, "offset"));
        damage_reports++;
      }
  }

  return frames;
}

static void
assert_matches_python (GArray *ours,
                       GArray *theirs,
                       double  ts_tolerance)
{
  g_assert_cmpuint (ours->len, ==, theirs->len);

  for (guint i = 0; i < ours->len; i++)
    {
      const CanopyMessage *m = &g_array_index (ours, CanopyMessage, i);
      const PyFrame *p = &g_array_index (theirs, PyFrame, i);
      /* python-can keeps a raw DLC byte above 8 on classic frames (with
       * the 8 data bytes present); Canopy's dlc is the payload length. */
      guint py_dlc = (p->fd && !p->err) ? p->dlc : MIN (p->dlc, 8);
      gboolean remote = (m->flags & CANOPY_MESSAGE_REMOTE) != 0;

      g_assert_cmpfloat_with_epsilon (canopy_message_get_timestamp (m), p->ts, ts_tolerance);
      g_assert_cmpuint (m->arbitration_id, ==, p->id);
      g_assert_cmpint (!!(m->flags & CANOPY_MESSAGE_EXTENDED), ==, p->ext);
      g_assert_cmpint (remote, ==, p->rtr);
      g_assert_cmpint (!!(m->flags & CANOPY_MESSAGE_ERROR), ==, p->err);
      g_assert_cmpint (!!(m->flags & CANOPY_MESSAGE_FD), ==, p->fd);
      g_assert_cmpint (!!(m->flags & CANOPY_MESSAGE_BRS), ==, p->brs);
      g_assert_cmpint (!!(m->flags & CANOPY_MESSAGE_ESI), ==, p->esi);
      g_assert_cmpint (!(m->flags & CANOPY_MESSAGE_TX), ==, p->rx);
      g_assert_cmpuint (m->dlc, ==, py_dlc);
      g_assert_cmpint (m->channel, ==, p->channel);
      if (!remote)
        {
          guint n = MIN (p->len, m->dlc);

          g_assert_cmpmem (m->data, n, p->data, n);
        }
    }
}

/* Generated traffic */

static void
make_frames (GArray  *msgs,
             guint    n,
             guint32  seed,
             gboolean with_errors)
{
  GRand *rand = g_rand_new_with_seed (seed);
  gint64 ts = G_GINT64_CONSTANT (1700000000123456789);

  for (guint i = 0; i < n; i++)
    {
      CanopyMessage m = { 0 };
      guint kind = g_rand_int_range (rand, 0, 10);

      ts += g_rand_int_range (rand, 1, 2000000);
      m.timestamp_ns = ts;
      /* No channel is written as channel 1 (python-can's default), which
       * reads back as 0: generate real channels. */
      m.channel = g_rand_int_range (rand, 0, 4);
      if (g_rand_boolean (rand))
        {
          m.flags |= CANOPY_MESSAGE_EXTENDED;
          m.arbitration_id = g_rand_int (rand) & 0x1FFFFFFF;
        }
      else
        m.arbitration_id = g_rand_int_range (rand, 0, 0x800);
      if (g_rand_int_range (rand, 0, 4) == 0)
        m.flags |= CANOPY_MESSAGE_TX;

      if (kind < 5)
        m.dlc = g_rand_int_range (rand, 0, 9);
      else if (kind < 6)
        {
          m.flags |= CANOPY_MESSAGE_REMOTE;
          m.dlc = g_rand_int_range (rand, 0, 9);
        }
      else if (kind < 9 || !with_errors)
        {
          m.flags |= CANOPY_MESSAGE_FD;
          if (g_rand_boolean (rand))
            m.flags |= CANOPY_MESSAGE_BRS;
          if (g_rand_int_range (rand, 0, 8) == 0)
            m.flags |= CANOPY_MESSAGE_ESI;
          m.dlc = canopy_dlc_to_length (g_rand_int_range (rand, 0, 16));
        }
      else
        {
          m.flags = (m.flags & ~CANOPY_MESSAGE_TX) | CANOPY_MESSAGE_ERROR;
          m.dlc = 8;
        }

      if (!(m.flags & CANOPY_MESSAGE_REMOTE))
        for (guint j = 0; j < m.dlc; j++)
          m.data[j] = g_rand_int_range (rand, 0, 256);

      g_array_append_val (msgs, m);
    }

  g_rand_free (rand);
}

static char *
temp_path (const char *name)
{
  static char *dir;

  if (dir == NULL)
    dir = g_dir_make_tmp ("canopy-blf-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

static void
write_ours (const char *path,
            GArray     *msgs,
            const char *first_property,
            ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  va_list args;

  va_start (args, first_property);
  writer = (CanopyLogWriter *) g_initable_new_valist (CANOPY_TYPE_BLF_WRITER,
                                                      first_property, args, NULL, &error);
  va_end (args);
  g_assert_no_error (error);

  for (guint i = 0; i < msgs->len; i++)
    {
      canopy_log_writer_write (writer, &g_array_index (msgs, CanopyMessage, i), &error);
      g_assert_no_error (error);
    }
  canopy_log_writer_close (writer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_log_writer_get_written (writer), ==, msgs->len);
}

static void
assert_same_frames (GArray  *a,
                    GArray  *b,
                    guint    n)
{
  g_assert_cmpuint (a->len, >=, n);
  g_assert_cmpuint (b->len, >=, n);
  for (guint i = 0; i < n; i++)
    {
      const CanopyMessage *x = &g_array_index (a, CanopyMessage, i);
      const CanopyMessage *y = &g_array_index (b, CanopyMessage, i);

      g_assert_cmpint (x->timestamp_ns, ==, y->timestamp_ns);
      g_assert_cmpuint (x->arbitration_id, ==, y->arbitration_id);
      g_assert_cmpuint (x->flags, ==, y->flags);
      g_assert_cmpuint (x->dlc, ==, y->dlc);
      g_assert_cmpint (x->channel, ==, y->channel);
      if (!(x->flags & CANOPY_MESSAGE_REMOTE))
        g_assert_cmpmem (x->data, x->dlc, y->data, y->dlc);
    }
}

/* The inner objects of a file, inflated: for checks on the layout. */
typedef struct
{
  GByteArray *stream;
  GArray     *container_sizes;  /* uncompressed size of each container */
  BlfFileHeader header;
} Inflated;

static void
inflate_file (const char *path,
              Inflated   *out)
{
  g_autofree guint8 *contents = NULL;
  g_autoptr(BlfCodec) codec = _canopy_blf_codec_new (BLF_CODEC_ZLIB, 6);
  gsize len, pos;

  g_assert_true (g_file_get_contents (path, (char **) &contents, &len, NULL));
  g_assert_true (_canopy_blf_file_header_parse (contents, len, &out->header, NULL));
  out->stream = g_byte_array_new ();
  out->container_sizes = g_array_new (FALSE, FALSE, sizeof (guint32));

  pos = out->header.header_size;
  while (pos + 32 <= len)
    {
      BlfObjectHeader h = { 0 };
      guint32 usize;
      gsize produced = 0;

      g_assert_true (blf_base_header_parse (contents + pos, &h));
      g_assert_cmpuint (h.object_type, ==, BLF_OBJ_LOG_CONTAINER);
      usize = blf_read_u32 (contents + pos + 24);
      g_byte_array_set_size (out->stream, out->stream->len + usize);
      if (blf_read_u16 (contents + pos + 16) == BLF_COMPRESSION_ZLIB)
        g_assert_true (_canopy_blf_codec_decompress (codec, contents + pos + 32, h.object_size - 32,
                                                     out->stream->data + out->stream->len - usize,
                                                     usize, &produced));
      else
        memcpy (out->stream->data + out->stream->len - usize, contents + pos + 32, usize);
      g_array_append_val (out->container_sizes, usize);
      pos += h.object_size + h.object_size % 4;
    }
  g_assert_cmpuint (pos, ==, len);
}

static void
inflated_clear (Inflated *inf)
{
  g_byte_array_unref (inf->stream);
  g_array_unref (inf->container_sizes);
}

/* Tests */

static void
test_objects_roundtrip (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));

  make_frames (msgs, 2000, 1, TRUE);

  for (guint variant = 0; variant < 4; variant++)
    for (guint i = 0; i < msgs->len; i++)
      {
        const CanopyMessage *m = &g_array_index (msgs, CanopyMessage, i);
        guint8 buf[BLF_MAX_ENCODED_FRAME];
        CanopyMessage back;
        const char *why = NULL;
        gsize n;

        n = _canopy_blf_encode_frame (buf, m, 12345, variant & 1 ? BLF_CLASSIC_CAN_MESSAGE2
                                                                   : BLF_CLASSIC_CAN_MESSAGE,
                                      variant & 2 ? BLF_FD_CAN_FD_MESSAGE : BLF_FD_CAN_FD_MESSAGE_64);
        g_assert_cmpuint (n, <=, sizeof buf);
        g_assert_cmpuint (blf_read_u32 (buf + 8) + blf_read_u32 (buf + 8) % 4, ==, n);
        n = blf_read_u32 (buf + 8);
        g_assert_cmpint (_canopy_blf_decode_object (buf, n, 1000, &back, &why), ==, BLF_DECODE_FRAME);
        g_assert_cmpint (back.timestamp_ns, ==, 1000 + 12345);
        back.timestamp_ns = m->timestamp_ns;
        g_assert_cmpuint (back.arbitration_id, ==, m->arbitration_id);
        g_assert_cmpuint (back.flags, ==, m->flags);
        g_assert_cmpuint (back.dlc, ==, m->dlc);
        g_assert_cmpint (back.channel, ==, m->channel);
        if (!(m->flags & CANOPY_MESSAGE_REMOTE))
          g_assert_cmpmem (back.data, back.dlc, m->data, m->dlc);

        /* A truncated object is never over-read (the copy is exactly as
         * long as told), and without a minimal body it is refused. */
        for (gsize cut = 0; cut < n; cut += 7)
          {
            guint8 *copy = g_memdup2 (buf, cut);
            BlfDecodeResult r = _canopy_blf_decode_object (copy, cut, 0, &back, &why);

            if (cut < BLF_CAN_MESSAGE_SIZE)
              g_assert_cmpint (r, !=, BLF_DECODE_FRAME);
            g_free (copy);
          }
      }
}

static void
test_codec (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree guint8 *plain = g_malloc (BLF_CONTAINER_SIZE);
  g_autofree guint8 *packed = g_malloc (BLF_CONTAINER_SIZE * 2);
  g_autofree guint8 *back = g_malloc (BLF_CONTAINER_SIZE);
  gsize fill = 0;

  make_frames (msgs, 5000, 2, TRUE);
  for (guint i = 0; fill + BLF_MAX_ENCODED_FRAME < BLF_CONTAINER_SIZE; i++)
    fill += _canopy_blf_encode_frame (plain + fill, &g_array_index (msgs, CanopyMessage, i % msgs->len),
                                      i, BLF_CLASSIC_CAN_MESSAGE, BLF_FD_CAN_FD_MESSAGE_64);

  for (BlfCodecBackend c = BLF_CODEC_ZLIB; c <= BLF_CODEC_LIBDEFLATE; c++)
    for (BlfCodecBackend d = BLF_CODEC_ZLIB; d <= BLF_CODEC_LIBDEFLATE; d++)
      {
        g_autoptr(BlfCodec) enc = _canopy_blf_codec_new (c, 6);
        g_autoptr(BlfCodec) dec = _canopy_blf_codec_new (d, 6);
        gsize clen, produced = 0;

        clen = _canopy_blf_codec_compress (enc, plain, fill, packed, BLF_CONTAINER_SIZE * 2);
        g_assert_cmpuint (clen, >, 2);
        g_assert_cmpuint (clen, <, fill);
        /* A zlib stream (RFC 1950), as python-can and Vector write. */
        g_assert_cmpuint (packed[0], ==, 0x78);
        g_assert_true (_canopy_blf_codec_decompress (dec, packed, clen, back, fill, &produced));
        g_assert_cmpuint (produced, ==, fill);
        g_assert_cmpmem (back, fill, plain, fill);

        /* A cut stream yields a correct prefix and a failure. */
        memset (back, 0, fill);
        g_assert_false (_canopy_blf_codec_decompress (dec, packed, clen / 2, back, fill, &produced));
        g_assert_cmpuint (produced, >, 0);
        g_assert_cmpuint (produced, <, fill);
        g_assert_cmpmem (back, produced, plain, produced);

        /* A wrong announced size is a failure too. */
        g_assert_false (_canopy_blf_codec_decompress (dec, packed, clen, back, fill - 1, &produced));
      }
}

static void
test_testdata_like_python_can (void)
{
  const char *dir = g_getenv ("CANOPY_TESTDATA");
  g_autofree char *pcdir = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;
  guint n_files = 0;

  if (canopy_test_python3 () == NULL)
    return;
  g_assert_nonnull (dir);
  pcdir = g_build_filename (dir, "python-can", NULL);
  d = g_dir_open (pcdir, 0, NULL);
  g_assert_nonnull (d);

  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = NULL;
      g_autoptr(GArray) ours = NULL;
      g_autoptr(GArray) theirs = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (name, ".blf"))
        continue;

      path = g_build_filename (pcdir, name, NULL);
      ours = canopy_read (path, &error);
      g_assert_no_error (error);
      theirs = python_read (path);
      g_test_message ("%s: %u frames", name, ours->len);

      if (strcmp (name, "issue_1905.blf") == 0)
        {
          /* TSMaster's CAN_FD_MESSAGE_64 objects are shorter than their
           * valid-data count: python-can 4.1 returns bytes of the next
           * object for the missing ones, Canopy zeros (as CANoe, and
           * python-can >= 4.6). Compare the bytes that exist. */
          for (guint i = 0; i < theirs->len && i < ours->len; i++)
            {
              CanopyMessage *m = &g_array_index (ours, CanopyMessage, i);
              PyFrame *p = &g_array_index (theirs, PyFrame, i);

              memcpy (p->data + 48, m->data + 48, 16);
            }
        }

      assert_matches_python (ours, theirs, 2e-6);
      g_assert_cmpuint (ours->len, >, 0);
      n_files++;
    }

  g_assert_cmpuint (n_files, >=, 6);
}

static void
test_python_reads_ours (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));

  if (canopy_test_python3 () == NULL)
    return;

  make_frames (msgs, 20000, 3, TRUE);

  for (guint variant = 0; variant < 4; variant++)
    {
      g_autofree char *path = temp_path ("ours.blf");
      g_autoptr(GArray) theirs = NULL;
      g_autoptr(GArray) back = NULL;
      g_autoptr(GError) error = NULL;

      write_ours (path, msgs,
                  "path", path,
                  "can-message2", (variant & 1) != 0,
                  "fd-message-64", (variant & 2) == 0,
                  "compression-level", variant == 3 ? 0 : 6,
                  NULL);

      theirs = python_read (path);
      /* python-can's float seconds hold about 0.2 µs at today's dates. */
      back = g_array_copy (msgs);
      assert_matches_python (back, theirs, 1e-6);

      /* And Canopy reads its own file back exactly, to the nanosecond. */
      g_clear_pointer (&back, g_array_unref);
      back = canopy_read (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->len, ==, msgs->len);
      assert_same_frames (back, msgs, msgs->len);
    }
}

static void
test_we_read_python_can (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  const char *levels[] = { "-1", "0", "9" };

  if (canopy_test_python3 () == NULL)
    return;

  make_frames (msgs, 20000, 4, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *path = temp_path ("theirs.blf");
      g_autoptr(GArray) theirs = NULL;
      g_autoptr(GArray) ours = NULL;
      g_autoptr(GError) error = NULL;

      python_write (path, msgs, levels[i]);
      ours = canopy_read (path, &error);
      g_assert_no_error (error);
      theirs = python_read (path);
      assert_matches_python (ours, theirs, 1e-6);
      g_assert_cmpuint (ours->len, ==, msgs->len);

      /* python-can 4.1 shifts times by up to 1 ms (its start time is not
       * truncated to the millisecond); ids, flags and data are exact. */
      for (guint j = 0; j < msgs->len; j++)
        {
          CanopyMessage *a = &g_array_index (ours, CanopyMessage, j);
          CanopyMessage *b = &g_array_index (msgs, CanopyMessage, j);

          g_assert_cmpint (ABS (a->timestamp_ns - b->timestamp_ns), <=, 1000000);
          a->timestamp_ns = b->timestamp_ns;
        }
      assert_same_frames (ours, msgs, msgs->len);
    }
}

static void
test_size_vs_python_can (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *ours = temp_path ("size-ours.blf");
  g_autofree char *theirs = temp_path ("size-theirs.blf");
  GRand *rand = g_rand_new_with_seed (15);
  gint64 ts = G_GINT64_CONSTANT (1700000000000000000);
  guint8 counters[32] = { 0 };
  GStatBuf a, b;

  if (canopy_test_python3 () == NULL)
    return;

  /* Bus-like traffic (periodic ids, counters, slow signals): what BLF
   * files hold, and what makes the compression ratio meaningful. */
  for (guint i = 0; i < 60000; i++)
    {
      CanopyMessage m = { 0 };
      guint k = g_rand_int_range (rand, 0, 32);

      ts += g_rand_int_range (rand, 50000, 350000);
      m.timestamp_ns = ts;
      m.arbitration_id = 0x100 + k * 17;
      m.dlc = 8;
      m.data[0] = counters[k]++;
      m.data[1] = k;
      m.data[2] = g_rand_int_range (rand, 0, 4);
      m.data[4] = g_rand_int_range (rand, 0, 256);
      m.data[7] = 0xFF;
      g_array_append_val (msgs, m);
    }
  g_rand_free (rand);

  write_ours (ours, msgs, "path", ours, NULL);
  python_write (theirs, msgs, "7");
  g_assert_cmpint (g_stat (ours, &a), ==, 0);
  g_assert_cmpint (g_stat (theirs, &b), ==, 0);
  g_test_message ("canopy %" G_GINT64_FORMAT " bytes, python-can level 7 %" G_GINT64_FORMAT " bytes",
                  (gint64) a.st_size, (gint64) b.st_size);
  g_assert_cmpfloat ((double) a.st_size, <=, 1.02 * (double) b.st_size);
}

static void
test_nanosecond_timestamps (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("ns.blf");
  g_autoptr(GArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBlfReader) reader = NULL;
  /* Sub-millisecond parts that python-can 4.1 would lose. */
  static const gint64 stamps[] = {
    G_GINT64_CONSTANT (1700000000999999999),
    G_GINT64_CONSTANT (1700000001000000001),
    G_GINT64_CONSTANT (1700000001000999999),
    G_GINT64_CONSTANT (1700003600123456789),
    G_GINT64_CONSTANT (1700000000999999998),  /* before the previous: kept */
  };

  for (guint i = 0; i < G_N_ELEMENTS (stamps); i++)
    {
      CanopyMessage m;

      canopy_message_init (&m, 0x100 + i, FALSE, (const guint8 *) "\1\2\3", 3);
      m.channel = 0;
      m.timestamp_ns = stamps[i];
      g_array_append_val (msgs, m);
    }

  for (guint utc = 0; utc < 2; utc++)
    {
      write_ours (path, msgs, "path", path, "utc", (gboolean) utc, NULL);

      reader = g_initable_new (CANOPY_TYPE_BLF_READER, NULL, &error,
                               "path", path, "utc", (gboolean) utc, NULL);
      g_assert_no_error (error);
      /* The header's start is the first time, to the millisecond. */
      g_assert_cmpint (canopy_blf_reader_get_start_time_ns (reader), ==,
                       G_GINT64_CONSTANT (1700000000999000000));
      g_assert_cmpint (canopy_blf_reader_get_stop_time_ns (reader), ==,
                       G_GINT64_CONSTANT (1700000000999000000));
      g_assert_cmpuint (canopy_blf_reader_get_object_count (reader), ==, msgs->len);
      g_clear_object (&reader);

      back = canopy_read (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->len, ==, msgs->len);
      assert_same_frames (back, msgs, msgs->len);
      g_clear_pointer (&back, g_array_unref);
    }
}

static void
test_header_statistics (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("header.blf");
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  Inflated inf;
  GStatBuf st;
  guint64 usize = BLF_FILE_HEADER_SIZE;
  gint64 start, stop;
  BlfSystemTime zero = { 0 };

  make_frames (msgs, 7000, 5, TRUE);
  writer = (CanopyLogWriter *) canopy_blf_writer_new (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < msgs->len; i++)
    g_assert_true (canopy_log_writer_write (writer, &g_array_index (msgs, CanopyMessage, i), NULL));
  g_assert_true (canopy_log_writer_log_event (writer, "hello marker", -1, NULL));
  g_assert_true (canopy_log_writer_close (writer, &error));
  g_assert_no_error (error);

  inflate_file (path, &inf);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (inf.header.header_size, ==, 144);
  g_assert_cmpuint (inf.header.file_size, ==, st.st_size);
  g_assert_cmpuint (inf.header.object_count, ==, msgs->len + 1);
  for (guint i = 0; i < inf.container_sizes->len; i++)
    {
      guint32 s = g_array_index (inf.container_sizes, guint32, i);

      /* Containers are cut at exactly python-can's 128 KiB. */
      if (i + 1 < inf.container_sizes->len)
        g_assert_cmpuint (s, ==, BLF_CONTAINER_SIZE);
      usize += 32 + s;
    }
  g_assert_cmpuint (inf.header.uncompressed_size, ==, usize);
  g_assert_cmpuint (inf.container_sizes->len, >, 2);

  g_assert_true (_canopy_blf_systemtime_to_ns (&inf.header.start, FALSE, &start));
  g_assert_true (_canopy_blf_systemtime_to_ns (&inf.header.stop, FALSE, &stop));
  g_assert_cmpint (start, ==, g_array_index (msgs, CanopyMessage, 0).timestamp_ns / 1000000 * 1000000);
  g_assert_cmpint (stop, ==, g_array_index (msgs, CanopyMessage, msgs->len - 1).timestamp_ns / 1000000 * 1000000);

  /* The marker is the last object: a GLOBAL_MARKER with the text. */
  {
    const guint8 *s = inf.stream->data;
    gsize pos = 0, last = 0;

    while (pos + 16 <= inf.stream->len && blf_read_u32 (s + pos) == BLF_OBJ_SIGNATURE)
      {
        last = pos;
        pos += blf_read_u32 (s + pos + 8);
        pos += blf_read_u32 (s + last + 8) % 4;
      }
    g_assert_cmpuint (pos, ==, inf.stream->len);
    g_assert_cmpuint (blf_read_u32 (s + last + 12), ==, BLF_OBJ_GLOBAL_MARKER);
    g_assert_cmpuint (blf_read_u32 (s + last + 32 + 16), ==, strlen ("hello marker"));
    g_assert_cmpmem (s + last + 72, 12, "hello marker", 12);
  }
  inflated_clear (&inf);

  /* python-can agrees on the header. */
  if (canopy_test_have_python3 ())
    {
      g_autofree char *out = run_python ("header", path, NULL, NULL);
      g_autofree char *count = g_strdup_printf ("\"count\": %u,", msgs->len + 1);

      g_assert_nonnull (strstr (out, count));
    }

  /* Relative times (no plausible date) leave the header times zero. */
  {
    g_autoptr(GArray) rel = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
    g_autoptr(GArray) back = NULL;

    make_frames (rel, 10, 6, FALSE);
    for (guint i = 0; i < rel->len; i++)
      g_array_index (rel, CanopyMessage, i).timestamp_ns = 1000 + i * 1234567;
    write_ours (path, rel, "path", path, NULL);
    inflate_file (path, &inf);
    g_assert_cmpmem (&inf.header.start, sizeof zero, &zero, sizeof zero);
    inflated_clear (&inf);
    back = canopy_read (path, &error);
    g_assert_no_error (error);
    assert_same_frames (back, rel, rel->len);
  }
}

static void
test_app_text_events (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("apptext.blf");
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GArray) back = NULL;
  guint n_text = 0;
  Inflated inf;

  make_frames (msgs, 3000, 7, TRUE);
  writer = g_initable_new (CANOPY_TYPE_BLF_WRITER, NULL, &error,
                           "path", path, "app-text-events", TRUE, NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < msgs->len; i++)
    {
      const CanopyMessage *m = &g_array_index (msgs, CanopyMessage, i);

      g_assert_true (canopy_log_writer_write (writer, m, NULL));
      if (i % 100 == 0)
        g_assert_true (canopy_log_writer_log_event (writer, "a comment of odd length", m->timestamp_ns, NULL));
    }
  g_assert_true (canopy_log_writer_close (writer, &error));

  inflate_file (path, &inf);
  for (gsize pos = 0; pos + 16 <= inf.stream->len;)
    {
      guint32 size = blf_read_u32 (inf.stream->data + pos + 8);

      if (blf_read_u32 (inf.stream->data + pos + 12) == BLF_OBJ_APP_TEXT)
        n_text++;
      pos += size + size % 4;
    }
  inflated_clear (&inf);
  g_assert_cmpuint (n_text, ==, 30);

  /* Texts (with padding) between frames do not disturb reading. */
  back = canopy_read (path, &error);
  g_assert_no_error (error);
  assert_same_frames (back, msgs, msgs->len);
  if (canopy_test_have_python3 ())
    {
      g_autoptr(GArray) theirs = python_read (path);

      assert_matches_python (back, theirs, 1e-6);
    }
}

static gsize put_object (GByteArray *s, guint32 type, guint version, guint32 flags, guint64 ts,
                         const void *body, gsize body_len);
static void put_can (GByteArray *s, guint version, guint32 flags, guint64 ts, guint32 id);
static void write_file_with_containers (const char *path, GByteArray *stream, gsize first,
                                        gsize chunk, gboolean compress, gboolean bare);

/* Objects that are not frames are counted by type, with their names:
 * markers and texts the writer makes, the restore points of real files,
 * and objects outside containers. */
static void
test_object_counts (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("counts.blf");
  g_autofree char *real = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "python-can", "issue_1905.blf", NULL);

  make_frames (msgs, 5000, 21, TRUE);
  for (guint texts = 0; texts < 2; texts++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyLogWriter) writer = NULL;
      g_autoptr(CanopyLogReader) reader = NULL;
      g_autofree guint *types = NULL;
      guint n_types = 0;
      guint n_frames = 0;
      CanopyMessage m;
      guint kind = texts ? BLF_OBJ_APP_TEXT : BLF_OBJ_GLOBAL_MARKER;

      writer = g_initable_new (CANOPY_TYPE_BLF_WRITER, NULL, &error,
                               "path", path, "app-text-events", texts, NULL);
      g_assert_no_error (error);
      for (guint i = 0; i < msgs->len; i++)
        {
          g_assert_true (canopy_log_writer_write (writer, &g_array_index (msgs, CanopyMessage, i), NULL));
          if (i % 50 == 7)
            g_assert_true (canopy_log_writer_log_event (writer, "odd text", -1, NULL));
        }
      g_assert_true (canopy_log_writer_close (writer, &error));

      reader = canopy_log_reader_new_for_file (path, &error);
      g_assert_no_error (error);
      while (canopy_log_reader_next (reader, &m, &error))
        n_frames++;
      g_assert_no_error (error);
      g_assert_cmpuint (n_frames, ==, msgs->len);

      types = canopy_blf_reader_dup_object_types (CANOPY_BLF_READER (reader), &n_types);
      g_assert_cmpuint (n_types, ==, 1);
      g_assert_cmpuint (types[0], ==, kind);
      g_assert_cmpuint (canopy_blf_reader_get_n_objects_of_type (CANOPY_BLF_READER (reader), kind), ==, 100);
      g_assert_cmpuint (canopy_blf_reader_get_n_objects_of_type (CANOPY_BLF_READER (reader), BLF_OBJ_CAN_MESSAGE), ==, 0);
      g_assert_cmpstr (canopy_blf_reader_get_object_type_name (kind), ==,
                       texts ? "APP_TEXT" : "GLOBAL_MARKER");
    }

  g_assert_cmpstr (canopy_blf_reader_get_object_type_name (3), ==, "CAN_OVERLOAD");
  g_assert_cmpstr (canopy_blf_reader_get_object_type_name (11), ==, "LIN_MESSAGE");
  g_assert_cmpstr (canopy_blf_reader_get_object_type_name (31), ==, "CAN_DRIVER_ERROR");
  g_assert_cmpstr (canopy_blf_reader_get_object_type_name (92), ==, "EVENT_COMMENT");
  g_assert_cmpstr (canopy_blf_reader_get_object_type_name (101), ==, "CAN_FD_MESSAGE_64");
  g_assert_cmpstr (canopy_blf_reader_get_object_type_name (129), ==, "CAN_SETTING_CHANGED");
  g_assert_null (canopy_blf_reader_get_object_type_name (26));
  g_assert_null (canopy_blf_reader_get_object_type_name (5000));

  /* A real file: TSMaster's two restore-point objects at the end. */
  if (g_file_test (real, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (real, &error);
      CanopyMessage m;

      g_assert_no_error (error);
      while (canopy_log_reader_next (reader, &m, &error))
        ;
      g_assert_no_error (error);
      g_assert_cmpuint (canopy_blf_reader_get_n_objects_of_type (CANOPY_BLF_READER (reader), 115), ==, 2);
    }

  /* Overload frames, LIN, driver errors and an unknown type, in tiny
   * containers and outside containers. */
  {
    g_autoptr(GByteArray) s = g_byte_array_new ();
    guint8 body[64] = { 0 };

    put_can (s, 1, BLF_TIME_ONE_NANS, 1, 0x101);
    put_object (s, BLF_OBJ_CAN_OVERLOAD, 1, BLF_TIME_ONE_NANS, 2, body, 8);
    put_object (s, 11, 1, BLF_TIME_ONE_NANS, 3, body, 20);
    put_object (s, 11, 1, BLF_TIME_ONE_NANS, 4, body, 20);
    put_object (s, 31, 1, BLF_TIME_ONE_NANS, 5, body, 7);
    put_object (s, 40000, 1, BLF_TIME_ONE_NANS, 6, body, 3);
    put_can (s, 1, BLF_TIME_ONE_NANS, 7, 0x102);

    for (guint bare = 0; bare < 2; bare++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(CanopyLogReader) reader = NULL;
        g_autofree guint *types = NULL;
        guint n_types = 0;
        guint n_frames = 0;
        CanopyMessage m;
        static const guint want[] = { 3, 11, 31, 40000 };

        write_file_with_containers (path, s, 0, 19, TRUE, bare);
        reader = canopy_log_reader_new_for_file (path, &error);
        g_assert_no_error (error);
        while (canopy_log_reader_next (reader, &m, &error))
          n_frames++;
        g_assert_no_error (error);
        g_assert_cmpuint (n_frames, ==, 2);
        types = canopy_blf_reader_dup_object_types (CANOPY_BLF_READER (reader), &n_types);
        g_assert_cmpmem (types, n_types * sizeof (guint), want, sizeof want);
        g_assert_cmpuint (canopy_blf_reader_get_n_objects_of_type (CANOPY_BLF_READER (reader), 11), ==, 2);
        g_assert_cmpuint (canopy_blf_reader_get_n_objects_of_type (CANOPY_BLF_READER (reader), 40000), ==, 1);
        g_assert_cmpuint (canopy_blf_reader_get_skipped (CANOPY_BLF_READER (reader)), ==, 0);
      }
  }
}

/* Reads frames and events in file order: events as "E" items. */
static GArray *
read_with_events (const char  *path,
                  GPtrArray   *events,
                  GError     **error)
{
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, error);
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  CanopyLogEvent *event = NULL;
  CanopyMessage msg;

  if (reader == NULL)
    return frames;
  while (canopy_log_reader_next_with_events (reader, &msg, &event, error))
    {
      if (event != NULL)
        {
          /* Where it came: after this many frames. */
          g_ptr_array_add (events, event);
          g_ptr_array_add (events, GUINT_TO_POINTER (frames->len));
        }
      else
        g_array_append_val (frames, msg);
    }
  return frames;
}

static void
assert_same_event (const CanopyLogEvent *a,
                   const CanopyLogEvent *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpint (a->timestamp_ns, ==, b->timestamp_ns);
  g_assert_cmpstr (a->text, ==, b->text);
  g_assert_cmpstr (a->group, ==, b->group);
  g_assert_cmpstr (a->marker, ==, b->marker);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpuint (a->source, ==, b->source);
  g_assert_cmpuint (a->source_info, ==, b->source_info);
  g_assert_cmpuint (a->event_type, ==, b->event_type);
  g_assert_cmpuint (a->foreground, ==, b->foreground);
  g_assert_cmpuint (a->background, ==, b->background);
  g_assert_cmpint (a->relocatable, ==, b->relocatable);
}

/* Same events, after the same frames. */
static void
assert_same_events (GPtrArray *a,
                    GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint j = 0; j < a->len; j += 2)
    {
      assert_same_event (g_ptr_array_index (a, j), g_ptr_array_index (b, j));
      g_assert_true (g_ptr_array_index (a, j + 1) == g_ptr_array_index (b, j + 1));
    }
}

static void
free_events (GPtrArray *events)
{
  for (guint i = 0; i < events->len; i += 2)
    canopy_log_event_unref (g_ptr_array_index (events, i));
  g_ptr_array_unref (events);
}

/* Texts and markers the writer makes are read back as events, in place,
 * with their times; next() still gives the frames only. */
static void
test_events_read (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("events.blf");

  make_frames (msgs, 5000, 23, TRUE);
  for (guint texts = 0; texts < 2; texts++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyLogWriter) writer = NULL;
      g_autoptr(GArray) back = NULL;
      GPtrArray *events = g_ptr_array_new ();

      writer = g_initable_new (CANOPY_TYPE_BLF_WRITER, NULL, &error,
                               "path", path, "app-text-events", texts, NULL);
      g_assert_no_error (error);
      for (guint i = 0; i < msgs->len; i++)
        {
          g_assert_true (canopy_log_writer_write (writer, &g_array_index (msgs, CanopyMessage, i), NULL));
          if (i % 50 == 7)
            {
              g_autofree char *text = g_strdup_printf ("after frame %u, \xc3\xa4", i);

              g_assert_true (canopy_log_writer_log_event (writer, text, -1, NULL));
            }
        }
      g_assert_true (canopy_log_writer_close (writer, &error));

      back = read_with_events (path, events, &error);
      g_assert_no_error (error);
      assert_same_frames (back, msgs, msgs->len);
      g_assert_cmpuint (back->len, ==, msgs->len);
      g_assert_cmpuint (events->len, ==, 2 * 100);
      for (guint j = 0; j < events->len; j += 2)
        {
          const CanopyLogEvent *e = g_ptr_array_index (events, j);
          guint after = GPOINTER_TO_UINT (g_ptr_array_index (events, j + 1));
          guint frame = (j / 2) * 50 + 7;
          g_autofree char *text = g_strdup_printf ("after frame %u, \xc3\xa4", frame);

          g_assert_cmpuint (after, ==, frame + 1);
          g_assert_cmpint (canopy_log_event_get_timestamp_ns (e), ==,
                           g_array_index (msgs, CanopyMessage, frame).timestamp_ns);
          if (texts)
            {
              g_assert_cmpint (canopy_log_event_get_kind (e), ==, CANOPY_LOG_EVENT_TEXT);
              g_assert_cmpstr (canopy_log_event_get_text (e), ==, text);
              g_assert_cmpuint (canopy_log_event_get_source (e), ==, 0);
              g_assert_null (canopy_log_event_get_group (e));
            }
          else
            {
              g_assert_cmpint (canopy_log_event_get_kind (e), ==, CANOPY_LOG_EVENT_MARKER);
              g_assert_cmpstr (canopy_log_event_get_group (e), ==, text);
              g_assert_cmpstr (canopy_log_event_get_marker (e), ==, "canopy");
              g_assert_cmpstr (canopy_log_event_get_description (e), ==, "Added by Canopy");
              g_assert_null (canopy_log_event_get_text (e));
            }
        }
      free_events (events);
    }
}

/* Application texts longer than the 4 KiB that frames are assembled up
 * to, and markers with long strings, are read as events whether they lie
 * in one container, span many (compressed or stored) or stand bare at the
 * top level; next() steps over them. An event object beyond the limit
 * (BLF_MAX_EVENT_OBJECT) is stepped over and counted, and the frames
 * around it are intact. */
static void
test_events_long (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autofree char *path = temp_path ("long-texts.blf");
  const gsize text_lens[] = { 5000, 300 * 1024, BLF_MAX_EVENT_TEXT };
  const gsize too_long = BLF_MAX_EVENT_OBJECT;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *marker = g_malloc (70000 + 1);
  guint32 id = 0x100;

  memset (marker, 'm', 70000);
  marker[70000] = '\0';
  put_can (s, 1, BLF_TIME_ONE_NANS, 1, id++);
  for (guint i = 0; i < G_N_ELEMENTS (text_lens); i++)
    {
      gsize n = text_lens[i];
      g_autofree guint8 *body = g_malloc0 (16 + n);
      char *text = g_malloc (n + 1);

      for (gsize k = 0; k < n; k++)
        text[k] = 'a' + (k * 7 + i) % 26;
      text[n] = '\0';
      blf_write_u32 (body, 1);
      blf_write_u32 (body + 8, n);
      memcpy (body + 16, text, n);
      put_object (s, BLF_OBJ_APP_TEXT, 1, BLF_TIME_ONE_NANS, 10 + i, body, 16 + n);
      g_ptr_array_add (texts, text);
      put_can (s, 1, BLF_TIME_ONE_NANS, 20 + i, id++);
    }
  {
    g_autofree guint8 *body = g_malloc0 (40 + 5 + 70000 + 4);

    blf_write_u32 (body + 16, 5);
    blf_write_u32 (body + 20, 70000);
    blf_write_u32 (body + 24, 4);
    memcpy (body + 40, "Group", 5);
    memcpy (body + 45, marker, 70000);
    memcpy (body + 45 + 70000, "desc", 4);
    put_object (s, BLF_OBJ_GLOBAL_MARKER, 1, BLF_TIME_ONE_NANS, 30, body, 40 + 5 + 70000 + 4);
    put_can (s, 1, BLF_TIME_ONE_NANS, 31, id++);
  }
  {
    g_autofree guint8 *body = g_malloc0 (too_long);

    blf_write_u32 (body + 8, too_long - 16);
    memset (body + 16, 'x', too_long - 16);
    put_object (s, BLF_OBJ_APP_TEXT, 1, BLF_TIME_ONE_NANS, 40, body, too_long);
    put_can (s, 1, BLF_TIME_ONE_NANS, 41, id++);
  }

  for (guint layout = 0; layout < 4; layout++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) frames = NULL;
      g_autoptr(GArray) plain = NULL;
      g_autoptr(CanopyLogReader) reader = NULL;
      GPtrArray *events = g_ptr_array_new ();

      /* Containers of 4000 bytes (compressed, stored), of 60000, or bare. */
      write_file_with_containers (path, s, 0, layout == 2 ? 60000 : 4000, layout == 0, layout == 3);
      frames = read_with_events (path, events, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (frames->len, ==, id - 0x100);
      for (guint i = 0; i < frames->len; i++)
        g_assert_cmphex (g_array_index (frames, CanopyMessage, i).arbitration_id, ==, 0x100 + i);

      g_assert_cmpuint (events->len, ==, 2 * (G_N_ELEMENTS (text_lens) + 1));
      for (guint i = 0; i < G_N_ELEMENTS (text_lens); i++)
        {
          const CanopyLogEvent *e = g_ptr_array_index (events, 2 * i);

          g_assert_cmpint (canopy_log_event_get_kind (e), ==, CANOPY_LOG_EVENT_TEXT);
          g_assert_cmpuint (strlen (canopy_log_event_get_text (e)), ==, text_lens[i]);
          g_assert_true (strcmp (canopy_log_event_get_text (e), texts->pdata[i]) == 0);
          g_assert_cmpuint (canopy_log_event_get_source (e), ==, 1);
          g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (events, 2 * i + 1)), ==, i + 1);
        }
      {
        const CanopyLogEvent *e = g_ptr_array_index (events, 2 * G_N_ELEMENTS (text_lens));

        g_assert_cmpint (canopy_log_event_get_kind (e), ==, CANOPY_LOG_EVENT_MARKER);
        g_assert_cmpstr (canopy_log_event_get_group (e), ==, "Group");
        g_assert_true (strcmp (canopy_log_event_get_marker (e), marker) == 0);
        g_assert_cmpstr (canopy_log_event_get_description (e), ==, "desc");
      }
      free_events (events);

      /* next() alone: the frames, nothing skipped as damage. */
      plain = canopy_read (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (plain->len, ==, frames->len);
      reader = canopy_log_reader_new_for_file (path, &error);
      g_assert_no_error (error);
      for (;;)
        {
          CanopyLogEvent *event = NULL;
          CanopyMessage msg;

          if (!canopy_log_reader_next_with_events (reader, &msg, &event, &error))
            break;
          g_clear_pointer (&event, canopy_log_event_unref);
        }
      g_assert_no_error (error);
      g_assert_cmpuint (canopy_blf_reader_get_n_objects_of_type (CANOPY_BLF_READER (reader), BLF_OBJ_APP_TEXT),
                        ==, G_N_ELEMENTS (text_lens) + 1);
    }
}

/* The writer keeps texts up to 1 MiB, and cuts a longer one before a
 * character, never inside one (a reader would take the cut text for
 * Windows-1252). */
static void
test_events_long_written (void)
{
  g_autofree char *path = temp_path ("long-written.blf");
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GArray) frames = NULL;
  g_autoptr(GString) medium = g_string_new (NULL);
  g_autoptr(GString) huge = g_string_new (NULL);
  GPtrArray *events = g_ptr_array_new ();
  CanopyMessage msg = { .arbitration_id = 0x42, .dlc = 1, .timestamp_ns = 1700000000000000000 };
  const char *got;

  while (medium->len < 200 * 1024)
    g_string_append (medium, "line of a long comment, ");
  /* "ä" (2 bytes) straddles the limit. */
  g_string_set_size (huge, BLF_MAX_EVENT_TEXT - 1);
  memset (huge->str, 'h', huge->len);
  for (guint i = 0; i < 100; i++)
    g_string_append (huge, "\xc3\xa4");

  writer = g_initable_new (CANOPY_TYPE_BLF_WRITER, NULL, &error,
                           "path", path, "app-text-events", TRUE, NULL);
  g_assert_no_error (error);
  g_assert_true (canopy_log_writer_write (writer, &msg, NULL));
  g_assert_true (canopy_log_writer_log_event (writer, medium->str, -1, NULL));
  msg.timestamp_ns += 1000;
  g_assert_true (canopy_log_writer_write (writer, &msg, NULL));
  g_assert_true (canopy_log_writer_log_event (writer, huge->str, -1, NULL));
  msg.timestamp_ns += 1000;
  g_assert_true (canopy_log_writer_write (writer, &msg, NULL));
  g_assert_true (canopy_log_writer_close (writer, &error));
  g_assert_no_error (error);

  frames = read_with_events (path, events, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 3);
  g_assert_cmpuint (events->len, ==, 4);
  g_assert_cmpstr (canopy_log_event_get_text (g_ptr_array_index (events, 0)), ==, medium->str);
  got = canopy_log_event_get_text (g_ptr_array_index (events, 2));
  g_assert_cmpuint (strlen (got), ==, BLF_MAX_EVENT_TEXT - 1);
  g_assert_true (strncmp (got, huge->str, BLF_MAX_EVENT_TEXT - 1) == 0);
  free_events (events);
}

/* BLF to BLF with the converter: texts and markers of every shape (other
 * sources and colours, Windows-1252, strings longer than the object as
 * the Vector converter writes them) come out as they went in, between
 * the same frames. */
static void
test_events_convert (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autofree char *path = temp_path ("events-src.blf");
  g_autofree char *out = temp_path ("events-out.blf");
  guint8 body[700];

  put_can (s, 1, BLF_TIME_ONE_NANS, 1000, 0x101);
  memset (body, 0, sizeof body);
  blf_write_u32 (body, 2);                  /* metadata */
  blf_write_u32 (body + 4, 0x01000006);
  blf_write_u32 (body + 8, 6);
  memcpy (body + 16, "<xml/>", 6);
  put_object (s, BLF_OBJ_APP_TEXT, 1, BLF_TIME_ONE_NANS, 2000, body, 16 + 6);
  put_can (s, 2, BLF_TIME_ONE_NANS, 3000, 0x102);
  memset (body, 0, sizeof body);
  blf_write_u32 (body, 5);                  /* commented event type */
  blf_write_u32 (body + 4, 0x123456);
  blf_write_u32 (body + 8, 0x654321);
  body[12] = 1;
  blf_write_u32 (body + 16, 5);
  blf_write_u32 (body + 20, 8);
  blf_write_u32 (body + 24, 4);
  memcpy (body + 40, "GroupMarker 1caf\xe9", 17);   /* "café" in Windows-1252 */
  put_object (s, BLF_OBJ_GLOBAL_MARKER, 1, BLF_TIME_TEN_MICS, 400, body, 40 + 17);
  /* Vector converter style: NUL-padded buffers, the description cut by
   * the object size. */
  memset (body, 0, sizeof body);
  blf_write_u32 (body + 16, 131);
  blf_write_u32 (body + 20, 131);
  blf_write_u32 (body + 24, 261);
  memcpy (body + 40, "Default", 7);
  memcpy (body + 40 + 131, "Marker", 6);
  memcpy (body + 40 + 262, "Described", 9);
  put_object (s, BLF_OBJ_GLOBAL_MARKER, 1, BLF_TIME_ONE_NANS, 5000, body, 40 + 131 + 131 + 237);
  put_can (s, 1, BLF_TIME_ONE_NANS, 6000, 0x103);
  memset (body, 0, sizeof body);
  blf_write_u32 (body + 8, 7);
  memcpy (body + 16, "the end", 7);
  put_object (s, BLF_OBJ_APP_TEXT, 1, BLF_TIME_ONE_NANS, 7000, body, 16 + 7);

  for (guint compress = 0; compress < 2; compress++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) src_frames = NULL;
      g_autoptr(GArray) out_frames = NULL;
      g_autoptr(GFile) dest = g_file_new_for_path (out);
      g_autoptr(GFile) source = g_file_new_for_path (path);
      g_autoptr(CanopyLogConverter) converter = canopy_log_converter_new (dest);
      GPtrArray *src_events = g_ptr_array_new ();
      GPtrArray *out_events = g_ptr_array_new ();

      write_file_with_containers (path, s, 0, 100, compress, FALSE);
      src_frames = read_with_events (path, src_events, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (src_frames->len, ==, 3);
      g_assert_cmpuint (src_events->len, ==, 2 * 4);
      {
        const CanopyLogEvent *meta = g_ptr_array_index (src_events, 0);
        const CanopyLogEvent *m1 = g_ptr_array_index (src_events, 2);
        const CanopyLogEvent *m2 = g_ptr_array_index (src_events, 4);

        g_assert_cmpstr (meta->text, ==, "<xml/>");
        g_assert_cmpuint (meta->source, ==, 2);
        g_assert_cmpuint (meta->source_info, ==, 0x01000006);
        g_assert_cmpint (meta->timestamp_ns - g_array_index (src_frames, CanopyMessage, 0).timestamp_ns, ==, 1000);
        g_assert_cmpstr (m1->group, ==, "Group");
        g_assert_cmpstr (m1->marker, ==, "Marker 1");
        g_assert_cmpstr (m1->description, ==, "caf\xc3\xa9");
        g_assert_cmpuint (m1->event_type, ==, 5);
        g_assert_cmpuint (m1->foreground, ==, 0x123456);
        g_assert_true (m1->relocatable);
        g_assert_cmpint (m1->timestamp_ns - g_array_index (src_frames, CanopyMessage, 0).timestamp_ns, ==, 4000000 - 1000);
        g_assert_cmpstr (m2->group, ==, "Default");
        g_assert_cmpstr (m2->marker, ==, "Marker");
        g_assert_cmpstr (m2->description, ==, "Described");
        g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (src_events, 7)), ==, 3);
      }

      canopy_log_converter_add_source (converter, source);
      g_assert_true (canopy_log_converter_convert (converter, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (canopy_log_converter_get_events_written (converter), ==, 4);

      out_frames = read_with_events (out, out_events, &error);
      g_assert_no_error (error);
      assert_same_frames (out_frames, src_frames, src_frames->len);
      g_assert_cmpuint (out_frames->len, ==, src_frames->len);
      assert_same_events (out_events, src_events);
      free_events (src_events);
      free_events (out_events);
    }
}

/* python-can 4.1's log_event() markers are read as events, and survive a
 * conversion that python-can then reads. */
static void
test_events_python_can (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("events-py.blf");
  g_autofree char *out = temp_path ("events-py-out.blf");
  g_autoptr(GString) in = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) back = NULL;
  g_autoptr(GFile) dest = g_file_new_for_path (out);
  g_autoptr(GFile) source = g_file_new_for_path (path);
  g_autoptr(CanopyLogConverter) converter = canopy_log_converter_new (dest);
  GPtrArray *events = g_ptr_array_new ();
  GPtrArray *out_events = g_ptr_array_new ();
  g_autoptr(GArray) out_frames = NULL;
  g_autofree char *unused = NULL;

  if (!canopy_test_have_python3 ())
    {
      g_test_skip ("no /usr/bin/python3 with python-can");
      return;
    }

  make_frames (msgs, 300, 24, FALSE);
  /* python_write's input, with an event line after every 100th frame. */
  for (guint i = 0; i < msgs->len; i += 100)
    {
      g_autoptr(GArray) part = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
      const CanopyMessage *last;

      g_array_append_vals (part, &g_array_index (msgs, CanopyMessage, i), 100);
      last = &g_array_index (part, CanopyMessage, 99);
      /* Reuse the frame formatter through a throwaway file. */
      python_write_lines (in, part);
      g_string_append_printf (in, "event %" G_GINT64_FORMAT ".%09d mark%u\n",
                              last->timestamp_ns / 1000000000, (int) (last->timestamp_ns % 1000000000), i);
    }
  unused = run_python ("write", path, "6", in->str);

  back = read_with_events (path, events, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, msgs->len);
  g_assert_cmpuint (events->len, ==, 2 * 3);
  for (guint j = 0; j < events->len; j += 2)
    {
      const CanopyLogEvent *e = g_ptr_array_index (events, j);
      g_autofree char *text = g_strdup_printf ("mark%u", j / 2 * 100);
      const CanopyMessage *last = &g_array_index (msgs, CanopyMessage, j / 2 * 100 + 99);

      g_assert_cmpint (e->kind, ==, CANOPY_LOG_EVENT_MARKER);
      g_assert_cmpstr (e->group, ==, text);
      g_assert_cmpstr (e->marker, ==, "python-can");
      g_assert_cmpstr (e->description, ==, "Added by python-can");
      g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (events, j + 1)), ==, j / 2 * 100 + 100);
      /* python-can 4.1 does not truncate its start to the millisecond. */
      g_assert_cmpint (ABS (e->timestamp_ns - last->timestamp_ns), <, 1000000);
    }

  canopy_log_converter_add_source (converter, source);
  g_assert_true (canopy_log_converter_convert (converter, NULL, &error));
  out_frames = read_with_events (out, out_events, &error);
  g_assert_no_error (error);
  assert_same_events (out_events, events);
  {
    g_autoptr(GArray) theirs = python_read (out);

    assert_matches_python (out_frames, theirs, 1e-6);
  }
  free_events (events);
  free_events (out_events);
}

static void
test_spanning_containers (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("span.blf");
  g_autoptr(GArray) back = NULL;
  g_autoptr(GError) error = NULL;
  Inflated inf;
  guint spans = 0;
  gsize boundary = 0;

  /* Mixed sizes (48, 64, 80..136 bytes) guarantee objects cut by the
   * container boundaries, including cuts inside the 16-byte base header. */
  make_frames (msgs, 30000, 8, TRUE);
  write_ours (path, msgs, "path", path, NULL);

  inflate_file (path, &inf);
  for (guint i = 0; i + 1 < inf.container_sizes->len; i++)
    {
      gsize pos = 0;

      boundary += g_array_index (inf.container_sizes, guint32, i);
      while (pos < boundary)
        {
          guint32 size = blf_read_u32 (inf.stream->data + pos + 8);

          pos += size + size % 4;
        }
      if (pos != boundary)
        spans++;
    }
  inflated_clear (&inf);
  g_assert_cmpuint (spans, >=, 5);

  back = canopy_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, msgs->len);
  assert_same_frames (back, msgs, msgs->len);
}

/* A hand-made object stream: header versions 1 and 2, 10 µs timestamps,
 * objects to skip (small, and larger than anything assembled), texts with
 * odd padding, a zero fill; wrapped in tiny containers so that every
 * object spans several of them, and also as bare top-level objects. */
static void run_handmade (GByteArray *s, const char *path, gint64 start, gboolean expect_warning);

static gsize
put_object (GByteArray *s,
            guint32     type,
            guint       version,
            guint32     flags,
            guint64     ts,
            const void *body,
            gsize       body_len)
{
  guint hsize = version == 2 ? BLF_OBJ_HEADER_V2_SIZE : BLF_OBJ_HEADER_V1_SIZE;
  gsize at = s->len;
  guint32 size = hsize + body_len;

  g_byte_array_set_size (s, at + size + size % 4);
  memset (s->data + at, 0, size + size % 4);
  blf_write_u32 (s->data + at, BLF_OBJ_SIGNATURE);
  blf_write_u16 (s->data + at + 4, hsize);
  blf_write_u16 (s->data + at + 6, version);
  blf_write_u32 (s->data + at + 8, size);
  blf_write_u32 (s->data + at + 12, type);
  blf_write_u32 (s->data + at + 16, flags);
  blf_write_u64 (s->data + at + 24, ts);
  memcpy (s->data + at + hsize, body, body_len);
  return at;
}

static void
put_can (GByteArray *s,
         guint       version,
         guint32     flags,
         guint64     ts,
         guint32     id)
{
  guint8 body[16] = { 1, 0, 0, 8 };

  blf_write_u32 (body + 4, id);
  for (guint i = 0; i < 8; i++)
    body[8 + i] = id + i;
  put_object (s, BLF_OBJ_CAN_MESSAGE, version, flags, ts, body, sizeof body);
}

static void
write_file_with_containers (const char *path,
                            GByteArray *stream,
                            gsize       first,
                            gsize       chunk,
                            gboolean    compress,
                            gboolean    bare)
{
  g_autoptr(GByteArray) file = g_byte_array_new ();
  g_autoptr(BlfCodec) codec = _canopy_blf_codec_new (BLF_CODEC_AUTO, 6);
  BlfFileHeader header = { 0 };
  guint8 hdr[BLF_FILE_HEADER_SIZE];

  header.start.year = 2024;
  header.start.month = 5;
  header.start.day = 17;
  header.start.hour = 12;
  _canopy_blf_file_header_write (&header, hdr);
  g_byte_array_append (file, hdr, sizeof hdr);

  if (bare)
    g_byte_array_append (file, stream->data, stream->len);
  else
    for (gsize pos = 0, n = 0; pos < stream->len; pos += n)
      {
        n = MIN (pos == 0 && first > 0 ? first : chunk, stream->len - pos);
        static guint8 packed[65536];
        guint8 ch[32] = { 0 };
        gsize clen = compress ? _canopy_blf_codec_compress (codec, stream->data + pos, n, packed, sizeof packed) : n;
        guint32 size = 32 + clen;
        static const guint8 zeros[4];

        blf_write_u32 (ch, BLF_OBJ_SIGNATURE);
        blf_write_u16 (ch + 4, 16);
        blf_write_u16 (ch + 6, 1);
        blf_write_u32 (ch + 8, size);
        blf_write_u32 (ch + 12, BLF_OBJ_LOG_CONTAINER);
        blf_write_u16 (ch + 16, compress ? BLF_COMPRESSION_ZLIB : BLF_COMPRESSION_NONE);
        blf_write_u32 (ch + 24, n);
        g_byte_array_append (file, ch, sizeof ch);
        g_byte_array_append (file, compress ? packed : stream->data + pos, clen);
        g_byte_array_append (file, zeros, size % 4);
      }

  g_assert_true (g_file_set_contents (path, (char *) file->data, file->len, NULL));
}

static void
test_handmade_stream (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autofree char *path = temp_path ("handmade.blf");
  g_autofree guint8 *big = g_malloc0 (10000);
  BlfSystemTime st = { 2024, 5, 0, 17, 12, 0, 0, 0 };
  guint8 text[16 + 5] = { 0 };
  gint64 start;
  gsize big_at;

  g_assert_true (_canopy_blf_systemtime_to_ns (&st, FALSE, &start));

  put_can (s, 1, BLF_TIME_ONE_NANS, 1, 0x101);
  put_can (s, 2, BLF_TIME_ONE_NANS, 2, 0x102);          /* header v2 */
  put_can (s, 1, BLF_TIME_TEN_MICS, 3, 0x103);          /* 30 µs */
  blf_write_u32 (text + 8, 5);
  memcpy (text + 16, "hello", 5);
  put_object (s, BLF_OBJ_APP_TEXT, 1, BLF_TIME_ONE_NANS, 4, text, sizeof text);  /* padded by 1 */
  put_can (s, 1, BLF_TIME_ONE_NANS, 5, 0x105);
  put_object (s, 71, 1, BLF_TIME_ONE_NANS, 6, big, 100);       /* Ethernet: skipped */
  put_can (s, 1, BLF_TIME_ONE_NANS, 7, 0x107);
  big_at = put_object (s, 71, 1, BLF_TIME_ONE_NANS, 8, big, 10000);  /* too big to assemble */
  put_can (s, 1, BLF_TIME_ONE_NANS, 9, 0x109);
  put_object (s, 999, 7, 0, 0, big, 13);                        /* unknown header version */
  put_can (s, 1, BLF_TIME_ONE_NANS, 10, 0x10A);
  g_byte_array_append (s, big, 27);                             /* zero fill */
  put_can (s, 1, BLF_TIME_ONE_NANS, 11, 0x10B);

  run_handmade (s, path, start, FALSE);

  /* The large object's header cut by the end of a container that is
   * followed by a long one: it is skipped across the reassembly buffer. */
  for (gsize cut = 1; cut < 32; cut += 5)
    for (guint compress = 0; compress < 2; compress++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GArray) back = NULL;

        write_file_with_containers (path, s, big_at + cut, 8192, compress, FALSE);
        back = canopy_read (path, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (back->len, ==, 8);
        g_assert_cmpuint (g_array_index (back, CanopyMessage, 7).arbitration_id, ==, 0x10B);
      }

  /* Now with 6000 bytes of garbage before the last frame: skipped with a
   * warning, whatever the container cuts. */
  {
    guint8 *garbage = g_malloc (6000);
    guint32 last = s->len - BLF_CAN_MESSAGE_SIZE;
    g_autoptr(GByteArray) tail = g_byte_array_new ();

    memset (garbage, 0xAB, 6000);
    g_byte_array_append (tail, s->data + last, BLF_CAN_MESSAGE_SIZE);
    g_byte_array_set_size (s, last);
    g_byte_array_append (s, garbage, 6000);
    g_byte_array_append (s, tail->data, tail->len);
    g_free (garbage);
    run_handmade (s, path, start, TRUE);
  }
}

/* Object types Canopy reads but does not write. */
static void
test_objects_other_types (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  CanopyMessage m;
  const char *why = NULL;
  guint8 body[128];
  gsize at;

  /* CAN_ERROR (python-can 2.0's error frames): channel 3. */
  memset (body, 0, sizeof body);
  blf_write_u16 (body, 3);
  at = put_object (s, BLF_OBJ_CAN_ERROR, 1, BLF_TIME_ONE_NANS, 5, body, 8);
  g_assert_cmpint (_canopy_blf_decode_object (s->data + at, 40, 100, &m, &why), ==, BLF_DECODE_FRAME);
  g_assert_true (m.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmpint (m.channel, ==, 2);
  g_assert_cmpint (m.timestamp_ns, ==, 105);

  /* CAN_FD_ERROR_64: id, dlc code 9 (12 bytes), data after 44 bytes. */
  memset (body, 0, sizeof body);
  body[0] = 1;
  body[1] = 9;
  body[2] = 12;
  blf_write_u32 (body + 12, 0x80012345);
  for (guint i = 0; i < 12; i++)
    body[44 + i] = 0xA0 + i;
  at = put_object (s, BLF_OBJ_CAN_FD_ERROR_64, 1, BLF_TIME_TEN_MICS, 2, body, 56);
  g_assert_cmpint (_canopy_blf_decode_object (s->data + at, 32 + 56, 0, &m, &why), ==, BLF_DECODE_FRAME);
  g_assert_cmpuint (m.flags, ==, CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_EXTENDED);
  g_assert_cmpuint (m.arbitration_id, ==, 0x12345);
  g_assert_cmpuint (m.dlc, ==, 12);
  g_assert_cmpuint (m.data[11], ==, 0xAB);
  g_assert_cmpint (m.timestamp_ns, ==, 20000);

  /* CAN_FD_MESSAGE without EDL: a classic remote frame, as binlog writes
   * (120-byte object with the trailing reserved word). */
  memset (body, 0, sizeof body);
  blf_write_u16 (body, 2);
  body[2] = 0x80 | 0x01;
  body[3] = 4;
  blf_write_u32 (body + 4, 0x7FF);
  at = put_object (s, BLF_OBJ_CAN_FD_MESSAGE, 1, BLF_TIME_ONE_NANS, 0, body, 88);
  g_assert_cmpint (_canopy_blf_decode_object (s->data + at, 120, 0, &m, &why), ==, BLF_DECODE_FRAME);
  g_assert_cmpuint (m.flags, ==, CANOPY_MESSAGE_REMOTE | CANOPY_MESSAGE_TX);
  g_assert_cmpuint (m.dlc, ==, 4);
  g_assert_cmpint (m.channel, ==, 1);

  /* CAN_FD_MESSAGE_64 shorter than its valid-data count (TSMaster): the
   * missing bytes read as zeros, nothing beyond the object is read. */
  memset (body, 0x11, sizeof body);
  body[0] = 1;
  body[1] = 15;
  body[2] = 64;
  blf_write_u32 (body + 12, BLF_FD64_FLAG_EDL);
  body[34] = 0;
  body[35] = 0;
  at = put_object (s, BLF_OBJ_CAN_FD_MESSAGE_64, 1, BLF_TIME_ONE_NANS, 0, body, 40 + 48);
  g_assert_cmpint (_canopy_blf_decode_object (s->data + at, 32 + 88, 0, &m, &why), ==, BLF_DECODE_FRAME);
  g_assert_cmpuint (m.flags, ==, CANOPY_MESSAGE_FD);
  g_assert_cmpuint (m.dlc, ==, 64);
  g_assert_cmpuint (m.data[47], ==, 0x11);
  g_assert_cmpuint (m.data[48], ==, 0);

  /* Markers, texts and unknown types are not frames. */
  at = put_object (s, BLF_OBJ_GLOBAL_MARKER, 1, BLF_TIME_ONE_NANS, 0, body, 40);
  g_assert_cmpint (_canopy_blf_decode_object (s->data + at, 72, 0, &m, &why), ==, BLF_DECODE_SKIP);
  at = put_object (s, 133, 1, BLF_TIME_ONE_NANS, 0, body, 8);
  g_assert_cmpint (_canopy_blf_decode_object (s->data + at, 40, 0, &m, &why), ==, BLF_DECODE_SKIP);

  /* A CAN message whose header claims more than the object holds. */
  at = put_object (s, BLF_OBJ_CAN_MESSAGE, 1, BLF_TIME_ONE_NANS, 0, body, 16);
  blf_write_u16 (s->data + at + 4, 60);
  g_assert_cmpint (_canopy_blf_decode_object (s->data + at, 48, 0, &m, &why), ==, BLF_DECODE_BAD);
  g_assert_nonnull (why);
}

static void
run_handmade (GByteArray *s,
              const char *path,
              gint64      start,
              gboolean    expect_warning)
{
  static const gsize chunks[] = { 7, 16, 31, 100, 4099, 5000, 1 << 20 };
  damage_reports = 0;

  for (guint bare = 0; bare < 2; bare++)
    for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
      for (guint compress = 0; compress < 2; compress++)
        {
          static const guint32 ids[] = { 0x101, 0x102, 0x103, 0x105, 0x107, 0x109, 0x10A, 0x10B };
          static const gint64 rel[] = { 1, 2, 30000, 5, 7, 9, 10, 11 };
          g_autoptr(GError) error = NULL;
          g_autoptr(GArray) back = NULL;

          if (bare && (i > 0 || compress))
            continue;
          write_file_with_containers (path, s, 0, chunks[i], compress, bare);
          back = canopy_read (path, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (back->len, ==, G_N_ELEMENTS (ids));
          for (guint j = 0; j < back->len; j++)
            {
              const CanopyMessage *m = &g_array_index (back, CanopyMessage, j);

              g_assert_cmpuint (m->arbitration_id, ==, ids[j]);
              g_assert_cmpint (m->timestamp_ns, ==, start + rel[j]);
              g_assert_cmpuint (m->dlc, ==, 8);
              g_assert_cmpuint (m->data[7], ==, (ids[j] + 7) & 0xFF);
              g_assert_cmpint (m->channel, ==, 0);
            }
          if (expect_warning)
            {
              g_assert_cmpuint (damage_reports, >=, 1);
              damage_reports = 0;
            }
        }
}

static void
test_truncated (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("full.blf");
  g_autofree char *cut_path = temp_path ("cut.blf");
  g_autofree char *contents = NULL;
  gsize len;

  damage_reports = 0;

  make_frames (msgs, 12000, 9, TRUE);
  for (guint stored = 0; stored < 2; stored++)
    {
      write_ours (path, msgs, "path", path, "compression-level", stored ? 0 : 6, NULL);
      g_autoptr(GHashTable) ends = g_hash_table_new (NULL, NULL);

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

      /* Where a shorter file would still be complete: after a container
       * (and its padding). */
      for (gsize pos = BLF_FILE_HEADER_SIZE; pos < len;)
        {
          guint32 size = blf_read_u32 ((guint8 *) contents + pos + 8);

          for (guint pad = 0; pad <= size % 4; pad++)
            g_hash_table_add (ends, GSIZE_TO_POINTER (pos + size + pad));
          pos += size + size % 4;
        }
      g_hash_table_add (ends, GSIZE_TO_POINTER (BLF_FILE_HEADER_SIZE));

      for (gsize cut = 0; cut < len; cut += 1 + cut / 7)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GArray) back = NULL;

          g_assert_true (g_file_set_contents (cut_path, contents, cut, NULL));
          back = canopy_read (cut_path, &error);

          /* Every intact frame before the cut, in order, exactly. */
          assert_same_frames (back, msgs, back->len);
          if (cut < len)
            {
              /* A cut at a container boundary is a shorter valid file;
               * anywhere else it is reported with its offset. */
              if (g_hash_table_contains (ends, GSIZE_TO_POINTER (cut)))
                g_assert_no_error (error);
              else
                {
                  g_assert_nonnull (error);
                  g_assert_true (error->domain == CANOPY_ERROR);
                  g_assert_nonnull (strstr (error->message, "offset"));
                }
              g_assert_cmpuint (back->len, <, msgs->len);
            }
        }
      g_clear_pointer (&contents, g_free);
    }

  /* A cut inside the last container's data still delivers what inflates. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) back = NULL;

    write_ours (path, msgs, "path", path, NULL);
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_true (g_file_set_contents (cut_path, contents, len - 500, NULL));
    back = canopy_read (cut_path, &error);
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED);
    g_assert_cmpuint (back->len, >, msgs->len - 200);
    assert_same_frames (back, msgs, back->len);
  }

}

static void
test_corrupt_middle (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("corrupt.blf");
  g_autofree guint8 *contents = NULL;
  gsize len;

  damage_reports = 0;

  /* Classic frames only: all objects 48 bytes, stored containers, so the
   * object of frame k is at a known place. */
  for (guint i = 0; i < 3000; i++)
    {
      CanopyMessage m;
      guint8 data[8] = { i, i >> 8, 1, 2, 3, 4, 5, 6 };

      canopy_message_init (&m, i % 0x7FF, FALSE, data, 8);
      m.channel = 0;
      m.timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + i * 1000;
      g_array_append_val (msgs, m);
    }

  for (guint how = 0; how < 3; how++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) back = NULL;
      g_autoptr(GArray) expected = g_array_copy (msgs);
      guint k = 1000;
      /* Frame k in the object stream (container header 32 bytes, first
       * container holds 2730 full objects). */
      gsize at = 144 + 32 + k * 48;

      write_ours (path, msgs, "path", path, "compression-level", 0, NULL);
      g_assert_true (g_file_get_contents (path, (char **) &contents, &len, NULL));
      g_assert_cmpuint (blf_read_u32 (contents + at), ==, BLF_OBJ_SIGNATURE);

      switch (how)
        {
        case 0: /* signature destroyed */
          memcpy (contents + at, "XXXX", 4);
          break;
        case 1: /* size smaller than a header */
          blf_write_u32 (contents + at + 8, 7);
          break;
        case 2: /* body garbage with a header size that does not fit */
          blf_write_u16 (contents + at + 4, 200);
          break;
        }
      g_assert_true (g_file_set_contents (path, (char *) contents, len, NULL));
      g_clear_pointer (&contents, g_free);

      damage_reports = 0;
      back = canopy_read (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (damage_reports, >=, 1);
      g_array_remove_index (expected, k);
      g_assert_cmpuint (back->len, ==, expected->len);
      assert_same_frames (back, expected, expected->len);
    }

  /* A damaged compressed container in the middle: the others survive. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) back = NULL;
    g_autoptr(GArray) big = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
    gsize second;

    make_frames (big, 20000, 10, FALSE);
    write_ours (path, big, "path", path, NULL);
    g_assert_true (g_file_get_contents (path, (char **) &contents, &len, NULL));
    second = 144 + blf_read_u32 (contents + 144 + 8);
    second += second % 4;
    g_assert_cmpuint (blf_read_u32 (contents + second), ==, BLF_OBJ_SIGNATURE);
    /* Overwrite the middle of the second container's deflate data. */
    memset (contents + second + 32 + 2000, 0x55, 64);
    g_assert_true (g_file_set_contents (path, (char *) contents, len, NULL));
    g_clear_pointer (&contents, g_free);

    damage_reports = 0;
    back = canopy_read (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (damage_reports, >=, 1);
    /* The first container's frames are intact, and most of the rest. */
    assert_same_frames (back, big, 1000);
    g_assert_cmpuint (back->len, >, big->len - 4000);
    g_assert_cmpuint (back->len, <, big->len);
  }

}

static void
test_fuzz (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("fuzz-src.blf");
  g_autofree char *fuzz_path = temp_path ("fuzz.blf");
  g_autofree char *contents = NULL;
  GRand *rand = g_rand_new_with_seed (11);
  gsize len;
  guint iterations = g_test_slow () ? 3000 : 400;

  damage_reports = 0;

  make_frames (msgs, 6000, 12, TRUE);

  for (guint i = 0; i < iterations; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) back = NULL;
      guint n_mut;

      if (i % 100 == 0)
        {
          g_clear_pointer (&contents, g_free);
          write_ours (path, msgs, "path", path, "compression-level", (i / 100) % 2 ? 0 : 6, NULL);
          g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
        }

      {
        g_autofree char *copy = g_memdup2 (contents, len);

        n_mut = g_rand_int_range (rand, 1, 8);
        for (guint j = 0; j < n_mut; j++)
          {
            gsize at = g_rand_int_range (rand, 0, len);

            switch (g_rand_int_range (rand, 0, 4))
              {
              case 0: copy[at] = g_rand_int_range (rand, 0, 256); break;
              case 1: copy[at] ^= 1 << g_rand_int_range (rand, 0, 8); break;
              case 2: memset (copy + at, 0xFF, MIN (4, len - at)); break;
              case 3: memset (copy + at, 0, MIN (4, len - at)); break;
              }
          }
        g_assert_true (g_file_set_contents (fuzz_path, copy,
                                            g_rand_boolean (rand) ? len : (gsize) g_rand_int_range (rand, 0, len),
                                            NULL));
      }

      back = canopy_read (fuzz_path, &error);
      g_assert_cmpuint (back->len, <=, msgs->len + 100);
      if (error != NULL)
        g_assert_true (error->domain == CANOPY_ERROR || error->domain == G_IO_ERROR);
    }

  /* The object stream re-cut into containers of random sizes (stored or
   * compressed): intact, every frame comes back; mutated, no crash. */
  {
    g_autoptr(GArray) few = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
    Inflated inf;

    BlfSystemTime hand = { 2024, 5, 0, 17, 12, 0, 0, 0 };
    gint64 t_orig, t_hand;

    make_frames (few, 2000, 16, TRUE);
    write_ours (path, few, "path", path, NULL);
    inflate_file (path, &inf);

    /* write_file_with_containers() puts its own start time in the header. */
    g_assert_true (_canopy_blf_systemtime_to_ns (&inf.header.start, FALSE, &t_orig));
    g_assert_true (_canopy_blf_systemtime_to_ns (&hand, FALSE, &t_hand));
    for (guint i = 0; i < few->len; i++)
      g_array_index (few, CanopyMessage, i).timestamp_ns += t_hand - t_orig;

    for (guint i = 0; i < iterations / 2; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GArray) back = NULL;
        gsize chunk = g_rand_int_range (rand, 1, 9000);
        gsize first = g_rand_int_range (rand, 0, 9000);

        write_file_with_containers (fuzz_path, inf.stream, first, chunk,
                                    g_rand_boolean (rand), FALSE);
        if (i % 4 != 0)
          {
            g_autofree char *copy = NULL;
            gsize flen;

            g_assert_true (g_file_get_contents (fuzz_path, &copy, &flen, NULL));
            for (guint j = 0; j < 4; j++)
              copy[g_rand_int_range (rand, BLF_FILE_HEADER_SIZE, flen)] = g_rand_int_range (rand, 0, 256);
            g_assert_true (g_file_set_contents (fuzz_path, copy, flen, NULL));
          }

        back = canopy_read (fuzz_path, &error);
        if (i % 4 == 0)
          {
            g_assert_no_error (error);
            g_assert_cmpuint (back->len, ==, few->len);
            assert_same_frames (back, few, few->len);
          }
        else
          g_assert_cmpuint (back->len, <=, few->len + 100);
      }
    inflated_clear (&inf);
  }

  g_rand_free (rand);
}

static void
test_tshark (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("tshark.blf");
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;
  int status = 0;

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed (Debian package tshark)");
      return;
    }

  /* tshark 4.0 (Debian 12) drops error-frame objects: data frames only. */
  make_frames (msgs, 5000, 13, FALSE);
  write_ours (path, msgs, "path", path, NULL);

  {
    const char *argv[] = { tshark, "-n", "-r", path, "-T", "fields", "-e", "can.id",
                           "-e", "frame.time_epoch", "-e", "data.data", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const CanopyMessage *m;

      if (lines[i][0] == '\0')
        continue;
      g_assert_cmpuint (n, <, msgs->len);
      m = &g_array_index (msgs, CanopyMessage, n);
      {
        g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
        g_autofree char *when = g_strdup_printf ("%" G_GINT64_FORMAT ".%09d",
                                                 m->timestamp_ns / 1000000000,
                                                 (int) (m->timestamp_ns % 1000000000));
        g_autoptr(GString) hex = g_string_new (NULL);

        g_assert_cmpuint (g_strv_length (f), ==, 3);
        /* tshark prints the id (with the EFF bit folded in for extended
         * ids by some versions): compare the low 29 bits. */
        g_assert_cmpuint (g_ascii_strtoull (f[0], NULL, 0) & 0x1FFFFFFF, ==, m->arbitration_id);
        /* Wireshark reads the start time as local time, like Canopy. */
        g_assert_cmpstr (f[1], ==, when);
        if (!(m->flags & CANOPY_MESSAGE_REMOTE))
          {
            for (guint j = 0; j < m->dlc; j++)
              g_string_append_printf (hex, "%02x", m->data[j]);
            g_assert_cmpstr (f[2], ==, hex->str);
          }
      }
      n++;
    }
  g_assert_cmpuint (n, ==, msgs->len);
}

static void
test_registry (void)
{
  g_autoptr(GArray) msgs = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autofree char *path = temp_path ("registry.blf");
  g_autofree char *other = temp_path ("no-extension.dat");
  g_autofree char *contents = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  make_frames (msgs, 10, 14, TRUE);
  writer = canopy_log_writer_new_for_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_BLF_WRITER (writer));
  g_assert_cmpstr (canopy_log_writer_get_format (writer), ==, "blf");
  for (guint i = 0; i < msgs->len; i++)
    canopy_listener_on_message_received (CANOPY_LISTENER (writer), &g_array_index (msgs, CanopyMessage, i));
  canopy_listener_stop (CANOPY_LISTENER (writer));

  /* Sniffed by the "LOGG" magic when the extension says nothing. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (other, contents, len, NULL));
  reader = canopy_log_reader_new_for_file (other, &error);
  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_BLF_READER (reader));
  g_assert_cmpstr (canopy_log_reader_get_format (reader), ==, "blf");
  for (guint i = 0; i < msgs->len; i++)
    {
      CanopyMessage m;

      g_assert_true (canopy_log_reader_next (reader, &m, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (m.arbitration_id, ==, g_array_index (msgs, CanopyMessage, i).arbitration_id);
    }
  g_assert_false (canopy_log_reader_next (reader, &(CanopyMessage) { 0 }, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (canopy_log_reader_get_fraction (reader), ==, 1.0);

  /* Not a BLF file: a clear error. */
  g_clear_object (&reader);
  g_assert_true (g_file_set_contents (path, "LOGX this is not blf", -1, NULL));
  reader = (CanopyLogReader *) canopy_blf_reader_new (path, &error);
  g_assert_null (reader);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/blf/objects/roundtrip", test_objects_roundtrip);
  g_test_add_func ("/blf/objects/other-types", test_objects_other_types);
  g_test_add_func ("/blf/codec", test_codec);
  g_test_add_func ("/blf/python-can/testdata", test_testdata_like_python_can);
  g_test_add_func ("/blf/python-can/reads-ours", test_python_reads_ours);
  g_test_add_func ("/blf/python-can/we-read-theirs", test_we_read_python_can);
  g_test_add_func ("/blf/writer/nanoseconds", test_nanosecond_timestamps);
  g_test_add_func ("/blf/writer/size-vs-python-can", test_size_vs_python_can);
  g_test_add_func ("/blf/writer/header", test_header_statistics);
  g_test_add_func ("/blf/writer/app-text", test_app_text_events);
  g_test_add_func ("/blf/reader/spanning", test_spanning_containers);
  g_test_add_func ("/blf/reader/object-counts", test_object_counts);
  g_test_add_func ("/blf/events/read", test_events_read);
  g_test_add_func ("/blf/events/convert", test_events_convert);
  g_test_add_func ("/blf/events/long", test_events_long);
  g_test_add_func ("/blf/events/long-written", test_events_long_written);
  g_test_add_func ("/blf/events/python-can", test_events_python_can);
  g_test_add_func ("/blf/reader/handmade", test_handmade_stream);
  g_test_add_func ("/blf/reader/truncated", test_truncated);
  g_test_add_func ("/blf/reader/corrupt-middle", test_corrupt_middle);
  g_test_add_func ("/blf/reader/fuzz", test_fuzz);
  g_test_add_func ("/blf/tshark", test_tshark);
  g_test_add_func ("/blf/registry", test_registry);

  return g_test_run ();
}
