/* test-logger-rotate.c — canopy-logger --rotate-size / --rotate-time on the
 * demo bus, as a user runs it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <canopy.h>

#include "canopy-test-tool.h"

/* Reads a part of the recording; its frames in time order, after @last_ns. */
static guint
read_part (const char *path,
           gint64     *last_ns)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &error);
  CanopyMessage msg;
  guint n = 0;

  g_assert_no_error (error);
  while (canopy_log_reader_next (reader, &msg, &error))
    {
      g_assert_cmpint (msg.timestamp_ns, >=, *last_ns);
      *last_ns = msg.timestamp_ns;
      n++;
    }
  g_assert_no_error (error);

  return n;
}

static guint64
parse_logged (const char *err,
              guint      *n_files)
{
  const char *line = strstr (err, "Logged ");
  char *end = NULL;
  guint64 n;

  /* "Logged N frames in K files" */
  g_assert_nonnull (line);
  n = g_ascii_strtoull (line + strlen ("Logged "), &end, 10);
  g_assert_true (g_str_has_prefix (end, " frames in "));
  *n_files = (guint) g_ascii_strtoull (end + strlen (" frames in "), &end, 10);
  g_assert_true (g_str_has_prefix (end, " files"));
  return n;
}

/* 3.5 s of demo traffic in files of 1 s: NAME.blf and -001 … -003, each a
 * complete file, together every frame logged. */
static void
test_rotate_time (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-rotate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.blf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *names[] = { "demo.blf", "demo-001.blf", "demo-002.blf", "demo-003.blf", "demo-004.blf" };
  gint64 last_ns = G_MININT64;
  guint64 logged;
  guint64 read = 0;
  guint n_files = 0;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err, "-i", "virtual", "-c", "demo",
                              "-v", "-f", path, "--rotate-time", "1", "-T", "3.5", NULL);
  g_assert_cmpint (status, ==, 0);
  logged = parse_logged (err, &n_files);
  g_assert_cmpuint (n_files, ==, 4);
  g_assert_cmpuint (logged, >, 100);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *part = g_build_filename (dir, names[i], NULL);
      guint n = read_part (part, &last_ns);

      g_assert_cmpuint (n, >, 0);
      read += n;
      g_unlink (part);
    }
  g_assert_cmpuint (read, ==, logged);

  {
    g_autofree char *fifth = g_build_filename (dir, names[4], NULL);

    g_assert_false (g_file_test (fifth, G_FILE_TEST_EXISTS));
  }
  g_rmdir (dir);
}

/* By size: every part but the last holds at least the limit (CSV is
 * counted exactly), and nothing is lost. */
static void
test_rotate_size (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-rotate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 last_ns = G_MININT64;
  guint64 logged;
  guint64 read = 0;
  guint n_files = 0;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err, "-i", "virtual", "-c", "demo",
                              "-v", "-f", path, "--rotate-size", "4000", "-n", "600", NULL);
  g_assert_cmpint (status, ==, 0);
  logged = parse_logged (err, &n_files);
  g_assert_cmpuint (logged, ==, 600);
  g_assert_cmpuint (n_files, >=, 3);

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup ("demo.csv") : g_strdup_printf ("demo-%03u.csv", i);
      g_autofree char *part = g_build_filename (dir, name, NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (part, &st), ==, 0);
      if (i + 1 < n_files)
        g_assert_cmpint (st.st_size, >=, 4000);
      read += read_part (part, &last_ns);
      g_unlink (part);
    }
  g_assert_cmpuint (read, ==, logged);
  g_rmdir (dir);
}

/* Rotation splits a file: without -f it is refused, as are negative
 * limits; --help documents both options. */
static void
test_rotate_refused (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *help = NULL;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err, "-i", "virtual", "-c", "demo",
                              "--rotate-time", "1", "-n", "1", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "-f"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err, "-i", "virtual", "-c", "demo",
                              "-f", "x.csv", "--rotate-size", "-5", "-n", "1", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_false (g_file_test ("x.csv", G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  help = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL, "--help", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (help, "--rotate-size=BYTES"));
  g_assert_nonnull (strstr (help, "--rotate-time=SECONDS"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/logger/rotate/time", test_rotate_time);
  g_test_add_func ("/logger/rotate/size", test_rotate_size);
  g_test_add_func ("/logger/rotate/refused", test_rotate_refused);

  return g_test_run ();
}
