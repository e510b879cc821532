/* bench-rotating.c — what splitting a recording costs: frames/s writing N
 * frames with the plain writer and with the rotating writer (size limit),
 * python3-can's Logger and SizedRotatingLogger beside them.
 *
 *   bench-rotating [-n FRAMES] [-s ROTATE_BYTES] [--no-python]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench-common.h"

/* 11-bit 8-byte frames 250 µs apart, as python-can's side makes them. */
static void
make_frame (guint64        i,
            CanopyMessage *msg)
{
  guint8 data[8];

  for (guint j = 0; j < 8; j++)
    data[j] = (guint8) (i * 31 + j);
  canopy_message_init (msg, 0x100 + (i % 0x400), FALSE, data, 8);
  msg->timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + (gint64) i * 250000;
}

/* Removes the parts of a recording named like @path; returns their bytes. */
static guint64
remove_parts (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint64 bytes = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        bytes += st.st_size;
      g_unlink (path);
    }

  return bytes;
}

static void
run_ours (const char *dir,
          const char *ext,
          guint64     n,
          guint64     rotate_size)
{
  g_autofree char *path = g_strdup_printf ("%s/bench%s", dir, ext);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  CanopyMessage msg;
  guint n_files = 1;
  guint64 bytes;
  gint64 t0, t1;
  double c0, c1;

  writer = rotate_size > 0
           ? CANOPY_LOG_WRITER (canopy_rotating_writer_new (path, rotate_size, 0, &error))
           : canopy_log_writer_new_for_file (path, &error);
  if (writer == NULL)
    {
      g_printerr ("%s\n", error->message);
      return;
    }

  c0 = bench_cpu_seconds ();
  t0 = g_get_monotonic_time ();
  for (guint64 i = 0; i < n && error == NULL; i++)
    {
      make_frame (i, &msg);
      canopy_log_writer_write (writer, &msg, &error);
    }
  if (error == NULL)
    canopy_log_writer_close (writer, &error);
  t1 = g_get_monotonic_time ();
  c1 = bench_cpu_seconds ();
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return;
    }

  if (CANOPY_IS_ROTATING_WRITER (writer))
    n_files = canopy_rotating_writer_get_n_files (CANOPY_ROTATING_WRITER (writer));
  bytes = remove_parts (dir);

  printf ("%-4s %-26s %12.0f %12.0f %7u %9.1f\n", ext + 1,
          rotate_size > 0 ? "canopy rotating" : "canopy plain",
          n / ((t1 - t0) / 1e6), c1 > c0 ? n / (c1 - c0) : 0.0, n_files, (double) bytes / n);
}

static void
run_python (const char *dir,
            const char *ext,
            guint64     n,
            guint64     rotate_size)
{
  g_autofree char *path = g_strdup_printf ("%s/bench%s", dir, ext);
  g_autofree char *n_text = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  g_autofree char *size_text = g_strdup_printf ("%" G_GUINT64_FORMAT, rotate_size);
  const char *args[] = { n_text, path, size_text, NULL };
  g_autofree char *out = bench_run_python ("bench_rotating_pythoncan.py", args);
  double write_s = 0, cpu_s = 0;
  guint n_files = 0;
  guint64 bytes;

  bytes = remove_parts (dir);
  if (out == NULL || sscanf (out, "%lf %lf %u", &write_s, &cpu_s, &n_files) != 3)
    return;

  printf ("%-4s %-26s %12.0f %12.0f %7u %9.1f\n", ext + 1,
          rotate_size > 0 ? "python3-can SizedRotating" : "python3-can Logger",
          n / write_s, cpu_s > 0 ? n / cpu_s : 0.0, n_files, (double) bytes / n);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const extensions[] = { ".blf", ".asc", ".log", ".csv" };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  gint64 n = 500000;
  gint64 rotate_size = 4 * 1024 * 1024;
  gboolean no_python = FALSE;
  GOptionEntry entries[] = {
    { "frames", 'n', 0, G_OPTION_ARG_INT64, &n, "Frames per run (default 500000)", "N" },
    { "rotate-size", 's', 0, G_OPTION_ARG_INT64, &rotate_size, "Bytes per file (default 4 MiB)", "BYTES" },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &no_python, "Skip python3-can", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "C");

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n <= 0 || rotate_size <= 0)
    {
      g_printerr ("%s\n", error ? error->message : "-n and -s take positive numbers");
      return 2;
    }

  if (!(dir = g_dir_make_tmp ("bench-rotating-XXXXXX", &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  printf ("bench-rotating: %" G_GINT64_FORMAT " classic 8-byte frames, files of %" G_GINT64_FORMAT
          " bytes; %u CPUs", n, rotate_size, g_get_num_processors ());
  bench_print_load_average ();
  printf ("\n%-4s %-26s %12s %12s %7s %9s\n", "fmt", "writer", "write fr/s", "fr/cpu-s", "files", "bytes/fr");

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      run_ours (dir, extensions[i], n, 0);
      run_ours (dir, extensions[i], n, rotate_size);
      fflush (stdout);
      if (!no_python)
        {
          run_python (dir, extensions[i], n, 0);
          run_python (dir, extensions[i], n, rotate_size);
        }
      fflush (stdout);
    }

  g_rmdir (dir);
  return 0;
}
