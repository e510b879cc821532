/* bench-dbc.c — signal decoding speed, beside Debian's python3-canmatrix
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-dbc [-n FRAMES] [--no-python] [--keep DIR]
 *
 * 1. Decoding in the library: random frames of every message of each real
 *    DBC file in ../shared/testdata/dbc/, looked up by id and decoded into
 *    signal values on one core (canopy_database_lookup_frame() and
 *    canopy_message_def_decode_values()).
 * 2. canopy-decode on a BLF log of FRAMES frames (default 1 000 000) of
 *    vw_mqb.dbc's messages: the whole program, from loading the DBC to the
 *    last CSV row, written to a file and to /dev/null.
 * python3-canmatrix does the same work beside each (fewer frames: it is
 * much slower), python3-can reading the BLF for it.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>
#include <string.h>

#include <canopy.h>

#include "bench-common.h"

#ifdef G_OS_UNIX
# include <sys/resource.h>
#endif

#define DECODE_FRAMES     65536
#define PYTHON_FRAMES     20000
#define PYTHON_LOG_FRAMES 20000

static const char * const dbc_files[] = {
  "vw_mqb.dbc", "toyota_prius_2010_pt.dbc", "hyundai_2015_ccan.dbc", "tesla_can.dbc", "FORD_CADS_64.dbc",
};

static char *
dbc_path (const char *name)
{
  return g_build_filename (BENCH_SOURCE_DIR, "..", "..", "shared", "testdata", "dbc", name, NULL);
}

/* Random frames of random messages of @db, the same mix the peer uses. */
static CanopyMessage *
random_frames (CanopyDatabase *db,
               guint           n,
               GRand          *rand)
{
  CanopyMessage *frames = g_new (CanopyMessage, n);

  for (guint i = 0; i < n; i++)
    {
      CanopyMessageDef *def = canopy_database_get_message (db, g_rand_int_range (rand, 0, canopy_database_get_n_messages (db)));

      canopy_message_def_init_frame (def, &frames[i]);
      for (guint b = 0; b < frames[i].dlc; b++)
        frames[i].data[b] = (guint8) g_rand_int (rand);
      frames[i].timestamp_ns = (gint64) i * 100000;
    }
  return frames;
}

/* This thread's CPU time in µs (wall time where that is unknown). */
static gint64
thread_cpu_us (void)
{
#if defined (G_OS_UNIX) && defined (CLOCK_THREAD_CPUTIME_ID)
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
#endif
  return g_get_monotonic_time ();
}

static gboolean
parse_peer (const char *out,
            double     *frames,
            double     *values,
            double     *seconds)
{
  return out != NULL && sscanf (out, "frames %lf values %lf seconds %lf", frames, values, seconds) == 3;
}

static void
bench_decode (const char *name,
              gboolean    python)
{
  g_autofree char *path = dbc_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = canopy_database_new_from_file (path, &error);
  g_autofree CanopyMessage *frames = NULL;
  g_autofree CanopySignalValue *values = NULL;
  GRand *rand = g_rand_new_with_seed (1);
  guint max_signals = 0;
  guint64 n_values = 0, n_frames = 0;
  gint64 start, elapsed, cpu_start, cpu;
  double checksum = 0;

  if (db == NULL)
    {
      g_printerr ("%s\n", error->message);
      return;
    }

  for (guint m = 0; m < canopy_database_get_n_messages (db); m++)
    max_signals = MAX (max_signals, canopy_message_def_get_n_signals (canopy_database_get_message (db, m)));
  values = g_new (CanopySignalValue, max_signals);
  frames = random_frames (db, DECODE_FRAMES, rand);
  g_rand_free (rand);

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_us ();
  do
    {
      for (guint i = 0; i < DECODE_FRAMES; i++)
        {
          CanopyMessageDef *def = canopy_database_lookup_frame (db, &frames[i]);
          guint n = canopy_message_def_decode_values (def, &frames[i], values, max_signals);

          n_values += n;
          if (n > 0)
            checksum += values[n - 1].value;
        }
      n_frames += DECODE_FRAMES;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < G_USEC_PER_SEC);
  cpu = MAX (thread_cpu_us () - cpu_start, 1);

  /* Per CPU second: the machine may be shared; wall-clock rate beside it. */
  g_print ("  %-26s canopy      %7.2f M values/s  %6.2f M frames/s  (%.1f signals/frame; wall clock %.2f M values/s)\n",
           name, n_values / (double) cpu, n_frames / (double) cpu,
           (double) n_values / n_frames, n_values / (double) elapsed);
  elapsed = cpu;
  if (checksum == 12345.678)  /* keeps the loop from being optimised away */
    g_print (" ");

  if (python)
    {
      g_autofree char *count = g_strdup_printf ("%d", PYTHON_FRAMES);
      const char *args[] = { "decode", path, count, NULL };
      g_autofree char *out = bench_run_python ("bench_dbc_canmatrix.py", args);
      double f, v, s;

      if (parse_peer (out, &f, &v, &s))
        g_print ("  %-26s canmatrix   %7.3f M values/s  %6.3f M frames/s  canopy x%.0f\n",
                 "", v / s / 1e6, f / s / 1e6, (n_values / (double) elapsed) / (v / s / 1e6));
    }
}

static char *
write_blf (const char     *dir,
           CanopyDatabase *db,
           guint           n)
{
  g_autofree char *path = g_build_filename (dir, "drive.blf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);
  GRand *rand = g_rand_new_with_seed (2);

  if (writer == NULL)
    g_error ("%s", error->message);
  for (guint done = 0; done < n;)
    {
      guint chunk = MIN (n - done, DECODE_FRAMES);
      g_autofree CanopyMessage *frames = random_frames (db, chunk, rand);

      for (guint i = 0; i < chunk; i++)
        {
          frames[i].timestamp_ns = (gint64) (done + i) * 100000;  /* 10 000 frames/s */
          if (!canopy_log_writer_write (writer, &frames[i], &error))
            g_error ("%s", error->message);
        }
      done += chunk;
    }
  if (!canopy_log_writer_close (writer, &error))
    g_error ("%s", error->message);
  g_rand_free (rand);

  return g_steal_pointer (&path);
}

/* CPU seconds (user + system) of the children waited for so far: on a
 * machine shared with other work the wall time says little. */
static double
children_cpu_seconds (void)
{
#ifdef G_OS_UNIX
  struct rusage usage;

  if (getrusage (RUSAGE_CHILDREN, &usage) == 0)
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
#endif
  return 0;
}

/* Runs canopy-decode; returns the seconds it took, -1 on failure. */
static double
run_decode (const char *log,
            const char *dbc,
            const char *output,
            gboolean    wide,
            char      **summary,
            double     *cpu_seconds)
{
  double cpu_before = children_cpu_seconds ();
  const char *argv[] = { CANOPY_DECODE_PATH, log, dbc, "-o", output, wide ? "--wide" : NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("canopy-decode failed: %s\n%s", error->message, err ? err : "");
      return -1;
    }
  *cpu_seconds = children_cpu_seconds () - cpu_before;
  /* Its last line is the summary (before it: the DBC's damaged sections). */
  g_strstrip (err);
  *summary = g_strdup (strrchr (err, '\n') ? strrchr (err, '\n') + 1 : err);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
bench_tool (guint       n_frames,
            gboolean    python,
            const char *keep)
{
  g_autofree char *dir = keep ? g_strdup (keep) : g_dir_make_tmp ("bench-dbc-XXXXXX", NULL);
  g_autofree char *dbc = dbc_path ("vw_mqb.dbc");
  g_autofree char *csv = g_build_filename (dir, "drive.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = canopy_database_new_from_file (dbc, &error);
  g_autofree char *blf = NULL;
  GStatBuf st;

  g_mkdir_with_parents (dir, 0755);
  blf = write_blf (dir, db, n_frames);
  g_stat (blf, &st);
  g_print ("\ncanopy-decode LOG vw_mqb.dbc, LOG = %u random frames of its messages in BLF (%.1f MB)\n",
           n_frames, st.st_size / 1e6);

  for (guint w = 0; w < 2; w++)
    for (guint target = w; target < 2; target++)   /* --wide only to /dev/null: 1.4 GB */
      {
        g_autofree char *summary = NULL;
        const char *output = target == 0 ? csv : "/dev/null";
        double cpu = 0;
        double seconds = run_decode (blf, dbc, output, w == 1, &summary, &cpu);

        if (seconds < 0)
          continue;
        if (target == 0)
          g_stat (csv, &st);
        g_print ("  canopy-decode %-7s to %-9s %5.2f M frames/s wall (%.2f s), %5.2f M frames/s of CPU time (%.2f s)",
                 w ? "--wide" : "", target == 0 ? "CSV file" : "/dev/null",
                 n_frames / seconds / 1e6, seconds, cpu > 0 ? n_frames / cpu / 1e6 : 0, cpu);
        if (target == 0)
          g_print ("  %.0f MB CSV", st.st_size / 1e6);
        g_print ("\n    (%s)\n", summary);
      }

  if (python)
    {
      g_autofree char *count = g_strdup_printf ("%d", PYTHON_LOG_FRAMES);
      const char *args[] = { "log", dbc, blf, count, NULL };
      g_autofree char *out = bench_run_python ("bench_dbc_canmatrix.py", args);
      double f, v, s;

      if (parse_peer (out, &f, &v, &s))
        g_print ("  python-can BLFReader + canmatrix decode + csv (first %.0f frames): %.4f M frames/s, %.3f M values/s\n",
                 f, f / s / 1e6, v / s / 1e6);
    }

  if (keep == NULL)
    {
      g_unlink (csv);
      g_unlink (blf);
      g_rmdir (dir);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— DBC decoding speed beside python3-canmatrix");
  g_autoptr(GError) error = NULL;
  g_autofree char *keep = NULL;
  gboolean no_python = FALSE;
  int n_frames = 1000000;
  GOptionEntry entries[] = {
    { "frames", 'n', 0, G_OPTION_ARG_INT, &n_frames, "Frames in the BLF log for canopy-decode", "N" },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &no_python, "Skip python3-canmatrix", NULL },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Keep the log and CSV in DIR", "DIR" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_frames <= 0)
    {
      g_printerr ("%s\n", error ? error->message : "-n must be positive");
      return 2;
    }

  g_print ("Decoding random frames of every message, one core (canmatrix: %d frames)\n", PYTHON_FRAMES);
  for (guint i = 0; i < G_N_ELEMENTS (dbc_files); i++)
    bench_decode (dbc_files[i], !no_python);

  bench_tool ((guint) n_frames, !no_python, keep);
  g_print ("\n%u CPUs", g_get_num_processors ());
  bench_print_load_average ();
  g_print ("\n");

  return 0;
}
