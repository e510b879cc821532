/* test-time-bounds.c — times 64-bit nanoseconds cannot hold, and lines the
 * text readers cannot parse, are skipped, counted and named; everything
 * else is read.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "canopy-test-tool.h"
#include "formats-test-common.h"

typedef struct
{
  GArray  *frames;
  guint64  n_skipped;
  char   **reasons;
} ReadResult;

static void
read_result_clear (ReadResult *r)
{
  g_clear_pointer (&r->frames, g_array_unref);
  g_clear_pointer (&r->reasons, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReadResult, read_result_clear)

/* Reads @path to the end, which must come without a GError. */
static void
read_all (const char *path,
          ReadResult *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &error);
  CanopyMessage msg;

  g_assert_no_error (error);
  r->frames = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  while (canopy_log_reader_next (reader, &msg, &error))
    g_array_append_val (r->frames, msg);
  g_assert_no_error (error);
  r->n_skipped = canopy_log_reader_get_n_skipped (reader);
  r->reasons = g_strdupv ((char **) canopy_log_reader_get_skip_reasons (reader));
}

static char *
write_text (const char *dir,
            const char *name,
            const char *text)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

#define FRAME(r, i) (&g_array_index ((r)->frames, CanopyMessage, (i)))

static void
test_candump_csv_times (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *log = write_text (dir, "times.log",
    "(1700000000.000001) can0 123#11\n"
    "(99999999999.000000) can0 123#22\n"      /* 11 digits: year 5138 */
    "(9223372036.854775807) can0 123#33\n"    /* the last representable ns */
    "(9223372036.854775808) can0 123#44\n"    /* one past it */
    "(-9223372036.854775808) can0 123#55\n"   /* the first representable ns */
    "(1e10) can0 123#66\n"
    "(1.7e9) can0 123#77\n"
    "(184467440737095516160) can0 123#88\n"   /* wider than 64 bits */
    "(2.000000) can0 123#99\n");
  g_autofree char *csv = write_text (dir, "times.csv",
    "timestamp,arbitration_id,extended,remote,error,dlc,data\n"
    "1700000000.5,0x123,0,0,0,1,EQ==\n"
    "10000000000,0x123,0,0,0,1,Ig==\n"
    "1e19,0x123,0,0,0,1,Mw==\n"
    "1.5,0x123,0,0,0,1,RA==\n");
  g_auto(ReadResult) r = { 0 };
  g_auto(ReadResult) c = { 0 };

  read_all (log, &r);
  g_assert_cmpuint (r.frames->len, ==, 5);
  g_assert_cmpint (FRAME (&r, 0)->timestamp_ns, ==, G_GINT64_CONSTANT (1700000000000001000));
  g_assert_cmpint (FRAME (&r, 1)->timestamp_ns, ==, G_MAXINT64);
  g_assert_cmpint (FRAME (&r, 2)->timestamp_ns, ==, G_MININT64);
  g_assert_cmpint (FRAME (&r, 3)->timestamp_ns, ==, G_GINT64_CONSTANT (1700000000000000000));
  g_assert_cmpint (FRAME (&r, 4)->timestamp_ns, ==, G_GINT64_CONSTANT (2000000000));
  g_assert_cmpuint (FRAME (&r, 4)->data[0], ==, 0x99);
  g_assert_cmpuint (r.n_skipped, ==, 4);
  g_assert_cmpstr (r.reasons[0], ==, "line 2: timestamp out of range");
  g_assert_cmpstr (r.reasons[1], ==, "line 4: timestamp out of range");
  g_assert_cmpstr (r.reasons[2], ==, "line 6: timestamp out of range");
  g_assert_cmpstr (r.reasons[3], ==, "line 8: timestamp out of range");

  read_all (csv, &c);
  g_assert_cmpuint (c.frames->len, ==, 2);
  g_assert_cmpuint (FRAME (&c, 0)->data[0], ==, 0x11);
  g_assert_cmpuint (FRAME (&c, 1)->data[0], ==, 0x44);
  g_assert_cmpuint (c.n_skipped, ==, 2);
  g_assert_cmpstr (c.reasons[0], ==, "line 3: timestamp out of range");

  test_rmdir (dir);
}

/* Dates after 2262 in ASC, TRC and SQLite; then writing and summarising
 * the extreme representable times. */
static void
test_dates_out_of_range (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *asc = write_text (dir, "far.asc",
    "date Sat Jan 1 00:00:00.000 2300\n"
    "base hex  timestamps absolute\n"
    "   1.000000 1  123             Rx   d 1 11\n"
    "Begin TriggerBlock Sat Jan 1 00:00:00.000 9999\n"
    "   2.000000 1  123             Rx   d 1 22\n"
    "99999999999.000000 1  123             Rx   d 1 33\n"
    "End TriggerBlock\n");
  g_autofree char *trc = write_text (dir, "far.trc",
    ";$FILEVERSION=2.0\n"
    ";$STARTTIME=2000000.5\n"
    ";$COLUMNS=N,O,T,I,d,l,D\n"
    "      1      1000.000 DT 0123 Rx 1 11\n");
  g_autofree char *db = g_build_filename (dir, "far.db", NULL);
  g_auto(ReadResult) a = { 0 };
  g_auto(ReadResult) t = { 0 };
  g_auto(ReadResult) s = { 0 };
  sqlite3 *sql = NULL;

  read_all (asc, &a);
  g_assert_cmpuint (a.frames->len, ==, 2);
  g_assert_cmpint (FRAME (&a, 0)->timestamp_ns, ==, G_GINT64_CONSTANT (1000000000));
  g_assert_cmpint (FRAME (&a, 1)->timestamp_ns, ==, G_GINT64_CONSTANT (2000000000));
  g_assert_cmpuint (a.n_skipped, ==, 3);
  g_assert_cmpstr (a.reasons[0], ==, "line 1: date out of range");
  g_assert_cmpstr (a.reasons[1], ==, "line 4: date out of range");
  g_assert_cmpstr (a.reasons[2], ==, "line 6: time out of range");

  read_all (trc, &t);
  g_assert_cmpuint (t.frames->len, ==, 1);
  g_assert_cmpint (FRAME (&t, 0)->timestamp_ns, ==, G_GINT64_CONSTANT (1000000000));
  g_assert_cmpuint (t.n_skipped, ==, 1);
  g_assert_cmpstr (t.reasons[0], ==, "line 2: start time out of range");

  g_assert_cmpint (sqlite3_open (db, &sql), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (sql,
                                 "CREATE TABLE messages (ts REAL, arbitration_id INTEGER, extended INTEGER,"
                                 " remote INTEGER, error INTEGER, dlc INTEGER, data BLOB);"
                                 "INSERT INTO messages VALUES (1.5, 1, 0, 0, 0, 1, x'11');"
                                 "INSERT INTO messages VALUES (1e12, 2, 0, 0, 0, 1, x'22');"
                                 "INSERT INTO messages VALUES (9e999, 3, 0, 0, 0, 1, x'33');"
                                 "INSERT INTO messages VALUES (-2.25, 4, 0, 0, 0, 1, x'44');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (sql);
  read_all (db, &s);
  g_assert_cmpuint (s.frames->len, ==, 2);
  g_assert_cmpint (FRAME (&s, 0)->timestamp_ns, ==, G_GINT64_CONSTANT (1500000000));
  g_assert_cmpint (FRAME (&s, 1)->timestamp_ns, ==, G_GINT64_CONSTANT (-2250000000));
  g_assert_cmpuint (s.n_skipped, ==, 2);
  g_assert_cmpstr (s.reasons[0], ==, "row 2: timestamp out of range");
  g_assert_cmpstr (s.reasons[1], ==, "row 3: timestamp out of range");

  test_rmdir (dir);
}

/* Every writer and canopy-info take the extreme representable times. */
static void
test_extreme_times_written (void)
{
  static const char *exts[] = { ".asc", ".blf", ".csv", ".log", ".db" };
  g_autofree char *dir = test_tmpdir ();

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *path = g_strconcat (dir, "/extreme", exts[i], NULL);
      g_autoptr(GArray) frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      /* ASC keeps microseconds from a millisecond start: its last
       * representable time is a millisecond before the end of gint64. */
      gboolean asc = g_str_equal (exts[i], ".asc");
      const gint64 times[] = { asc ? G_MAXINT64 - 1000000 : G_MAXINT64, G_MININT64, 0,
                               asc ? G_MAXINT64 - 1000001 : G_MAXINT64 - 1 };
      int status;

      for (guint j = 0; j < G_N_ELEMENTS (times); j++)
        {
          CanopyMessage msg;

          canopy_message_init (&msg, 0x100 + j, FALSE, (const guint8 *) "\x01", 1);
          msg.timestamp_ns = times[j];
          g_array_append_val (frames, msg);
        }

      g_assert_true (test_write_frames (path, frames, &error));
      g_assert_no_error (error);

      out = canopy_test_run_tool ("CANOPY_INFO", &status, &err, "-q", path, NULL);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (out, "Number of frames:    4\n"));
      g_assert_null (strstr (out, "Skipped"));
      g_assert_nonnull (strstr (out, "Last frame time:     2262-04-11 23:47:16.85"));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);

      /* A window relative to a first frame in 2262 saturates; a limit
       * no time can reach is refused. */
      {
        g_autofree char *copy = g_strconcat (dir, "/window.csv", NULL);
        g_autoptr(GArray) got = NULL;

        g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, NULL, "-q", "--end", "1000",
                                      path, copy, NULL));
        g_assert_cmpint (status, ==, 0);
        got = test_read_frames (copy, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (got->len, ==, 4);
        g_unlink (copy);

        g_free (canopy_test_run_tool ("CANOPY_CONVERT", &status, &err, "--start", "1e30",
                                      path, copy, NULL));
        g_assert_cmpint (status, ==, 2);
        g_assert_nonnull (strstr (err, "out of range"));
      }
      g_unlink (path);
    }

  test_rmdir (dir);
}

/* Every line kind of the ASC format document: frames are read, the rest
 * skipped silently, and nothing after an unusual line is lost. */
static void
test_asc_line_kinds (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = write_text (dir, "kinds.asc",
    "date Wed Jan 1 10:27:12.172 pm 2020\n"
    "base hex  timestamps absolute\n"
    "internal events logged\n"
    "// version 12.0.0\n"
    "// Measurement UUID: cc670aa7-6a8a-4b39-bae0-260bad033bbf\n"
    "Begin TriggerBlock Wed Jan 1 10:27:12.172 pm 2020\n"
    "   0.000000 Start of measurement\n"
    "   0.000000 CANFD   Start of measurement\n"
    "   0.001000 1  Statistic: D 0 R 0 XD 0 XR 0 E 0 O 0 B 0.00%\n"
    "   0.002000 CAN 1 Status:chip status error active - TxErr: 0 RxErr: 0\n"
    "   0.003000 log direct start (0ms)\n"
    "   0.004000 1  Overload\n"
    "   0.005000 CANFD 1 100 Tx 1 0 r 8\n"                                  /* 0: FD-syntax remote */
    "   0.006000 1  ErrorFrame\n"                                          /* 1 */
    "   0.007000 1  ErrorFrame\tECC: 10100010\n"                           /* 2 */
    "   0.008000 2 ErrorFrame Flags = 0xe CodeExt = 0x20a2 Code = 0x82 ID = 0 DLC = 0 Position = 5 Length = 11300\n" /* 3 */
    "   0.009000 CANFD   5 Tx ErrorFrame Not Acknowledge error, dominant error flag fffe c7 31ca Arb. 556 44 0 0 f 64 00 00 1331984 11 0\n" /* 4 */
    "   0.010000 1  6F9             Rx   d 8 05 0C 00 00 00 00 00 00  Length = 240015 BitCount = 124 ID = 1785\n" /* 5 */
    "   0.011000 1  1               Tx   r 8  Length = 92000 BitCount = 49 ID = 1\n" /* 6 */
    "   0.012000 1  1               Tx   r\n"                               /* 7 */
    "   0.013000 1  123  EngineData Rx   d 2 AA BB\n"                       /* 8: symbolic name */
    "   0.014000 CANFD   3 Rx        30a  Generic_Name_12                  1 1 8  8 01 02 03 04 05 06 07 08   102203  133   303000 e0006659 46500250 4b140250 20011736 2001040d\n" /* 9 */
    "   0.015000 CANFD 1 101 Tx 1 0 d 8 8 F1 F2 F3 F4 F5 F6 F7 F8 Length = 209000 BitCount = 128 ID = 257\n" /* 10 */
    "   0.016000 CANFD 3 Tx 50005x 0 1 5 0 140000 73 200050 7a60 0 0 0 0\n" /* 11: remote in CANFD syntax */
    "   0.017000 1  SV: 3 0 1 ::Var = 1\n"
    "   0.018000 1  123             Rx   d 2 GG 00\n"                       /* bad: skipped */
    "End TriggerBlock\n"
    "Begin Triggerblock\n"
    "base hex  timestamps relative\n"
    "   1.000000 1  200             Rx   d 1 01\n"                          /* 12 */
    "   0.500000 1  201             Rx   d 1 02\n"                          /* 13 */
    "End TriggerBlock\n");
  g_auto(ReadResult) r = { 0 };
  gint64 base;

  read_all (path, &r);
  g_assert_cmpuint (r.frames->len, ==, 14);
  g_assert_cmpuint (r.n_skipped, ==, 1);
  g_assert_cmpstr (r.reasons[0], ==, "line 26: invalid data byte");

  base = FRAME (&r, 0)->timestamp_ns - 5000000;
  g_assert_true (FRAME (&r, 0)->flags & CANOPY_MESSAGE_REMOTE);
  g_assert_cmpuint (FRAME (&r, 0)->arbitration_id, ==, 0x100);
  g_assert_cmpuint (FRAME (&r, 0)->dlc, ==, 8);
  g_assert_true (FRAME (&r, 0)->flags & CANOPY_MESSAGE_TX);
  for (guint i = 1; i <= 4; i++)
    g_assert_true (FRAME (&r, i)->flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmpint (FRAME (&r, 3)->channel, ==, 1);
  g_assert_cmpint (FRAME (&r, 4)->channel, ==, 4);
  g_assert_cmpuint (FRAME (&r, 5)->arbitration_id, ==, 0x6F9);
  g_assert_cmpuint (FRAME (&r, 5)->data[1], ==, 0x0C);
  g_assert_true (FRAME (&r, 6)->flags & CANOPY_MESSAGE_REMOTE);
  g_assert_true (FRAME (&r, 7)->flags & CANOPY_MESSAGE_REMOTE);
  g_assert_cmpuint (FRAME (&r, 8)->arbitration_id, ==, 0x123);
  g_assert_cmpuint (FRAME (&r, 8)->dlc, ==, 2);
  g_assert_cmpuint (FRAME (&r, 8)->data[1], ==, 0xBB);
  g_assert_cmpuint (FRAME (&r, 9)->arbitration_id, ==, 0x30a);
  g_assert_true (FRAME (&r, 9)->flags & CANOPY_MESSAGE_FD);
  g_assert_cmpuint (FRAME (&r, 10)->data[7], ==, 0xF8);
  g_assert_true (FRAME (&r, 11)->flags & CANOPY_MESSAGE_REMOTE);
  g_assert_true (FRAME (&r, 11)->flags & CANOPY_MESSAGE_EXTENDED);
  g_assert_cmpint (FRAME (&r, 10)->timestamp_ns - base, ==, 15000000);
  /* The second block has no date and relative times */
  g_assert_cmpint (FRAME (&r, 13)->timestamp_ns - FRAME (&r, 12)->timestamp_ns, ==, 500000000);

  test_rmdir (dir);
}

/* A real BLF file's header may carry a date after 2262: the frames are
 * read with their offsets, as for a file without a start time. */
static void
test_blf_header_date (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "far.blf", NULL);
  g_autoptr(GArray) frames = test_make_frames (10, FALSE, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(ReadResult) r = { 0 };
  gsize len;

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* SYSTEMTIME at 40: year (u16 LE) */
  contents[40] = 0x0f;
  contents[41] = 0x27;   /* 9999 */
  g_assert_true (g_file_set_contents (path, contents, len, NULL));

  read_all (path, &r);
  g_assert_cmpuint (r.frames->len, ==, 10);
  g_assert_cmpint (FRAME (&r, 9)->timestamp_ns - FRAME (&r, 0)->timestamp_ns, ==,
                   g_array_index (frames, CanopyMessage, 9).timestamp_ns -
                   g_array_index (frames, CanopyMessage, 0).timestamp_ns);
  g_assert_cmpint (FRAME (&r, 0)->timestamp_ns, <, G_GINT64_CONSTANT (86400000000000));

  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/time/candump-csv", test_candump_csv_times);
  g_test_add_func ("/formats/time/dates-out-of-range", test_dates_out_of_range);
  g_test_add_func ("/formats/time/extreme-written", test_extreme_times_written);
  g_test_add_func ("/formats/time/blf-header-date", test_blf_header_date);
  g_test_add_func ("/formats/asc/line-kinds", test_asc_line_kinds);

  return g_test_run ();
}
