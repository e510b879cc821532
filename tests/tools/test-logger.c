/* test-logger.c — canopy-logger as a user runs it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "canopy-test-tool.h"

static GRegex *
line_regex (void)
{
  /* python-can 2.0's str(msg) */
  return g_regex_new ("^Timestamp: +[0-9]+\\.[0-9]{6} +ID: ([0-9a-f]{4}|[0-9a-f]{8})    "
                      "[01]{3}    DLC: [0-9]+(    ([0-9a-f]{2}( [0-9a-f]{2})*))?( +'.*')?$",
                      0, 0, NULL);
}

static void
test_logger_demo (void)
{
  g_autoptr(GRegex) regex = line_regex ();
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL, "-i", "virtual", "-c", "demo", "-n", "40", NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 40);
  for (guint i = 0; lines[i]; i++)
    if (!g_regex_match (regex, lines[i], 0, NULL))
      g_error ("not a python-can line: “%s”", lines[i]);
}

static void
test_logger_filters (void)
{
  g_autofree char *out = NULL;
  g_autofree char *inverted = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL,
                              "-i", "virtual", "-c", "demo", "-n", "10", "--filter", "0C9:7FF", NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10);
  for (guint i = 0; lines[i]; i++)
    g_assert_nonnull (strstr (lines[i], "ID: 00c9 "));

  /* id~mask: everything but 0x0C9, extended ids included */
  inverted = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL,
                                   "-i", "virtual", "-c", "demo", "-T", "1.2", "--filter", "0C9~7FF", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (inverted, "ID: 00c9 "));
  g_assert_nonnull (strstr (inverted, "ID: 01e5 "));
  g_assert_nonnull (strstr (inverted, "ID: 18fef100 "));
}

static void
test_logger_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("canopy-logger-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "demo.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL, "-i", "virtual", "-c", "demo", "-n", "25", "-f", path, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 25);

  g_remove (path);
  g_rmdir (dir);
}

static void
test_logger_bad_input (void)
{
  g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL;
  g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL;
  int status;

  out1 = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err1, "-i", "nosuchcan", "-n", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err1, "nosuchcan"));
  g_assert_nonnull (strstr (err1, "virtual"));

  out2 = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err2, "-i", "virtual", "--filter", "zz:7FF", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err2, "zz:7FF"));

  out3 = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err3, "--no-such-option", NULL);
  g_assert_cmpint (status, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/logger/demo", test_logger_demo);
  g_test_add_func ("/logger/filters", test_logger_filters);
  g_test_add_func ("/logger/file", test_logger_file);
  g_test_add_func ("/logger/bad-input", test_logger_bad_input);

  return g_test_run ();
}
