/* test-dbc-parse.c — the DBC parser on damaged and hostile input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

static CanopyDatabase *
parse (const char  *text,
       gsize        len,
       GError     **error)
{
  return canopy_database_new_from_data ((const guint8 *) text, len, error);
}

static void
test_damaged_sections (void)
{
  static const char text[] =
    "VERSION \"x\"\n"                                               /* 1 */
    "BU_: A B\n"                                                    /* 2 */
    "BO_ 100 Good: 8 A\n"                                           /* 3 */
    " SG_ S1 : 0|8@1+ (1,0) [0|255] \"\" B\n"                       /* 4 */
    " SG_ Broken : 0|8@1+ (1,0 [0|255] \"\" B\n"                    /* 5: no ')' */
    " SG_ S2 : 8|8@1+ (2,0) [0|510] \"\" B\n"                       /* 6 */
    "BO_ 101 : 8 A\n"                                               /* 7: no name */
    " SG_ Lost : 0|8@1+ (1,0) [0|255] \"\" B\n"                     /* 8 */
    "WHATEVER_ 1 2 3 ;\n"                                           /* 9: unknown */
    "CM_ BO_ 999 \"no such message\";\n"                            /* 10 */
    "BO_ 102 Third: 8 A\n"                                          /* 11 */
    " SG_ S3 : 60|8@1+ (1,0) [0|255] \"\" B\n"                      /* 12: beyond 8 bytes */
    " SG_ S4 : 0|8@1+ (1,0) [0|255] \"\" B\n"                       /* 13 */
    "VAL_ 102 S4 0 \"Off\" 1 \"On\" ;\n"                            /* 14 */
    "CM_ SG_ 102 S4 \"never closed ;\n";                            /* 15 */
  static const guint expected_lines[] = { 5, 7, 9, 10, 12, 15 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = parse (text, strlen (text), &error);
  const char * const *problems;
  CanopyMessageDef *good, *third;

  g_assert_no_error (error);
  g_assert_cmpuint (canopy_database_get_n_messages (db), ==, 2);

  good = canopy_database_lookup_message (db, 100, FALSE);
  g_assert_cmpstr (canopy_message_def_get_name (good), ==, "Good");
  g_assert_cmpuint (canopy_message_def_get_n_signals (good), ==, 2);
  g_assert_nonnull (canopy_message_def_lookup_signal (good, "S2"));
  third = canopy_database_lookup_message_by_name (db, "Third");
  g_assert_cmpuint (canopy_message_def_get_n_signals (third), ==, 1);
  g_assert_cmpstr (canopy_signal_def_get_value_text (canopy_message_def_lookup_signal (third, "S4"), 1), ==, "On");

  problems = canopy_database_get_problems (db);
  g_assert_cmpuint (canopy_database_get_n_skipped (db), ==, G_N_ELEMENTS (expected_lines));
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, G_N_ELEMENTS (expected_lines));
  for (guint i = 0; i < G_N_ELEMENTS (expected_lines); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("line %u: ", expected_lines[i]);

      g_test_message ("%s", problems[i]);
      g_assert_true (g_str_has_prefix (problems[i], prefix));
    }
}

static void
test_unusable (void)
{
  static const struct {
    const char *text;
    gsize       len;
    const char *position;
  } cases[] = {
    { "", 0, "line 1, column 1: " },
    { "  \n\n", 4, "line 3, column 1: " },
    { "\x89PNG\r\n\x1a\n\0\0\0", 11, "line 3, column 1: " },
    { "hello world\n", 12, "line 1, column 1: " },
    { "\n\n   {\"json\": 1}", 16, "line 3, column 4: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyDatabase) db = parse (cases[i].text, cases[i].len, &error);

      g_assert_null (db);
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, cases[i].position));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CanopyDatabase) db = canopy_database_new_from_file ("/nonexistent/x.dbc", &error);

    g_assert_null (db);
    g_assert_nonnull (error);
  }
}

static void
test_real_files_load (void)
{
  static const struct {
    const char *name;
    guint       messages;
    guint       skipped;
  } files[] = {
    /* Ford: four signals lie beyond their 24-byte message (lines 714–718). */
    { "FORD_CADS_64.dbc", 80, 4 },
    { "hyundai_2015_ccan.dbc", 113, 0 },
    /* Tesla: a VAL_ for a signal of another message (line 783). */
    { "tesla_can.dbc", 44, 1 },
    { "toyota_prius_2010_pt.dbc", 26, 0 },
    /* VW: 17 CM_ for signals ACC_07 does not have (lines 1630–1646). */
    { "vw_mqb.dbc", 113, 17 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "dbc", files[i].name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyDatabase) db = canopy_database_new_from_file (path, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (canopy_database_get_n_messages (db), ==, files[i].messages);
      g_assert_cmpuint (canopy_database_get_n_skipped (db), ==, files[i].skipped);
    }
}

static void
test_attributes (void)
{
  static const char text[] =
    "VERSION \"\"\n"
    "BU_: ECU\n"
    "BO_ 2147483904 Fd: 12 ECU\n"
    " SG_ X : 0|8@1+ (1,0) [0|255] \"\" ECU\n"
    " SG_ Y : 8|8@1+ (1,0) [0|255] \"\" ECU\n"
    "BO_TX_BU_ 2147483904 : ECU,Other;\n"
    "SIG_GROUP_ 2147483904 Both 1 : X Y;\n"
    "CM_ \"network\";\n"
    "CM_ BO_ 2147483904 \"über\";\n"
    "BA_DEF_ BO_ \"GenMsgCycleTime\" INT 0 65535;\n"
    "BA_DEF_ BO_ \"VFrameFormat\" ENUM \"StandardCAN\",\"ExtendedCAN\",\"reserved\",\"J1939PG\",\"StandardCAN_FD\",\"ExtendedCAN_FD\";\n"
    "BA_DEF_ SG_ \"GenSigStartValue\" INT 0 255;\n"
    "BA_DEF_ \"BusType\" STRING ;\n"
    "BA_DEF_DEF_ \"GenMsgCycleTime\" 100;\n"
    "BA_DEF_DEF_ \"GenSigStartValue\" 7;\n"
    "BA_DEF_DEF_ \"VFrameFormat\" \"StandardCAN\";\n"
    "BA_DEF_DEF_ \"BusType\" \"CAN FD\";\n"
    "BA_ \"VFrameFormat\" BO_ 2147483904 5;\n"
    "BA_ \"GenSigStartValue\" SG_ 2147483904 Y 9;\n"
    "SIG_VALTYPE_ 2147483904 X : 0;\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = parse (text, strlen (text), &error);
  CanopyMessageDef *fd;
  CanopyMessage frame;
  g_auto(GStrv) groups = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (canopy_database_get_n_skipped (db), ==, 0);
  fd = canopy_database_lookup_message (db, 256, TRUE);
  g_assert_nonnull (fd);
  g_assert_true (canopy_message_def_is_fd (fd));
  g_assert_cmpuint (canopy_message_def_get_cycle_time (fd), ==, 100);
  g_assert_cmpstr (canopy_message_def_get_attribute (fd, "VFrameFormat"), ==, "ExtendedCAN_FD");
  g_assert_cmpstr (canopy_message_def_get_comment (fd), ==, "über");
  g_assert_cmpstr (canopy_database_get_comment (db), ==, "network");
  g_assert_cmpstr (canopy_database_get_attribute (db, "BusType"), ==, "CAN FD");
  g_assert_cmpstrv (canopy_message_def_get_transmitters (fd), ((const char *[]) { "ECU", "Other", NULL }));
  groups = canopy_message_def_list_signal_groups (fd);
  g_assert_cmpstrv (groups, ((const char *[]) { "Both", NULL }));
  g_assert_cmpstrv (canopy_message_def_get_signal_group (fd, "Both"), ((const char *[]) { "X", "Y", NULL }));
  g_assert_cmpfloat (canopy_signal_def_get_start_value (canopy_message_def_lookup_signal (fd, "X")), ==, 7);
  g_assert_cmpfloat (canopy_signal_def_get_start_value (canopy_message_def_lookup_signal (fd, "Y")), ==, 9);

  /* Missing signals take GenSigStartValue; a 12-byte payload is sent as 12. */
  g_assert_true (canopy_message_def_encode (fd, NULL, NULL, 0, &frame, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (frame.data[0], ==, 7);
  g_assert_cmpuint (frame.data[1], ==, 9);
  g_assert_cmpuint (frame.dlc, ==, 12);
  g_assert_true (frame.flags & CANOPY_MESSAGE_FD);
  g_assert_true (frame.flags & CANOPY_MESSAGE_EXTENDED);
}

/* Damaged copies of a real file: each loads or fails cleanly, never
 * crashes, never warns (fatal-warnings), and memory stays bounded. */
static void
test_mutations (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "dbc", "vw_mqb.dbc", NULL);
  g_autofree char *contents = NULL;
  GRand *rand = g_rand_new_with_seed (42);
  guint loaded = 0, failed = 0;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  for (guint round = 0; round < 200; round++)
    {
      g_autofree char *copy = g_memdup2 (contents, len);
      g_autoptr(CanopyDatabase) db = NULL;
      g_autoptr(GError) error = NULL;
      gsize copy_len = len;
      guint n = g_rand_int_range (rand, 1, 40);

      for (guint k = 0; k < n; k++)
        {
          gsize at = g_rand_int_range (rand, 0, (gint32) copy_len);
          static const char junk[] = "\"\n;:|@()[],-+ 0123456789BO_SG_VAL_M\xff\x00";

          copy[at] = junk[g_rand_int_range (rand, 0, sizeof junk)];
        }
      if (round % 5 == 0)
        copy_len = g_rand_int_range (rand, 0, (gint32) len);

      db = canopy_database_new_from_data ((const guint8 *) copy, copy_len, &error);
      if (db != NULL)
        {
          loaded++;
          /* Decode something with whatever loaded. */
          for (guint m = 0; m < canopy_database_get_n_messages (db); m++)
            {
              CanopyMessageDef *def = canopy_database_get_message (db, m);
              g_autoptr(GPtrArray) values = NULL;
              CanopyMessage frame;

              canopy_message_def_init_frame (def, &frame);
              memset (frame.data, 0xA5, sizeof frame.data);
              values = canopy_message_def_decode (def, &frame);
              g_assert_nonnull (values);
            }
        }
      else
        {
          failed++;
          g_assert_true (g_str_has_prefix (error->message, "line "));
        }
    }

  g_rand_free (rand);
  g_test_message ("%u loaded, %u refused", loaded, failed);
  g_assert_cmpuint (loaded, >, 100);
}

/* A message with more signals than any real one: the excess is skipped
 * and counted, the rest loads. */
static void
test_limits (void)
{
  g_autoptr(GString) text = g_string_new ("VERSION \"\"\nBO_ 1 Huge: 8 A\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = NULL;

  for (guint i = 0; i < 8192 + 10; i++)
    g_string_append_printf (text, " SG_ S%u : 0|1@1+ (1,0) [0|1] \"\" B\n", i);
  g_string_append (text, "BO_ 2 After: 1 A\n SG_ X : 0|8@1+ (1,0) [0|255] \"\" B\n");

  db = parse (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_message_def_get_n_signals (canopy_database_lookup_message (db, 1, FALSE)), ==, 8192);
  g_assert_cmpuint (canopy_database_get_n_skipped (db), ==, 10);
  g_assert_nonnull (canopy_database_lookup_message_by_name (db, "After"));
}

/* A value list that goes wrong after some texts were read is skipped
 * whole (and frees them: tests/fuzz/fuzz-dbc found them leaked); the
 * signal keeps the texts it had, later lists still load. */
static void
test_damaged_value_lists (void)
{
  static const char text[] =
    "VERSION \"\"\n"                                               /* 1 */
    "BO_ 100 M: 8 A\n"                                             /* 2 */
    " SG_ S : 0|8@1+ (1,0) [0|255] \"\" B\n"                       /* 3 */
    "VAL_ 100 S 0 \"Off\" 1 \"On\" ;\n"                            /* 4 */
    "VAL_ 100 S 0 \"Zero\" 1 \"One\" 1e30 \"Huge\" ;\n"            /* 5: not a whole number */
    "VAL_ 100 S 0 \"Zero\" 1 \"One\" 2 ;\n"                        /* 6: no text */
    "VAL_TABLE_ T 0 \"a\" 1 \"b\" 2 \"c\" x ;\n"                   /* 7: no ';' where x is */
    "VAL_TABLE_ U 5 \"five\" ;\n";                                 /* 8 */
  static const guint expected_lines[] = { 5, 6, 7 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = parse (text, strlen (text), &error);
  g_auto(GStrv) tables = NULL;
  const char * const *problems;
  CanopySignalDef *signal;

  g_assert_no_error (error);
  signal = canopy_message_def_lookup_signal (canopy_database_lookup_message (db, 100, FALSE), "S");
  g_assert_cmpstr (canopy_signal_def_get_value_text (signal, 0), ==, "Off");
  g_assert_cmpstr (canopy_signal_def_get_value_text (signal, 1), ==, "On");
  g_assert_null (canopy_signal_def_get_value_text (signal, 2));

  tables = canopy_database_list_value_tables (db);
  g_assert_cmpuint (g_strv_length (tables), ==, 1);
  g_assert_cmpstr (canopy_database_lookup_value_table_text (db, "U", 5), ==, "five");

  problems = canopy_database_get_problems (db);
  g_assert_cmpuint (canopy_database_get_n_skipped (db), ==, G_N_ELEMENTS (expected_lines));
  for (guint i = 0; i < G_N_ELEMENTS (expected_lines); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("line %u: ", expected_lines[i]);

      g_test_message ("%s", problems[i]);
      g_assert_true (g_str_has_prefix (problems[i], prefix));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dbc/parse/damaged-sections", test_damaged_sections);
  g_test_add_func ("/dbc/parse/unusable", test_unusable);
  g_test_add_func ("/dbc/parse/real-files", test_real_files_load);
  g_test_add_func ("/dbc/parse/attributes", test_attributes);
  g_test_add_func ("/dbc/parse/mutations", test_mutations);
  g_test_add_func ("/dbc/parse/limits", test_limits);
  g_test_add_func ("/dbc/parse/damaged-value-lists", test_damaged_value_lists);

  return g_test_run ();
}
