/* bench-blf.c — BLF write and read frames/s, bytes per frame, the
 * single-core zlib / libdeflate limits over the same containers, and
 * python3-can 4.1 doing the same work.
 *
 *   bench-blf [N_FRAMES] [--no-python]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#ifdef G_OS_UNIX
# include <sys/resource.h>
#endif

#include <canopy.h>

#include "bench-blf-loops.h"
#include "bench-common.h"

static long
peak_rss_kib (void)
{
#ifdef G_OS_UNIX
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
#else
  return 0;
#endif
}

/* Traffic shaped like a car's bus: 64 periodic ids, 8-byte payloads with
 * counters and slowly changing signals, one frame in ten CAN FD. */
static CanopyMessage *
generate (guint n)
{
  CanopyMessage *msgs = g_new0 (CanopyMessage, n);
  GRand *rand = g_rand_new_with_seed (42);
  gint64 ts = G_GINT64_CONSTANT (1700000000000000000);
  guint32 ids[64];
  guint8 counters[64] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = g_rand_int_range (rand, 0, 0x800);

  for (guint i = 0; i < n; i++)
    {
      CanopyMessage *m = &msgs[i];
      guint k = g_rand_int_range (rand, 0, 64);

      ts += g_rand_int_range (rand, 50000, 350000);
      m->timestamp_ns = ts;
      m->channel = 0;
      m->arbitration_id = ids[k];
      if (k % 10 == 9)
        {
          m->flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS;
          m->dlc = 16;
        }
      else
        m->dlc = 8;
      m->data[0] = counters[k]++;
      m->data[1] = k;
      m->data[2] = g_rand_int_range (rand, 0, 4);
      m->data[3] = 0x55;
      m->data[4] = g_rand_int_range (rand, 0, 256);
      m->data[6] = 0xFF;
      m->data[7] = k * 3;
      for (guint j = 8; j < m->dlc; j++)
        m->data[j] = j;
    }

  g_rand_free (rand);
  return msgs;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-blf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.blf", NULL);
  g_autofree char *pytmp = g_build_filename (dir, "python-can.blf", NULL);
  g_autofree CanopyMessage *msgs = NULL;
  gboolean python = TRUE;
  guint n = 1000000;
  double write_fps, read_fps = 0, bytes_per_frame;
  double write_cpu, read_cpu = G_MAXDOUBLE;
  long rss_before;
  GStatBuf st;

  setlocale (LC_ALL, "C");
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--no-python") == 0)
        python = FALSE;
      else
        n = strtoul (argv[i], NULL, 10);
    }

  msgs = generate (n);
  rss_before = peak_rss_kib ();

  /* Write */
  {
    g_autoptr(CanopyLogWriter) writer = NULL;
    gint64 t0 = g_get_monotonic_time ();
    double c0 = bench_cpu_seconds ();

    writer = (CanopyLogWriter *) canopy_blf_writer_new (path, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < n; i++)
      canopy_log_writer_write (writer, &msgs[i], NULL);
    canopy_log_writer_close (writer, &error);
    g_assert_no_error (error);
    write_fps = n / ((g_get_monotonic_time () - t0) / 1e6);
    write_cpu = bench_cpu_seconds () - c0;
    g_stat (path, &st);
    bytes_per_frame = (double) st.st_size / n;
  }

  /* Read: best of three (the machine is shared). */
  for (guint rep = 0; rep < 3; rep++)
    {
      g_autoptr(CanopyLogReader) reader = NULL;
      CanopyMessage msg;
      gint64 t0 = g_get_monotonic_time ();
      double c0 = bench_cpu_seconds ();
      guint count = 0;

      reader = canopy_log_reader_new_for_file (path, &error);
      g_assert_no_error (error);
      while (canopy_log_reader_next (reader, &msg, &error))
        count++;
      g_assert_no_error (error);
      g_assert_cmpuint (count, ==, n);
      read_fps = MAX (read_fps, n / ((g_get_monotonic_time () - t0) / 1e6));
      read_cpu = MIN (read_cpu, bench_cpu_seconds () - c0);
    }

  printf ("BLF, %u frames (%u threads available, %s)\n", n, g_get_num_processors (),
          bench_blf_loops_have_libdeflate () ? "libdeflate" : "zlib only");
  printf ("  canopy     write %6.2f M frames/s  %6.2f bytes/frame  (level 6; %.0f ms CPU, all threads)\n",
          write_fps / 1e6, bytes_per_frame, write_cpu * 1e3);
  printf ("  canopy     read  %6.2f M frames/s  (best of 3; %.0f ms CPU, all threads)\n",
          read_fps / 1e6, read_cpu * 1e3);
  printf ("  canopy     peak RSS growth while writing and reading: %ld KiB\n",
          peak_rss_kib () - rss_before);

  bench_blf_loops_print (path, n);

  if (python)
    {
      const char *py = g_getenv ("CANOPY_PYTHON3") ? g_getenv ("CANOPY_PYTHON3") : "/usr/bin/python3";
      g_autofree char *script = g_build_filename (BENCH_SOURCE_DIR, "bench_blf_pythoncan.py", NULL);
      g_autofree char *out = NULL;
      g_autoptr(GSubprocess) proc = NULL;
      g_auto(GStrv) lines = NULL;

      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                               py, script, path, pytmp, "-1", "7", NULL);
      if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error))
        printf ("  python-can: not run (%s)\n", error->message);
      else
        {
          lines = g_strsplit (out, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            {
              g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);

              if (g_strv_length (f) == 2 && strcmp (f[0], "read") == 0)
                printf ("  python-can read  %6.2f M frames/s\n", g_ascii_strtod (f[1], NULL) / 1e6);
              else if (g_strv_length (f) == 4 && strcmp (f[0], "write") == 0)
                {
                  double bpf = g_ascii_strtod (f[3], NULL);

                  printf ("  python-can write %6.2f M frames/s  %6.2f bytes/frame  (level %s; canopy %+.2f%%)\n",
                          g_ascii_strtod (f[2], NULL) / 1e6, bpf, f[1],
                          100.0 * (bytes_per_frame - bpf) / bpf);
                }
            }
        }
    }

  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
