/* test-logger-per-id.c — canopy-logger --per-id, the cansniffer-like table
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "canopy-test-tool.h"

/* A row: id (channel-prefixed when known), count, last and mean period in
 * ms or "-" before the second frame, then the bytes, each followed by '*'
 * when it changed from the id's previous frame, or a space. */
static GRegex *
row_regex (void)
{
  return g_regex_new ("^(?<id>([0-9]+:)?([0-9A-F]{3}|[0-9A-F]{8})) +(?<count>[0-9]+) +"
                      "([0-9]+\\.[0-9]{3}|-) +([0-9]+\\.[0-9]{3}|-)  "
                      "(?<data>([0-9A-F]{2}[* ])*)$",
                      0, 0, NULL);
}

static GHashTable *
parse_table (const char *out,
             guint64    *total,
             gboolean   *marked)
{
  g_autoptr(GRegex) regex = row_regex ();
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_lines = g_strv_length (lines);

  /* Plain output (not a terminal): the table once, no escape sequences. */
  g_assert_cmpuint (n_lines, >=, 2);
  g_assert_cmpstr (lines[n_lines - 1], ==, "");
  g_assert_true (g_str_has_prefix (lines[0], "Id "));
  g_assert_null (strchr (out, '\033'));

  *total = 0;
  *marked = FALSE;
  for (guint i = 1; i < n_lines - 1; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *id = NULL;
      g_autofree char *count = NULL;
      g_autofree char *data = NULL;

      if (!g_regex_match (regex, lines[i], 0, &match))
        g_error ("not a row: “%s”", lines[i]);
      id = g_match_info_fetch_named (match, "id");
      count = g_match_info_fetch_named (match, "count");
      data = g_match_info_fetch_named (match, "data");

      /* One line per id. */
      if (!g_hash_table_insert (counts, g_steal_pointer (&id), GSIZE_TO_POINTER (1)))
        g_error ("id on two lines: “%s”", lines[i]);
      *total += g_ascii_strtoull (count, NULL, 10);
      *marked |= strchr (data, '*') != NULL;
    }

  return counts;
}

static void
test_per_id_demo (void)
{
  static const char * const periodic[] = { "0C9", "1E5", "3E9", "1F5", "18FEF100", "18FF50E5" };
  g_autoptr(GHashTable) ids = NULL;
  g_autofree char *out = NULL;
  guint64 total;
  gboolean marked;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL,
                              "-i", "virtual", "-c", "demo", "--per-id", "-T", "1.2", NULL);
  g_assert_cmpint (status, ==, 0);
  ids = parse_table (out, &total, &marked);

  /* Every id that the demo sends at least twice a second is there, once. */
  for (guint i = 0; i < G_N_ELEMENTS (periodic); i++)
    if (!g_hash_table_contains (ids, periodic[i]))
      g_error ("%s missing from\n%s", periodic[i], out);
  g_assert_cmpuint (total, >, 100);
  /* The simulated engine's counters change: some bytes are marked. */
  g_assert_true (marked);
}

static void
test_per_id_count (void)
{
  g_autoptr(GHashTable) ids = NULL;
  g_autofree char *out = NULL;
  guint64 total;
  gboolean marked;
  int status;

  /* -n: the counts of the rows add up to exactly the frames received. */
  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL,
                              "-i", "virtual", "-c", "demo", "--per-id", "-n", "300", NULL);
  g_assert_cmpint (status, ==, 0);
  ids = parse_table (out, &total, &marked);
  g_assert_cmpuint (total, ==, 300);
  g_assert_true (g_hash_table_contains (ids, "0C9"));
}

static void
test_per_id_with_file (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err,
                              "-i", "virtual", "-c", "demo", "--per-id", "-f", "x.asc", NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--per-id"));
  g_assert_cmpstr (out, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/logger/per-id/demo", test_per_id_demo);
  g_test_add_func ("/logger/per-id/count", test_per_id_count);
  g_test_add_func ("/logger/per-id/with-file", test_per_id_with_file);

  return g_test_run ();
}
