/* test-format-tools.c — canopy-convert, canopy-info and canopy-logger -f
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "formats-test-common.h"
#include "canopy-test-python.h"
#include "canopy-test-tool.h"

/* Any format to any format, and back, keeps the frames each format keeps. */
static void
test_convert_chain (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (3000, TRUE, FALSE);
  g_autofree char *start = g_build_filename (dir, "start.log", NULL);
  g_autoptr(GError) error = NULL;
  const char *chain[] = { "a.asc", "b.log.gz", "c.blf", "d.asc.gz", "e.log" };
  g_autofree char *prev = g_strdup (start);

  g_assert_true (test_write_frames (start, frames, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      g_autofree char *next = g_build_filename (dir, chain[i], NULL);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GArray) got = NULL;
      int status;

      out = canopy_test_run_tool ("CANOPY_CONVERT", &status, &err, prev, next, NULL);
      g_assert_cmpstr (err, ==, "");
      g_assert_cmpint (status, ==, 0);

      got = test_read_frames (next, &error);
      g_assert_no_error (error);
      test_assert_frames (frames, got, &test_formats[0], 1000, next);

      g_free (prev);
      prev = g_steal_pointer (&next);
    }

  /* Through the formats without channels, the payloads still survive. */
  {
    g_autofree char *csv = g_build_filename (dir, "e.csv", NULL);
    g_autofree char *db = g_build_filename (dir, "f.db", NULL);
    g_autoptr(GArray) got = NULL;
    int status;

    g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, NULL, prev, csv, NULL));
    g_assert_cmpint (status, ==, 0);
    g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, NULL, csv, db, NULL));
    g_assert_cmpint (status, ==, 0);
    got = test_read_frames (db, &error);
    g_assert_no_error (error);
    test_assert_frames (frames, got, &test_formats[3], 1000, db);
  }

  test_rmdir (dir);
}

static void
test_convert_filter_window (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (2000, TRUE, TRUE);
  g_autoptr(GArray) want = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autoptr(GArray) got = NULL;
  g_autofree char *in = g_build_filename (dir, "in.log", NULL);
  g_autofree char *out = g_build_filename (dir, "out.log", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyFilter) filter = canopy_filter_parse ("100:700", &error);
  gint64 first;
  int status;

  g_assert_no_error (error);
  g_assert_true (test_write_frames (in, frames, &error));
  g_assert_no_error (error);

  /* from 1 s to 3 s after the first frame, ids 0x100–0x1FF */
  first = g_array_index (frames, CanopyMessage, 0).timestamp_ns;
  for (guint i = 0; i < frames->len; i++)
    {
      const CanopyMessage *msg = &g_array_index (frames, CanopyMessage, i);

      if (msg->timestamp_ns >= first + 1000000000 &&
          msg->timestamp_ns <= first + 3000000000 &&
          canopy_filter_matches (filter, msg))
        g_array_append_val (want, *msg);
    }
  g_assert_cmpuint (want->len, >, 10);

  g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, NULL, "--filter", "100:700",
                                "--start", "1", "--end", "3", in, out, NULL));
  g_assert_cmpint (status, ==, 0);
  got = test_read_frames (out, &error);
  g_assert_no_error (error);
  test_assert_frames (want, got, &test_formats[2], 1000, out);

  test_rmdir (dir);
}

static void
test_convert_errors (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *in = g_build_filename (dir, "in.log", NULL);
  g_autofree char *out = g_build_filename (dir, "out.asc", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* A damaged line: skipped and named, every other frame converted. */
  g_assert_true (g_file_set_contents (in,
                                      "(1.000000) can0 123#11 R\n"
                                      "(2.000000) can0 124#22 R\n"
                                      "(3.000000) can0 12Q#33 R\n"
                                      "(4.000000) can0 125#44 R\n", -1, NULL));
  g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, &err, in, out, NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "skipped 1 unreadable lines"));
  g_assert_nonnull (strstr (err, "line 3: invalid identifier"));
  got = test_read_frames (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 3);
  g_assert_cmpuint (g_array_index (got, CanopyMessage, 2).arbitration_id, ==, 0x125);
  g_clear_pointer (&err, g_free);

  g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, &err, in, NULL));
  g_assert_cmpint (status, ==, 2);
  g_clear_pointer (&err, g_free);

  g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, &err, "/nonexistent.asc", out, NULL));
  g_assert_cmpint (status, ==, 1);
  /* The file is named (on Windows as \nonexistent.asc or Z:\nonexistent.asc). */
  g_assert_nonnull (strstr (err, "nonexistent.asc"));

  test_rmdir (dir);
}

static void
test_info (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "info.asc", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  CanopyMessage msg = { 0 };
  int status;

  /* 3 frames on channel 0 (two ids), 1 remote on channel 1, 1 FD, 1 error */
  msg.timestamp_ns = G_GINT64_CONSTANT (1700000000000000000);
  msg.arbitration_id = 0x100;
  msg.dlc = 2;
  g_array_append_val (frames, msg);
  msg.timestamp_ns += 500000000;
  g_array_append_val (frames, msg);
  msg.timestamp_ns += 500000000;
  msg.arbitration_id = 0x1234567;
  msg.flags = CANOPY_MESSAGE_EXTENDED;
  g_array_append_val (frames, msg);
  msg.timestamp_ns += 500000000;
  msg.channel = 1;
  msg.flags = CANOPY_MESSAGE_REMOTE;
  msg.arbitration_id = 0x200;
  g_array_append_val (frames, msg);
  msg.timestamp_ns += 500000000;
  msg.flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS;
  msg.dlc = 12;
  g_array_append_val (frames, msg);
  msg.timestamp_ns += 500000000;
  msg.flags = CANOPY_MESSAGE_ERROR;
  msg.channel = 0;
  g_array_append_val (frames, msg);

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);

  out = canopy_test_run_tool ("CANOPY_INFO", &status, &err, path, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "File format:         asc\n"));
  g_assert_nonnull (strstr (out, "Number of frames:    6\n"));
  g_assert_nonnull (strstr (out, "First frame time:    2023-11-14 22:13:20.000000 UTC"));
  g_assert_nonnull (strstr (out, "Last frame time:     2023-11-14 22:13:22.500000 UTC"));
  g_assert_nonnull (strstr (out, "Duration:            2.500000 s\n"));
  g_assert_nonnull (strstr (out, "Frames per channel:  0: 4, 1: 2\n"));
  g_assert_nonnull (strstr (out, "Distinct ids:        3 (2 standard, 1 extended)\n"));
  g_assert_nonnull (strstr (out, "Error frames:        1\n"));
  g_assert_nonnull (strstr (out, "Remote frames:       1\n"));
  g_assert_nonnull (strstr (out, "CAN FD frames:       1 (1 with bit-rate switch)\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Damaged lines: the summary of every intact frame, then the skipped
   * lines with their reasons; a time after 2262 is one of them. */
  {
    g_autofree char *damaged = g_build_filename (dir, "info.log", NULL);
    g_autofree char *text = NULL;

    g_assert_true (g_file_set_contents (damaged,
                                        "(1.000000) can0 123#11\n"
                                        "(2.000000) can0 123#1\n"
                                        "(99999999999.000000) can0 123#22\n"
                                        "(3.000000) can0 123#33\n", -1, NULL));
    text = canopy_test_run_tool ("CANOPY_INFO", &status, &err, damaged, NULL);

    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (text, "Number of frames:    2\n"));
    g_assert_nonnull (strstr (text, "Skipped:             2 unreadable lines or objects\n"));
    g_assert_nonnull (strstr (text, "  line 2: invalid data byte\n"));
    g_assert_nonnull (strstr (text, "  line 3: timestamp out of range\n"));
  }

  /* BLF objects that are not frames are listed by type with counts. */
  {
    g_autofree char *blf = g_build_filename (dir, "info.blf", NULL);
    g_autofree char *text = NULL;
    g_autofree char *info_err = NULL;
    g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (blf, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < frames->len; i++)
      {
        g_assert_true (canopy_log_writer_write (writer, &g_array_index (frames, CanopyMessage, i), &error));
        if (i % 2 == 0)
          g_assert_true (canopy_log_writer_log_event (writer, "marker", -1, &error));
      }
    g_assert_true (canopy_log_writer_close (writer, &error));
    g_assert_no_error (error);

    text = canopy_test_run_tool ("CANOPY_INFO", &status, &info_err, blf, NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (text, "Number of frames:    6\n"));
    g_assert_nonnull (strstr (text, "Other objects:       3\n"));
    g_assert_true (g_regex_match_simple ("^  GLOBAL_MARKER \\(96\\): +3$", text, G_REGEX_MULTILINE, 0));

    /* canopy-convert BLF to BLF keeps the markers. */
    {
      g_autofree char *copy = g_build_filename (dir, "copy.blf", NULL);
      g_autofree char *convert_err = NULL;
      g_autofree char *copy_text = NULL;
      g_autofree char *copy_err = NULL;

      g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, &convert_err, "-v", blf, copy, NULL));
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (convert_err, "6 frames read, 6 written, 3 texts and markers\n"));
      copy_text = canopy_test_run_tool ("CANOPY_INFO", &status, &copy_err, copy, NULL);
      g_assert_cmpint (status, ==, 0);
      g_assert_true (g_regex_match_simple ("^  GLOBAL_MARKER \\(96\\): +3$", copy_text, G_REGEX_MULTILINE, 0));
      g_unlink (copy);
    }
    g_unlink (blf);
  }

  /* A damaged log container in the middle of a BLF: the frames of the
   * others are counted, and the container is named among the skipped. */
  {
    g_autofree char *blf = g_build_filename (dir, "damaged.blf", NULL);
    g_autoptr(GArray) many = test_make_frames (8000, FALSE, FALSE);
    g_autofree char *contents = NULL;
    g_autofree char *text = NULL;
    g_autofree char *info_err = NULL;
    gsize len;

    g_assert_true (test_write_frames (blf, many, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (blf, &contents, &len, NULL));
    /* The first container's object header starts after the 144-byte file
     * header; its deflate stream 32 bytes later. */
    g_assert_cmpuint (len, >, 400);
    contents[144 + 32 + 2] ^= 0x55;
    g_assert_true (g_file_set_contents (blf, contents, len, NULL));

    text = canopy_test_run_tool ("CANOPY_INFO", &status, &info_err, blf, NULL);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (text, "Skipped:             1 unreadable lines or objects\n"));
    g_assert_nonnull (strstr (text, "  offset 144: damaged log container"));
    g_assert_null (strstr (text, "Number of frames:    8000\n"));
    g_assert_null (strstr (text, "Number of frames:    0\n"));
    g_unlink (blf);
  }

  test_rmdir (dir);
}

static void
test_logger_formats (void)
{
  g_autofree char *dir = test_tmpdir ();
  const char *names[] = { "demo.asc", "demo.blf", "demo.csv", "demo.log", "demo.db", "demo.log.gz", "demo.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GArray) got = NULL;
      g_autoptr(GError) error = NULL;
      int status;

      out = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err,
                                  "-i", "virtual", "-c", "demo", "-n", "25", "-f", path, NULL);
      g_assert_cmpint (status, ==, 0);
      g_assert_cmpstr (out, ==, "");

      if (g_str_has_suffix (path, ".txt"))
        {
          g_autofree char *contents = NULL;
          g_auto(GStrv) lines = NULL;

          g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
          lines = g_strsplit (g_strchomp (contents), "\n", -1);
          g_assert_cmpuint (g_strv_length (lines), ==, 25);
          g_assert_true (g_str_has_prefix (lines[0], "Timestamp:"));
          continue;
        }

      /* python-can reads what the logger wrote, with the same frames. */
      got = test_read_frames (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (got->len, ==, 25);

      if (!g_str_has_suffix (path, ".gz") && canopy_test_have_python3 ())
        {
          g_autoptr(GArray) py = test_python_dump (path, &err);
          FormatCaps caps = { "any", "", 0, FALSE, FALSE, FALSE, FALSE, FALSE };

          g_assert_null (err);
          test_assert_frames (got, py, &caps, 1000, path);
        }
    }

  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/tools/convert/chain", test_convert_chain);
  g_test_add_func ("/formats/tools/convert/filter-window", test_convert_filter_window);
  g_test_add_func ("/formats/tools/convert/errors", test_convert_errors);
  g_test_add_func ("/formats/tools/info", test_info);
  g_test_add_func ("/formats/tools/logger-formats", test_logger_formats);

  return g_test_run ();
}
