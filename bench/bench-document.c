/* bench-document.c — the log document on 1 M and 10 M frame logs: time to
 * the first 100 rows, time to fully indexed next to the time a plain pass
 * over the file takes (inflating every BLF container once, streaming the
 * reader once), resident bytes per frame, and 1000 random get_message().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
# include <malloc.h>
#endif

#include <glib/gstdio.h>

#ifdef G_OS_UNIX
# include <sys/resource.h>
#endif

#include <canopy.h>

#include "bench-common.h"
#include "canopy-blf-private.h"
#include "canopy-log-document-private.h"

#define N_RANDOM 1000

typedef struct
{
  const char *name;
  const char *ext;
  guint       n_frames;
} BenchFile;

static const BenchFile files[] = {
  { "BLF 1 M",      ".blf", 1000000 },
  { "BLF 10 M",     ".blf", 10000000 },
  { "ASC 1 M",      ".asc", 1000000 },
  { "candump 1 M",  ".log", 1000000 },
};

/* Resident memory now (not the peak): Linux only. */
static gint64
resident_bytes (void)
{
#ifdef __linux__
  g_autofree char *statm = NULL;
  gint64 pages = -1;

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    sscanf (statm, "%*d %" G_GINT64_FORMAT, &pages);
  return pages < 0 ? -1 : pages * 4096;
#else
  return -1;
#endif
}

/* CPU time of the whole process (every thread), in seconds: on a loaded
 * machine wall time says more about the neighbours than about us. */
static double
cpu_seconds (void)
{
#ifdef G_OS_UNIX
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
#else
  return -1;
#endif
}

static void
trim_heap (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

/* Traffic like a vehicle bus: 60 identifiers (a fifth extended), 8 bytes,
 * every 40th frame CAN FD with 64 bytes, 100 µs apart. */
static void
make_frame (guint          i,
            CanopyMessage *msg)
{
  guint id = (i * 7919u) % 60;
  guint8 data[64];

  for (guint k = 0; k < sizeof data; k++)
    data[k] = (guint8) (i >> (k % 4 * 8)) + k;

  canopy_message_init (msg, id < 12 ? 0x18DA0000u + id : 0x100 + id * 3, id < 12, data, 8);
  msg->timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + (gint64) i * 100000;
  msg->channel = id % 2;
  if (i % 40 == 0)
    {
      msg->flags |= CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS;
      msg->dlc = 64;
    }
}

static gboolean
generate (const char  *path,
          guint        n_frames,
          GError     **error)
{
  g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, error);
  CanopyMessage msg;

  if (writer == NULL)
    return FALSE;

  for (guint i = 0; i < n_frames; i++)
    {
      make_frame (i, &msg);
      if (!canopy_log_writer_write (writer, &msg, error))
        return FALSE;
    }

  return canopy_log_writer_close (writer, error);
}

/* Every log container of a BLF file inflated once, on this thread, with
 * the codec the readers use; what indexing cannot beat. */
static double
inflate_once (const char *path)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(BlfCodec) codec = _canopy_blf_codec_new (BLF_CODEC_AUTO, 6);
  g_autofree guint8 *out = g_malloc (BLF_MAX_CONTAINER_INFLATED);
  const guint8 *p;
  gsize len, pos;
  gint64 t0;

  if (mapped == NULL)
    return -1;
  p = (const guint8 *) g_mapped_file_get_contents (mapped);
  len = g_mapped_file_get_length (mapped);
  pos = BLF_FILE_HEADER_SIZE;

  t0 = g_get_monotonic_time ();
  while (pos + BLF_CONTAINER_HEADER_SIZE <= len)
    {
      guint32 size, usize;

      if (blf_read_u32 (p + pos) != BLF_OBJ_SIGNATURE)
        {
          pos++;
          continue;
        }
      size = blf_read_u32 (p + pos + 8);
      if (size < BLF_BASE_HEADER_SIZE || pos + size > len)
        break;
      usize = blf_read_u32 (p + pos + 24);
      if (blf_read_u32 (p + pos + 12) == BLF_OBJ_LOG_CONTAINER &&
          blf_read_u16 (p + pos + 16) == BLF_COMPRESSION_ZLIB &&
          usize <= BLF_MAX_CONTAINER_INFLATED)
        _canopy_blf_codec_decompress (codec, p + pos + BLF_CONTAINER_HEADER_SIZE,
                                      size - BLF_CONTAINER_HEADER_SIZE, out, usize, NULL);
      pos += size;
    }

  return (g_get_monotonic_time () - t0) / 1e6;
}

/* One pass of the streaming reader (worker threads inflating ahead). */
static double
stream_once (const char *path)
{
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, NULL);
  CanopyMessage msg;
  gint64 t0 = g_get_monotonic_time ();

  while (canopy_log_reader_next (reader, &msg, NULL))
    ;
  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
bench_file (const BenchFile *bf,
            const char      *dir,
            gboolean         with_peer)
{
  g_autofree char *path = g_strdup_printf ("%s/bench-%u%s", dir, bf->n_frames, bf->ext);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(CanopyLogDocument) doc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 t0, t_start, t_first = -1, t_done, rss_before, rss_after;
  double inflate_s = -1, stream_s, random_s;
  double c0, inflate_cpu = -1, stream_cpu, index_cpu, random_cpu;
  GStatBuf st;
  CanopyMessage msg;
  guint n;

  t0 = g_get_monotonic_time ();
  if (!generate (path, bf->n_frames, &error))
    {
      g_printerr ("%s: %s\n", path, error->message);
      exit (1);
    }
  g_stat (path, &st);
  g_print ("%s: %s, %.1f MB, written in %.1f s\n", bf->name, path, st.st_size / 1e6,
           (g_get_monotonic_time () - t0) / 1e6);

  c0 = cpu_seconds ();
  if (g_str_equal (bf->ext, ".blf"))
    {
      inflate_s = inflate_once (path);
      inflate_cpu = cpu_seconds () - c0;
    }
  c0 = cpu_seconds ();
  stream_s = stream_once (path);
  stream_cpu = cpu_seconds () - c0;

  trim_heap ();
  rss_before = resident_bytes ();

  file = g_file_new_for_path (path);
  doc = canopy_log_document_new (file);
  c0 = cpu_seconds ();
  t_start = g_get_monotonic_time ();
  canopy_log_document_load_async (doc, NULL, got_result, &result);
  while (result == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      if (t_first < 0 && canopy_log_document_get_n_items (doc) >= 100)
        t_first = g_get_monotonic_time ();
    }
  t_done = g_get_monotonic_time ();
  index_cpu = cpu_seconds () - c0;
  if (!canopy_log_document_load_finish (doc, result, &error))
    {
      g_printerr ("%s: %s\n", path, error->message);
      exit (1);
    }
  n = canopy_log_document_get_n_items (doc);
  if (n != bf->n_frames)
    {
      g_printerr ("%s: %u frames in the document, %u written\n", path, n, bf->n_frames);
      exit (1);
    }

  /* The rows a view shows first, as items. */
  for (guint i = 0; i < 100; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (doc), i));

  c0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_RANDOM; i++)
    if (!canopy_log_document_get_message (doc, g_rand_int_range (rand, 0, n), &msg, &error))
      {
        g_printerr ("%s: %s\n", path, error->message);
        exit (1);
      }
  random_s = (g_get_monotonic_time () - t0) / 1e6;
  random_cpu = cpu_seconds () - c0;

  rss_after = resident_bytes ();

  g_print ("  first 100 rows:         %7.3f s wall\n", (t_first - t_start) / 1e6);
  g_print ("  fully indexed:          %7.3f s wall, %7.3f s CPU (%.2f M frames/s wall)\n",
           (t_done - t_start) / 1e6, index_cpu, n / ((t_done - t_start) / 1e6) / 1e6);
  if (inflate_s >= 0)
    g_print ("  inflate once, 1 thread: %7.3f s wall, %7.3f s CPU -> indexed / inflate: "
             "%.2f wall, %.2f CPU\n",
             inflate_s, inflate_cpu, (t_done - t_start) / 1e6 / inflate_s, index_cpu / inflate_cpu);
  g_print ("  stream once (reader):   %7.3f s wall, %7.3f s CPU -> indexed / stream:  "
           "%.2f wall, %.2f CPU\n",
           stream_s, stream_cpu, (t_done - t_start) / 1e6 / stream_s, index_cpu / stream_cpu);
  if (rss_before >= 0 && rss_after >= 0)
    g_print ("  resident:               %7.2f bytes/frame (the index %.3f bytes/frame: %" G_GSIZE_FORMAT " bytes)\n",
             (double) (rss_after - rss_before) / n,
             (double) _canopy_log_document_get_index_bytes (doc) / n,
             _canopy_log_document_get_index_bytes (doc));
  g_print ("  %d random get_message: %7.3f s wall, %7.3f s CPU (%.0f us each)\n",
           N_RANDOM, random_s, random_cpu, random_s * 1e6 / N_RANDOM);

  if (with_peer)
    {
      const char *args[] = { path, NULL };
      g_autofree char *out = bench_run_python ("bench_document_pythoncan.py", args);
      double load_s = 0, bpf = 0, py_random_s = 0;
      const char *line;

      if (out != NULL &&
          (line = strstr (out, "load ")) && sscanf (line, "load %lf %lf", &load_s, &bpf) == 2 &&
          (line = strstr (out, "random ")) && sscanf (line, "random %lf", &py_random_s) == 1)
        g_print ("  python3-can (list of all frames): loaded in %.3f s, %.1f bytes/frame, "
                 "%d random accesses %.6f s\n", load_s, bpf, N_RANDOM, py_random_s);
    }

  g_clear_object (&doc);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("bench-document-XXXXXX", NULL);
  gboolean quick = argc > 1 && g_str_equal (argv[1], "--quick");
  gboolean no_peer = argc > 1 && g_str_equal (argv[argc - 1], "--no-peer");

  g_print ("bench-document: %u processors", g_get_num_processors ());
  bench_print_load_average ();
  g_print (", libdeflate %s\n", _canopy_blf_codec_have_libdeflate () ? "yes" : "no");

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      if (quick && files[i].n_frames > 1000000)
        continue;
      /* python3-can on the 1 M frame BLF only: it takes minutes beyond. */
      bench_file (&files[i], dir, !no_peer && i == 0);
    }

  g_rmdir (dir);
  return 0;
}
