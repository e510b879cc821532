/* test-dbc-tools.c — canopy-decode and canopy-logger --dbc, run as a user
 * runs them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include <canopy.h>

#include "canopy-test-tool.h"

static char *
vw_dbc (void)
{
  return g_build_filename (g_getenv ("CANOPY_TESTDATA"), "dbc", "vw_mqb.dbc", NULL);
}

/* A BLF log: ESP_21 frames with known values, and a frame the database does
 * not know. */
static char *
write_log (const char     *dir,
           CanopyDatabase *db)
{
  g_autofree char *path = g_build_filename (dir, "drive.blf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);
  CanopyMessageDef *def = canopy_database_lookup_message_by_name (db, "ESP_21");
  CanopyMessage frame;

  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      const char *names[] = { "ESP_v_Signal", "BR_Eingriffsmoment" };
      double values[] = { 88.5 + i, -12 };

      g_assert_true (canopy_message_def_encode (def, names, values, 2, &frame, &error));
      canopy_message_set_timestamp_ns (&frame, G_GINT64_CONSTANT (1000000000) * (i + 1) + 250000);
      g_assert_true (canopy_log_writer_write (writer, &frame, &error));

      canopy_message_init (&frame, 0x7FE, FALSE, (const guint8 *) "\1\2", 2);
      canopy_message_set_timestamp_ns (&frame, G_GINT64_CONSTANT (1000000000) * (i + 1) + 500000);
      g_assert_true (canopy_log_writer_write (writer, &frame, &error));
    }
  g_assert_true (canopy_log_writer_close (writer, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static void
test_decode_long_and_wide (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-decode-XXXXXX", NULL);
  g_autofree char *dbc = vw_dbc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = canopy_database_new_from_file (dbc, &error);
  g_autofree char *log = write_log (dir, db);
  g_autofree char *out = NULL;
  g_autofree char *wide = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) wide_lines = NULL;
  g_auto(GStrv) header = NULL;
  CanopyMessageDef *def = canopy_database_lookup_message_by_name (db, "ESP_21");
  guint n_signals = canopy_message_def_get_n_signals (def);
  guint column = 0, total = 0;
  int status;

  out = canopy_test_run_tool ("CANOPY_DECODE", &status, NULL, "-q", log, dbc, NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "time,message,signal,value,unit");
  /* One row per signal of each of the 3 known frames, and a final "". */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 3 * n_signals + 1);
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "1.000250,ESP_21,ESP_v_Signal,88.5,Unit_KiloMeterPerHour"));
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "3.000250,ESP_21,ESP_v_Signal,90.5,Unit_KiloMeterPerHour"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "2.000250,ESP_21,BR_Eingriffsmoment,-12,"));
  g_assert_null (strstr (out, "2.000500"));

  wide = canopy_test_run_tool ("CANOPY_DECODE", &status, NULL, "--wide", "-q", log, dbc, NULL);
  g_assert_cmpint (status, ==, 0);
  wide_lines = g_strsplit (wide, "\n", -1);
  g_assert_cmpuint (g_strv_length (wide_lines), ==, 1 + 3 + 1);
  header = g_strsplit (wide_lines[0], ",", -1);
  for (guint m = 0; m < canopy_database_get_n_messages (db); m++)
    total += canopy_message_def_get_n_signals (canopy_database_get_message (db, m));
  g_assert_cmpuint (g_strv_length (header), ==, 2 + total);
  for (guint i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], "ESP_21.ESP_v_Signal"))
      column = i;
  g_assert_cmpuint (column, >, 1);
  for (guint row = 1; row <= 3; row++)
    {
      g_auto(GStrv) cells = g_strsplit (wide_lines[row], ",", -1);
      g_autofree char *expected = g_strdup_printf ("%g", 88.5 + row - 1);

      g_assert_cmpuint (g_strv_length (cells), ==, 2 + total);
      g_assert_cmpstr (cells[1], ==, "ESP_21");
      g_assert_cmpstr (cells[column], ==, expected);
    }

  g_unlink (log);
  g_rmdir (dir);
}

static void
test_decode_bad_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-decode-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.dbc", NULL);
  g_autofree char *dbc = vw_dbc ();
  g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL;
  g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL;
  int status;

  g_assert_true (g_file_set_contents (bad, "{\"not\": \"a dbc\"}\n", -1, NULL));

  out1 = canopy_test_run_tool ("CANOPY_DECODE", &status, &err1, dbc, bad, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err1, "line 1, column 1"));

  out2 = canopy_test_run_tool ("CANOPY_DECODE", &status, &err2, "only-one-file", NULL);
  g_assert_cmpint (status, ==, 2);

  out3 = canopy_test_run_tool ("CANOPY_DECODE", &status, &err3, "/nonexistent.blf", dbc, NULL);
  g_assert_cmpint (status, ==, 1);

  g_unlink (bad);
  g_rmdir (dir);
}

static void
test_logger_dbc (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-logger-dbc-XXXXXX", NULL);
  g_autofree char *dbc = g_build_filename (dir, "demo.dbc", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint frames = 0;
  int status;

  /* The demo bus's engine frame 0x0C9: rpm × 4 little-endian, throttle %,
   * a rolling counter in byte 6. */
  g_assert_true (g_file_set_contents (dbc,
    "VERSION \"\"\n"
    "BO_ 201 Engine: 8 Demo\n"
    " SG_ EngineSpeed : 0|16@1+ (0.25,0) [0|16383.75] \"rpm\" X\n"
    " SG_ Throttle : 16|8@1+ (1,0) [0|100] \"%\" X\n"
    " SG_ Counter : 48|4@1+ (1,0) [0|15] \"\" X\n", -1, NULL));

  out = canopy_test_run_tool ("CANOPY_LOGGER", &status, NULL, "-i", "virtual", "-c", "demo",
                              "-n", "3", "--filter", "0C9:7FF", "--dbc", dbc, NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      if (g_str_has_prefix (lines[i], "Timestamp:"))
        {
          frames++;
          /* Three signals under each frame. */
          g_assert_true (g_str_has_prefix (lines[i + 1], "    Engine.EngineSpeed = "));
          g_assert_true (g_str_has_suffix (lines[i + 1], " rpm"));
          g_assert_true (g_str_has_prefix (lines[i + 2], "    Engine.Throttle = "));
          g_assert_true (g_str_has_prefix (lines[i + 3], "    Engine.Counter = "));
        }
    }
  g_assert_cmpuint (frames, ==, 3);

  g_unlink (dbc);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dbc/tools/decode", test_decode_long_and_wide);
  g_test_add_func ("/dbc/tools/decode-bad-input", test_decode_bad_input);
  g_test_add_func ("/dbc/tools/logger-dbc", test_logger_dbc);

  return g_test_run ();
}
