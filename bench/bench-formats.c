/* bench-formats.c — write and read speed of every log format, bytes per
 * frame and peak memory; python3-can 4.1 doing the same work beside it.
 *
 *   bench-formats [-n FRAMES] [-f FORMAT] [--no-python] [--keep DIR]
 *
 * Every format of the registry that can be written is measured, so formats
 * added to the table show up here without changes. Each measurement runs
 * in a child process so that its peak RSS is its own.
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

#ifdef G_OS_WIN32
# include <windows.h>
# include <psapi.h>  /* K32GetProcessMemoryInfo (kernel32) from Windows 7 on */
#endif

#include "bench-blf-limits.h"

typedef struct
{
  double  write_s;
  double  read_s;
  double  write_cpu_s;
  double  read_cpu_s;
  guint64 bytes;
  guint64 frames_read;
  guint64 rss_kb;
  gboolean ok;
} Result;

/* The frame mix (same in bench_formats_pythoncan.py): 70 % 11-bit 8-byte,
 * 15 % 29-bit 8-byte, 10 % 11-bit 0–8 bytes, 4 % CAN FD 64 bytes with BRS,
 * 1 % remote; two channels; 250 µs apart with jitter. */
static inline guint64
mix (guint64 x)
{
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  x ^= x >> 33;
  return x;
}

static inline void
make_frame (guint64        i,
            CanopyMessage *msg)
{
  guint64 h = mix (i + 1);
  guint kind = h % 100;
  guint len;

  memset (msg, 0, G_STRUCT_OFFSET (CanopyMessage, data));
  msg->timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + (gint64) i * 250000 + (gint64) ((h >> 40) % 200) * 1000;
  msg->channel = (h >> 8) & 1;

  if (kind < 70)
    {
      msg->arbitration_id = (h >> 12) & 0x7FF;
      len = 8;
    }
  else if (kind < 85)
    {
      msg->arbitration_id = (h >> 12) & 0x1FFFFFFF;
      msg->flags = CANOPY_MESSAGE_EXTENDED;
      len = 8;
    }
  else if (kind < 95)
    {
      msg->arbitration_id = (h >> 12) & 0x7FF;
      len = (h >> 44) % 9;
    }
  else if (kind < 99)
    {
      msg->arbitration_id = (h >> 12) & 0x7FF;
      msg->flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS;
      len = 64;
    }
  else
    {
      msg->arbitration_id = (h >> 12) & 0x7FF;
      msg->flags = CANOPY_MESSAGE_REMOTE;
      msg->dlc = (h >> 44) % 9;
      return;
    }

  msg->dlc = len;
  for (guint j = 0; j < len; j++)
    msg->data[j] = (guint8) (mix (h + j) & 0xff);
}

/* CPU seconds of this process (all threads): on a shared, loaded machine a
 * steadier figure than the wall clock. */
static double
cpu_seconds (void)
{
#ifdef G_OS_UNIX
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) == 0)
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
#elif defined (G_OS_WIN32)
  FILETIME created, exited, kernel, user;

  if (GetProcessTimes (GetCurrentProcess (), &created, &exited, &kernel, &user))
    return (((guint64) kernel.dwHighDateTime << 32 | kernel.dwLowDateTime) +
            ((guint64) user.dwHighDateTime << 32 | user.dwLowDateTime)) / 1e7;
#endif
  return 0;
}

static guint64
peak_rss_kb (void)
{
#ifdef G_OS_UNIX
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) == 0)
    return usage.ru_maxrss;
#elif defined (G_OS_WIN32)
  PROCESS_MEMORY_COUNTERS counters;

  if (GetProcessMemoryInfo (GetCurrentProcess (), &counters, sizeof counters))
    return counters.PeakWorkingSetSize / 1024;
#endif
  return 0;
}

/* In the child: write then read @path, print one result line. */
static int
run_child (const char *path,
           guint64     n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  CanopyMessage msg;
  GStatBuf st;
  gint64 t0, t1, t2;
  double c0, c1, c2;
  guint64 read = 0;

  if (!(writer = canopy_log_writer_new_for_file (path, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  c0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  for (guint64 i = 0; i < n; i++)
    {
      make_frame (i, &msg);
      if (!canopy_log_writer_write (writer, &msg, &error))
        break;
    }
  if (error == NULL)
    canopy_log_writer_close (writer, &error);
  t1 = g_get_monotonic_time ();
  c1 = cpu_seconds ();
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_clear_object (&writer);

  /* Reading includes opening: the reader may start work (threads) there. */
  if (!(reader = canopy_log_reader_new_for_file (path, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  {
    gint64 r0 = g_get_monotonic_time ();

    while (canopy_log_reader_next (reader, &msg, &error))
      read++;
    t2 = g_get_monotonic_time () - r0;
  }
  c2 = cpu_seconds ();
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (g_stat (path, &st) != 0)
    st.st_size = 0;

  printf ("%.6f %.6f %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %.6f %.6f\n",
          (t1 - t0) / 1e6, t2 / 1e6, (guint64) st.st_size, read, peak_rss_kb (),
          c1 - c0, c2 - c1);
  return 0;
}

static gboolean
parse_result (const char *out,
              Result     *result)
{
  memset (result, 0, sizeof *result);
  result->ok = out != NULL &&
               sscanf (out, "%lf %lf %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %lf %lf",
                       &result->write_s, &result->read_s, &result->bytes,
                       &result->frames_read, &result->rss_kb,
                       &result->write_cpu_s, &result->read_cpu_s) == 7;
  return result->ok;
}

static gboolean
spawn (const char * const *argv,
       Result             *result)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &status, &error))
    {
      g_printerr ("  %s: %s\n", argv[0], error->message);
      memset (result, 0, sizeof *result);
      return FALSE;
    }

  if (!g_spawn_check_wait_status (status, NULL) || !parse_result (out, result))
    {
      g_printerr ("  %s failed: %s\n", argv[0], err ? g_strstrip (err) : "");
      return FALSE;
    }

  return TRUE;
}

static void
print_row (const char   *label,
           const Result *r,
           guint64       n)
{
  if (!r->ok)
    {
      printf ("%-22s %11s %11s %11s %11s %9s %8s %9s\n", label, "-", "-", "-", "-", "-", "-", "-");
      return;
    }

  printf ("%-22s %11.0f %11.0f %11.0f %11.0f %9.1f %8.1f %9" G_GUINT64_FORMAT "%s\n",
          label,
          r->write_s > 0 ? n / r->write_s : 0,
          r->read_s > 0 ? r->frames_read / r->read_s : 0,
          r->write_cpu_s > 0 ? n / r->write_cpu_s : 0,
          r->read_cpu_s > 0 ? r->frames_read / r->read_cpu_s : 0,
          (double) r->bytes / n,
          r->rss_kb / 1024.0,
          r->frames_read,
          r->frames_read != n ? "  (frames lost)" : "");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *child = NULL;
  g_autofree char *only = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *self = NULL;
  g_autofree char *blf_path = NULL;
  g_autofree char *n_text = NULL;
  gint64 n = 1000000;
  gboolean no_python = FALSE;
  g_autoptr(GListModel) formats = NULL;
  GOptionEntry entries[] = {
    { "frames", 'n', 0, G_OPTION_ARG_INT64, &n, "Frames per file (default 1000000)", "N" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &only, "Only this format (asc, blf, …)", "NAME" },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &no_python, "Skip python3-can", NULL },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Write the files into DIR and keep them", "DIR" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &child, NULL, NULL },
    { NULL }
  };

  setlocale (LC_ALL, "C");

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (child != NULL)
    return run_child (child, n);

  if (keep != NULL)
    {
      g_mkdir_with_parents (keep, 0755);
      dir = g_strdup (keep);
    }
  else if (!(dir = g_dir_make_tmp ("bench-formats-XXXXXX", &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  self = g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE) && g_path_is_absolute (argv[0])
         ? g_strdup (argv[0])
         : g_canonicalize_filename (argv[0], NULL);
  n_text = g_strdup_printf ("%" G_GINT64_FORMAT, n);

  printf ("bench-formats: %" G_GINT64_FORMAT " frames per file (70%% 11-bit 8-byte, 15%% 29-bit, "
          "10%% short, 4%% CAN FD 64-byte, 1%% remote; 2 channels)\n", n);
  printf ("%u CPUs; each line is one child process (peak RSS is its own); fr/s is\n"
          "wall clock, fr/cpu-s per CPU second of all the process's threads\n\n",
          g_get_num_processors ());
  printf ("%-22s %11s %11s %11s %11s %9s %8s %9s\n",
          "", "write", "read", "write", "read", "", "peak", "frames");
  printf ("%-22s %11s %11s %11s %11s %9s %8s %9s\n",
          "format", "fr/s", "fr/s", "fr/cpu-s", "fr/cpu-s", "bytes/fr", "RSS MiB", "read");

  formats = canopy_log_format_list ();

  for (guint i = 0; i < g_list_model_get_n_items (formats); i++)
    {
      g_autoptr(CanopyLogFormat) format = g_list_model_get_item (formats, i);
      const char *extension = canopy_log_format_get_extensions (format)[0];
      gboolean compressible = canopy_log_format_get_compressible (format);

      if (!canopy_log_format_get_can_write (format) || !canopy_log_format_get_can_read (format))
        continue;
      if (only != NULL && strcmp (only, canopy_log_format_get_name (format)) != 0)
        continue;

      for (guint gz = 0; gz < (compressible ? 2 : 1); gz++)
        {
          g_autofree char *name = g_strconcat ("bench", extension, gz ? ".gz" : "", NULL);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *label = g_strdup_printf ("%s%s", canopy_log_format_get_name (format), gz ? ".gz" : "");
          g_autofree char *py_label = g_strdup_printf ("  python3-can %s", canopy_log_format_get_name (format));
          const char *child_argv[] = { self, "--child", path, "-n", n_text, NULL };
          Result ours;
          Result py;

          fflush (stdout);
          spawn (child_argv, &ours);
          print_row (label, &ours, n);

          if (!gz && !no_python)
            {
              g_autofree char *script = g_build_filename (BENCH_SOURCE_DIR, "bench_formats_pythoncan.py", NULL);
              g_autofree char *py_path = g_strdup_printf ("%s/python%s", dir, extension);
              const char *py_argv[] = { "/usr/bin/python3", script, n_text, py_path, NULL };

              fflush (stdout);
              spawn (py_argv, &py);
              print_row (py_label, &py, n);
              if (keep == NULL)
                g_unlink (py_path);
            }

          if (strcmp (canopy_log_format_get_name (format), "blf") == 0 && !gz)
            blf_path = g_strdup (path);
          else if (keep == NULL)
            g_unlink (path);
        }
    }

  printf ("\n");
  fflush (stdout);
  if (only == NULL || strcmp (only, "blf") == 0)
    bench_blf_limits (blf_path, n);

  if (keep == NULL)
    {
      if (blf_path != NULL)
        g_unlink (blf_path);
      g_rmdir (dir);
    }

  return 0;
}
