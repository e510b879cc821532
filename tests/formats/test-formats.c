/* test-formats.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "formats-test-common.h"
#include "canopy-test-python.h"

static const FormatCaps *
caps_for (const char *name)
{
  for (guint i = 0; i < n_test_formats; i++)
    if (strcmp (test_formats[i].name, name) == 0)
      return &test_formats[i];
  g_assert_not_reached ();
}

static void
test_registry (void)
{
  g_autofree char *dir = test_tmpdir ();
  struct { const char *file; const char *format; } cases[] = {
    { "a.asc", "asc" }, { "A.ASC", "asc" }, { "a.asc.gz", "asc" },
    { "a.csv", "csv" }, { "a.log", "candump" }, { "a.log.gz", "candump" },
    { "a.db", "sqlite" }, { "a.txt", "printer" }, { "noext", "printer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (canopy_log_writer_get_format (writer), ==, cases[i].format);
      g_assert_cmpstr (canopy_log_writer_get_path (writer), ==, path);
      g_assert_true (canopy_log_writer_close (writer, &error));
      g_assert_no_error (error);

      /* Every format we write opens again by its name, empty or not. */
      if (strcmp (cases[i].format, "printer") != 0)
        {
          g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &error);
          CanopyMessage msg;

          g_assert_no_error (error);
          g_assert_cmpstr (canopy_log_reader_get_format (reader), ==, cases[i].format);
          g_assert_false (canopy_log_reader_next (reader, &msg, &error));
          g_assert_no_error (error);
        }
      g_unlink (path);
    }

  /* Compression only for text formats */
  {
    g_autofree char *path = g_build_filename (dir, "a.blf.gz", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);

    g_assert_null (writer);
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  }

  /* Unknown content under an unknown name */
  {
    g_autofree char *path = g_build_filename (dir, "mystery.bin", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(CanopyLogReader) reader = NULL;

    g_assert_true (g_file_set_contents (path, "hello\n", -1, NULL));
    reader = canopy_log_reader_new_for_file (path, &error);
    g_assert_null (reader);
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
    g_unlink (path);
  }

  /* A missing file is an I/O error naming it */
  {
    g_autofree char *path = g_build_filename (dir, "missing.asc", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &error);

    g_assert_null (reader);
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "missing.asc"));
  }

  test_rmdir (dir);
}

static void
test_writer_listener (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "listener.log", NULL);
  g_autoptr(GArray) frames = test_make_frames (100, TRUE, TRUE);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);
  CanopyMessage msg = { 0 };
  guint64 written = 0;

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_LISTENER (writer));

  for (guint i = 0; i < frames->len; i++)
    canopy_listener_on_message_received (CANOPY_LISTENER (writer),
                                        &g_array_index (frames, CanopyMessage, i));
  g_object_get (writer, "written", &written, NULL);
  g_assert_cmpuint (written, ==, frames->len);

  /* stop() closes; closing again is harmless; writing afterwards fails. */
  canopy_listener_stop (CANOPY_LISTENER (writer));
  g_assert_true (canopy_log_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_false (canopy_log_writer_write (writer, &msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_clear_error (&error);
  canopy_listener_on_message_received (CANOPY_LISTENER (writer), &msg);
  g_assert_cmpuint (canopy_log_writer_get_written (writer), ==, frames->len);
  g_assert_null (canopy_log_writer_dup_error (writer));

  got = test_read_frames (path, &error);
  g_assert_no_error (error);
  test_assert_frames (frames, got, caps_for ("candump"), 1000, "listener");

  g_unlink (path);
  test_rmdir (dir);
}

static void
test_writer_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  GError *kept;
  CanopyMessage msg = { 0 };

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full");
      return;
    }

  /* A full disk: the listener cannot report it, dup_error() keeps it. */
  writer = CANOPY_LOG_WRITER (canopy_candump_writer_new ("/dev/full", &error));
  g_assert_no_error (error);
  msg.dlc = 8;
  for (guint i = 0; i < 100000; i++)
    canopy_listener_on_message_received (CANOPY_LISTENER (writer), &msg);
  canopy_listener_stop (CANOPY_LISTENER (writer));
  kept = canopy_log_writer_dup_error (writer);
  g_assert_error (kept, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_error_free (kept);
  g_assert_cmpuint (canopy_log_writer_get_written (writer), <, 100000);
}

static void
test_printer_fallback (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "frames.txt", NULL);
  g_autoptr(GArray) frames = test_make_frames (10, FALSE, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 11);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *want = canopy_message_to_string (&g_array_index (frames, CanopyMessage, i));
      g_assert_cmpstr (lines[i], ==, want);
    }

  g_unlink (path);
  test_rmdir (dir);
}

static void
test_roundtrip (gconstpointer data)
{
  const FormatCaps *caps = data;
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (5000, TRUE, TRUE);

  for (guint gz = 0; gz < 2; gz++)
    {
      g_autofree char *name = g_strconcat ("roundtrip", caps->ext, gz ? ".gz" : "", NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GArray) got = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyLogReader) reader = NULL;
      CanopyMessage msg;

      if (gz && strcmp (caps->name, "sqlite") == 0)
        continue;

      g_assert_true (test_write_frames (path, frames, &error));
      g_assert_no_error (error);
      got = test_read_frames (path, &error);
      g_assert_no_error (error);
      test_assert_frames (frames, got, caps, caps->ts_tolerance_ns, name);

      /* Progress reaches the whole file; the heap variant works too. */
      reader = canopy_log_reader_new_for_file (path, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (canopy_log_reader_get_fraction (reader), <, 1.0);
      for (guint i = 0; i < 10; i++)
        {
          g_autoptr(CanopyMessage) heap = canopy_log_reader_read (reader, &error);
          g_assert_no_error (error);
          g_assert_nonnull (heap);
        }
      while (canopy_log_reader_next (reader, &msg, &error))
        ;
      g_assert_no_error (error);
      g_assert_cmpfloat (canopy_log_reader_get_fraction (reader), ==, 1.0);
      g_assert_cmpuint (canopy_log_reader_get_bytes_read (reader), ==,
                        canopy_log_reader_get_bytes_total (reader));
      /* The end stays the end. */
      g_assert_false (canopy_log_reader_next (reader, &msg, &error));
      g_assert_no_error (error);

      g_unlink (path);
    }

  test_rmdir (dir);
}

/* Every file we write reads back in python-can 4.1 with equal frames. */
static void
test_python_reads_ours (gconstpointer data)
{
  if (canopy_test_python3 () == NULL)
    return;

  const FormatCaps *caps = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/ours", caps->ext, NULL);
  g_autoptr(GArray) frames = test_make_frames (2000, TRUE, TRUE);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  FormatCaps py_caps = *caps;

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);

  got = test_python_dump (path, &err);
  g_assert_null (err);

  /* python-can does not keep the channel of candump error frames, and
   * reads 0x20000080 as "error frame" without details. */
  if (strcmp (caps->name, "candump") == 0)
    {
      for (guint i = 0; i < frames->len; i++)
        if (g_array_index (frames, CanopyMessage, i).flags & CANOPY_MESSAGE_ERROR)
          g_array_index (got, CanopyMessage, i).channel = 0;
    }

  /* A double holds a 2023 timestamp to about 0.25 µs. */
  test_assert_frames (frames, got, &py_caps, MAX (caps->ts_tolerance_ns, 1000), path);

  g_unlink (path);
  test_rmdir (dir);
}

/* Every file python-can 4.1 writes reads back in Canopy; where python-can
 * writes faithfully, with the frames it was given. */
static void
test_python_writes (gconstpointer data)
{
  if (canopy_test_python3 () == NULL)
    return;

  const FormatCaps *caps = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/python", caps->ext, NULL);
  g_autoptr(GArray) frames = test_make_frames (300, FALSE, FALSE);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GArray) py = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  FormatCaps lax = *caps;

  g_assert_true (test_python_write (path, frames, &error));
  g_assert_no_error (error);

  got = test_read_frames (path, &error);
  g_assert_no_error (error);

  /* Canopy reads what python-can reads back from its own file … */
  py = test_python_dump (path, &err);
  g_assert_null (err);
  lax.fd_flags = FALSE;
  test_assert_frames (py, got, &lax, 1000, path);

  /* … and that is what was written, for the faithful writers. python-can
   * 4.1's ASC trigger-block date drops the sub-millisecond part of the
   * first timestamp. */
  if (strcmp (caps->name, "candump") == 0)
    {
      /* python-can 4.1 writes remote frames as a bare "R", without DLC. */
      for (guint i = 0; i < frames->len; i++)
        if (g_array_index (frames, CanopyMessage, i).flags & CANOPY_MESSAGE_REMOTE)
          g_array_index (frames, CanopyMessage, i).dlc = 0;
    }
  if (caps->python_writes)
    test_assert_frames (frames, got, caps,
                        strcmp (caps->name, "asc") == 0 ? 1000000 : MAX (caps->ts_tolerance_ns, 1000),
                        path);

  g_unlink (path);
  test_rmdir (dir);
}

/* python-can 4.1 quirks on the shared test files, where Canopy reads more
 * faithfully: see the format notes. */
static gboolean
python_quirk_match (const char          *file,
                    const CanopyMessage *py,
                    const CanopyMessage *ours,
                    char               **why)
{
  static const FormatCaps all = { "all", "", 0, TRUE, TRUE, TRUE, TRUE, FALSE };
  FormatCaps caps = all;
  CanopyMessage want = *py;

  /* python-can's error frames are "extended" by default and have no
   * details in ASC. */
  if (py->flags & CANOPY_MESSAGE_ERROR)
    caps.error_details = FALSE;

  /* Remote frames in CANFD syntax: python-can marks them FD (with the ESI
   * column), Canopy reads the RTR flag of the line as a classic remote
   * frame. */
  if (py->flags & CANOPY_MESSAGE_REMOTE)
    caps.fd_flags = FALSE;

  /* A classic DLC above 8 (issue 1299 'D', single_frame.asc '40'):
   * python-can 4.1 keeps 8 data bytes and reports dlc2len(code). */
  if (!(py->flags & (CANOPY_MESSAGE_FD | CANOPY_MESSAGE_REMOTE)) && py->dlc > 8)
    {
      if (ours->dlc < 8 || memcmp (py->data, ours->data, 8) != 0)
        {
          *why = g_strdup ("data of a long classic frame differ");
          return FALSE;
        }
      want.dlc = ours->dlc;
      memcpy (want.data, ours->data, sizeof want.data);
    }

  /* python-can parses the text as a double. */
  return test_frames_match (&want, ours, &caps, 1000, why);
}

static void
test_python_testdata (void)
{
  if (canopy_test_python3 () == NULL)
    return;

  const char *testdata = g_getenv ("CANOPY_TESTDATA");
  g_autofree char *dirname = g_build_filename (testdata ? testdata : ".", "python-can", NULL);
  g_autoptr(GDir) dir = g_dir_open (dirname, 0, NULL);
  const char *name;
  guint checked = 0;

  if (dir == NULL)
    {
      g_test_skip ("no shared test data");
      return;
    }

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (dirname, name, NULL);
      g_autoptr(GArray) ours = NULL;
      g_autoptr(GArray) py = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *py_error = NULL;
      g_autoptr(CanopyLogReader) reader = NULL;

      /* BLF belongs to the BLF tests. */
      if (!g_str_has_suffix (name, ".asc") && !g_str_has_suffix (name, ".asc.gz") &&
          !g_str_has_suffix (name, ".trc") && !g_str_has_suffix (name, ".log") &&
          !g_str_has_suffix (name, ".csv"))
        continue;

      reader = canopy_log_reader_new_for_file (path, &error);
      if (reader == NULL && g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED))
        {
          g_test_message ("%s: %s", name, error->message);
          continue;
        }
      g_clear_object (&reader);
      g_clear_error (&error);

      ours = test_read_frames (path, &error);
      g_assert_no_error (error);
      py = test_python_dump (path, &py_error);

      if (g_str_has_suffix (name, ".trc"))
        {
          /* python-can 4.1 reads only DT rows (and Rx/Tx in 1.x), ignores
           * $STARTTIME, and reports the 1-based bus as channel. */
          g_autoptr(GArray) kept = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
          gint64 shift = 0;

          for (guint i = 0; i < ours->len; i++)
            {
              CanopyMessage m = g_array_index (ours, CanopyMessage, i);

              if (!(m.flags & (CANOPY_MESSAGE_REMOTE | CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_FD)))
                g_array_append_val (kept, m);
            }
          if (kept->len > 0 && py->len > 0)
            shift = g_array_index (py, CanopyMessage, 0).timestamp_ns -
                    g_array_index (kept, CanopyMessage, 0).timestamp_ns;
          for (guint i = 0; i < kept->len; i++)
            g_array_index (kept, CanopyMessage, i).timestamp_ns += shift;
          for (guint i = 0; i < py->len; i++)
            g_array_index (py, CanopyMessage, i).channel -= 1;
          g_array_unref (ours);
          ours = g_steal_pointer (&kept);
        }

      if (py_error != NULL)
        {
          /* python-can 4.1 cannot read it (TRC 1.3/2.0, RTR rows): Canopy
           * still must, with at least the frames python-can got before it
           * gave up. */
          g_test_message ("%s: python-can 4.1 fails: %s", name, py_error);
          g_assert_cmpuint (ours->len, >=, py->len);
        }
      else
        {
          g_assert_cmpuint (ours->len, ==, py->len);
        }

      for (guint i = 0; i < MIN (ours->len, py->len); i++)
        {
          const CanopyMessage *a = &g_array_index (py, CanopyMessage, i);
          const CanopyMessage *b = &g_array_index (ours, CanopyMessage, i);
          g_autofree char *why = NULL;

          if (!python_quirk_match (name, a, b, &why))
            {
              g_autofree char *sa = test_frame_to_string (a);
              g_autofree char *sb = test_frame_to_string (b);

              g_error ("%s: frame %u: %s\n  python-can %s\n  canopy     %s", name, i, why, sa, sb);
            }
        }

      g_assert_cmpuint (ours->len, >, 0);
      checked++;
    }

  g_assert_cmpuint (checked, >=, 19);
}

/* One PEAK trace converted to every TRC version reads the same. */
static void
test_trc_versions (void)
{
  const char *testdata = g_getenv ("CANOPY_TESTDATA");
  const char *names[] = {
    "test_CanMessage_V1_1.trc", "test_CanMessage_V1_3.trc",
    "test_CanMessage_V2_0_BUS1.trc", "test_CanMessage_V1_0_BUS1.trc",
  };
  static const FormatCaps caps = { "trc", "", 0, TRUE, TRUE, TRUE, TRUE, FALSE };
  static const FormatCaps caps_1_0 = { "trc", "", 0, TRUE, FALSE, TRUE, TRUE, FALSE };
  g_autofree char *ref_path = NULL;
  g_autoptr(GArray) ref = NULL;
  g_autoptr(GError) error = NULL;

  if (testdata == NULL)
    {
      g_test_skip ("no shared test data");
      return;
    }

  ref_path = g_build_filename (testdata, "python-can", "test_CanMessage_V2_1.trc", NULL);
  ref = test_read_frames (ref_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ref->len, ==, 11);
  /* row 12 of the 2.1 file is an RR (remote) row */
  g_assert_true (g_array_index (ref, CanopyMessage, 10).flags & CANOPY_MESSAGE_REMOTE);
  g_assert_cmpuint (g_array_index (ref, CanopyMessage, 10).arbitration_id, ==, 0x704);
  g_assert_cmpuint (g_array_index (ref, CanopyMessage, 10).dlc, ==, 1);
  /* $STARTTIME 44548.6028595139 = 2021-12-18 14:28:07.062 UTC, + 17535.4 ms */
  g_assert_cmpint (g_array_index (ref, CanopyMessage, 0).timestamp_ns / 1000000, ==,
                   G_GINT64_CONSTANT (1639837704597));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (testdata, "python-can", names[i], NULL);
      g_autoptr(GArray) got = test_read_frames (path, &error);

      g_assert_no_error (error);
      if (g_str_has_suffix (names[i], "V1_0_BUS1.trc"))
        {
          /* No $STARTTIME and whole milliseconds: compare the offsets. */
          gint64 shift = g_array_index (ref, CanopyMessage, 0).timestamp_ns -
                         g_array_index (got, CanopyMessage, 0).timestamp_ns;

          for (guint j = 0; j < got->len; j++)
            g_array_index (got, CanopyMessage, j).timestamp_ns += shift;
          test_assert_frames (ref, got, &caps_1_0, 1000000, names[i]);
        }
      else
        test_assert_frames (ref, got, &caps, 1000, names[i]);
    }
}

/* python-can 4.1 writes TRC 2.1 (data frames only, 7-digit extended ids,
 * a wrong $STARTTIME): Canopy reads the frames and their offsets. */
static void
test_trc_python_writes (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "python.trc", NULL);
  g_autoptr(GArray) all = test_make_frames (300, FALSE, FALSE);
  g_autoptr(GArray) frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  static const FormatCaps caps = { "trc", "", 0, TRUE, TRUE, FALSE, FALSE, FALSE };
  gint64 shift;

  if (canopy_test_python3 () == NULL)
    return;

  for (guint i = 0; i < all->len; i++)
    if (!(g_array_index (all, CanopyMessage, i).flags & CANOPY_MESSAGE_REMOTE))
      g_array_append_val (frames, g_array_index (all, CanopyMessage, i));

  g_assert_true (test_python_write (path, frames, &error));
  g_assert_no_error (error);
  got = test_read_frames (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, frames->len);

  shift = g_array_index (frames, CanopyMessage, 0).timestamp_ns -
          g_array_index (got, CanopyMessage, 0).timestamp_ns;
  for (guint i = 0; i < got->len; i++)
    g_array_index (got, CanopyMessage, i).timestamp_ns += shift;
  test_assert_frames (frames, got, &caps, 2000, path);

  g_unlink (path);
  test_rmdir (dir);
}

/* What CANoe writes besides python-can's subset: decimal bases, relative
 * timestamps, German dates, status lines, markers. */
static void
test_asc_variants (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "variants.asc", NULL);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = g_date_time_new_local (2004, 12, 21, 11, 29, 1);
  gint64 base = g_date_time_to_unix (start) * G_GINT64_CONSTANT (1000000000);
  const CanopyMessage *m;

  g_assert_true (g_file_set_contents (path,
    "date Die Dez 21 11:29:01 2004\r\n"
    "base dec  timestamps relative\r\n"
    "no internal events logged\r\n"
    "// version 7.0.0\r\n"
    "Begin Triggerblock Die Dez 21 11:29:01 2004\r\n"
    "   0.000000 Start der Messung\r\n"
    "   1.000000 1  291             Rx   d 2 1 255\r\n"
    "   0.500000 2  256x            TxRq d 1 16  Length = 0 BitCount = 0 ID = 256x\r\n"
    "   0.250000 CAN 1 Status:chip status error active\r\n"
    "   0.250000 1  ErrorFrame\tECC: 10100010\r\n"
    "   0.000010 1  Statistic: D 0 R 0 XD 0 XR 0 E 0 O 0 B 0.00%\r\n"
    "   0.000010 1  300             Rx   r 4\r\n"
    "   0.000000 CANFD   Start of measurement\r\n"
    "   0.000000 CANFD 1 257 Tx 1 0 d 8 8 241 242 243 244 245 246 247 248  Length = 209000 BitCount = 128 ID = 257\r\n"
    "End TriggerBlock\r\n", -1, NULL));

  got = test_read_frames (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 5);

  /* the old CANFD layout (id before direction) */
  m = &g_array_index (got, CanopyMessage, 4);
  g_assert_cmpint (m->timestamp_ns, ==, base + 2000020000);
  g_assert_cmpuint (m->arbitration_id, ==, 257);
  g_assert_cmpuint (m->flags, ==, CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS | CANOPY_MESSAGE_TX);
  g_assert_cmpuint (m->dlc, ==, 8);
  g_assert_cmpuint (m->data[7], ==, 248);

  m = &g_array_index (got, CanopyMessage, 0);
  g_assert_cmpint (m->timestamp_ns, ==, base + 1000000000);
  g_assert_cmpuint (m->arbitration_id, ==, 0x123);
  g_assert_cmpuint (m->dlc, ==, 2);
  g_assert_cmpuint (m->data[1], ==, 255);
  g_assert_cmpint (m->channel, ==, 0);

  m = &g_array_index (got, CanopyMessage, 1);
  g_assert_cmpint (m->timestamp_ns, ==, base + 1500000000);
  g_assert_cmpuint (m->arbitration_id, ==, 256);
  g_assert_true (m->flags & CANOPY_MESSAGE_EXTENDED);
  g_assert_true (m->flags & CANOPY_MESSAGE_TX);
  g_assert_cmpint (m->channel, ==, 1);

  m = &g_array_index (got, CanopyMessage, 2);
  g_assert_cmpint (m->timestamp_ns, ==, base + 2000000000);
  g_assert_true (m->flags & CANOPY_MESSAGE_ERROR);

  m = &g_array_index (got, CanopyMessage, 3);
  g_assert_cmpint (m->timestamp_ns, ==, base + 2000020000);
  g_assert_true (m->flags & CANOPY_MESSAGE_REMOTE);
  g_assert_cmpuint (m->dlc, ==, 4);

  /* Markers are lines readers skip; the frames around them stay. */
  {
    g_autofree char *marked = g_build_filename (dir, "marked.asc", NULL);
    g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (marked, &error);
    g_autoptr(GArray) back = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GArray) py = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < got->len; i++)
      {
        g_assert_true (canopy_log_writer_write (writer, &g_array_index (got, CanopyMessage, i), &error));
        g_assert_true (canopy_log_writer_log_event (writer, "marker\nwith 1 2 Rx d 8 lines", -1, &error));
        g_assert_true (canopy_log_writer_log_event (writer, "1 123 Rx d 1 00", -1, &error));
        g_assert_true (canopy_log_writer_log_event (writer, "CANFD 1 Rx 123 1 0 8 8 1 2 3 4 5 6 7 8", -1, &error));
      }
    g_assert_true (canopy_log_writer_close (writer, &error));
    g_assert_no_error (error);
    back = test_read_frames (marked, &error);
    g_assert_no_error (error);
    test_assert_frames (got, back, caps_for ("asc"), 1000, marked);
    if (canopy_test_have_python3 ())
      {
        py = test_python_dump (marked, &err);
        g_assert_null (err);
        /* python-can 4.1 writes and reads all five */
        g_assert_cmpuint (py->len, ==, got->len);
      }
    g_unlink (marked);
  }

  g_unlink (path);
  test_rmdir (dir);
}

static gsize
find_line_start (const char *text,
                 gsize       len,
                 guint       line)
{
  gsize pos = 0;

  for (guint l = 1; l < line && pos < len; l++)
    {
      const char *nl = memchr (text + pos, '\n', len - pos);

      if (nl == NULL)
        return len;
      pos = nl - text + 1;
    }

  return pos;
}

/* A damaged line is skipped, counted and named on the reader's report,
 * and every other frame, before and after it, is delivered; a cut file
 * never crashes and yields a prefix. */
static void
test_corrupt (gconstpointer data)
{
  const FormatCaps *caps = data;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_strconcat (dir, "/good", caps->ext, NULL);
  g_autofree char *bad = g_strconcat (dir, "/bad", caps->ext, NULL);
  g_autoptr(GArray) frames = test_make_frames (200, TRUE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  guint header_lines = 0;

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  if (strcmp (caps->name, "asc") == 0)
    header_lines = 6;
  else if (strcmp (caps->name, "csv") == 0)
    header_lines = 1;

  /* A damaged frame line in the middle */
  {
    guint bad_frame = 120;
    guint line = header_lines + bad_frame + 1;
    gsize start = find_line_start (contents, len, line);
    const char *garbage;
    g_autoptr(GString) s = g_string_new_len (contents, start);
    g_autoptr(CanopyLogReader) reader = NULL;
    g_autofree char *where = g_strdup_printf ("line %u", line);
    CanopyMessage msg;
    guint n = 0;

    if (strcmp (caps->name, "asc") == 0)
      garbage = "   1.000000 1  12G             Rx   d 8 00 11 22 33 44 55 66 77\n";
    else if (strcmp (caps->name, "csv") == 0)
      garbage = "1.5,0x1zz,0,0,0,1,AA==\n";
    else
      garbage = "(1700000000.000000) can0 12#ZZ R\n";

    g_string_append (s, garbage);
    g_string_append (s, contents + find_line_start (contents, len, line + 1));
    g_assert_true (g_file_set_contents (bad, s->str, s->len, NULL));

    reader = canopy_log_reader_new_for_file (bad, &error);
    g_assert_no_error (error);
    while (canopy_log_reader_next (reader, &msg, &error))
      {
        g_autofree char *why = NULL;
        guint expected = n < bad_frame ? n : n + 1;

        g_assert_cmpuint (expected, <, frames->len);
        g_assert_true (test_frames_match (&g_array_index (frames, CanopyMessage, expected), &msg,
                                          caps, caps->ts_tolerance_ns, &why));
        n++;
      }
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, frames->len - 1);
    g_assert_cmpuint (canopy_log_reader_get_n_skipped (reader), ==, 1);
    g_assert_nonnull (canopy_log_reader_get_skip_reasons (reader)[0]);
    g_assert_true (g_str_has_prefix (canopy_log_reader_get_skip_reasons (reader)[0], where));
    g_assert_null (canopy_log_reader_get_skip_reasons (reader)[1]);
  }

  /* Cut anywhere: a prefix of the frames, maybe a damaged last one, and
   * never more than were written. */
  for (gsize cut = 0; cut < len; cut += 1 + len / 97)
    {
      g_autoptr(CanopyLogReader) reader = NULL;
      CanopyMessage msg;
      guint n = 0;

      g_assert_true (g_file_set_contents (bad, contents, cut, NULL));
      reader = canopy_log_reader_new_for_file (bad, &error);
      g_assert_no_error (error);
      while (canopy_log_reader_next (reader, &msg, &error))
        n++;
      g_clear_error (&error);
      g_assert_cmpuint (n, <=, frames->len);
    }

  g_unlink (bad);
  g_unlink (path);
  test_rmdir (dir);
}

static void
test_gzip_damage (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "frames.log.gz", NULL);
  g_autoptr(GArray) frames = test_make_frames (20000, TRUE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  CanopyMessage msg;

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  /* Truncated: the frames before the cut, then TRUNCATED. */
  {
    g_autoptr(CanopyLogReader) reader = NULL;
    guint n = 0;

    g_assert_true (g_file_set_contents (path, contents, len / 2, NULL));
    reader = canopy_log_reader_new_for_file (path, &error);
    g_assert_no_error (error);
    while (canopy_log_reader_next (reader, &msg, &error))
      n++;
    g_assert_nonnull (error);
    g_assert_true (error->domain == CANOPY_ERROR);
    g_assert_cmpuint (n, >, 1000);
    g_assert_cmpuint (n, <, frames->len);
    g_clear_error (&error);
  }

  /* Corrupt in the middle: an error naming a byte, no crash. */
  {
    g_autoptr(CanopyLogReader) reader = NULL;

    for (gsize i = len / 2; i < len / 2 + 64; i++)
      contents[i] ^= 0x5a;
    g_assert_true (g_file_set_contents (path, contents, len, NULL));
    reader = canopy_log_reader_new_for_file (path, &error);
    g_assert_no_error (error);
    while (canopy_log_reader_next (reader, &msg, &error))
      ;
    g_assert_nonnull (error);
    g_assert_true (error->domain == CANOPY_ERROR);
    g_clear_error (&error);
  }

  g_unlink (path);
  test_rmdir (dir);
}

/* python-can 4.1 kept 501 of 20,000 frames when stopped right after
 * writing; every frame handed over before stop() must be in the file. */
static void
test_sqlite_stop_writes_all (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "stop.db", NULL);
  g_autoptr(GArray) frames = test_make_frames (20000, TRUE, TRUE);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < frames->len; i++)
    canopy_listener_on_message_received (CANOPY_LISTENER (writer),
                                        &g_array_index (frames, CanopyMessage, i));
  canopy_listener_stop (CANOPY_LISTENER (writer));
  g_assert_null (canopy_log_writer_dup_error (writer));

  got = test_read_frames (path, &error);
  g_assert_no_error (error);
  test_assert_frames (frames, got, caps_for ("sqlite"), 1000, path);

  /* Appending to python-can's table, as python-can does */
  {
    g_autoptr(CanopyLogWriter) again = canopy_log_writer_new_for_file (path, &error);
    g_autoptr(GArray) all = NULL;

    g_assert_no_error (error);
    g_assert_true (canopy_log_writer_write (again, &g_array_index (frames, CanopyMessage, 0), &error));
    g_assert_true (canopy_log_writer_close (again, &error));
    all = test_read_frames (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, frames->len + 1);
  }

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  test_rmdir (dir);
}

/* While logging, the frames become visible to readers once the bus is
 * quiet (GET_MESSAGE_TIMEOUT), without closing: WAL mode. */
static void
test_sqlite_live (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "live.db", NULL);
  g_autoptr(GArray) frames = test_make_frames (100, TRUE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, &error);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  guint seen = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < frames->len; i++)
    g_assert_true (canopy_log_writer_write (writer, &g_array_index (frames, CanopyMessage, i), &error));

  /* Not a timing assertion: wait (up to a minute) until they show. */
  for (guint tries = 0; tries < 600 && seen < frames->len; tries++)
    {
      g_autoptr(GArray) got = test_read_frames (path, &error);

      g_assert_no_error (error);
      seen = got->len;
      if (seen < frames->len)
        g_usleep (G_USEC_PER_SEC / 10);
    }
  g_assert_cmpuint (seen, ==, frames->len);

  g_assert_true (canopy_log_writer_close (writer, &error));
  g_assert_no_error (error);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  test_rmdir (dir);
}

static void
test_sqlite_corrupt (void)
{
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "good.db", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.db", NULL);
  g_autoptr(GArray) frames = test_make_frames (3000, TRUE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (test_write_frames (path, frames, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  for (guint round = 0; round < 40; round++)
    {
      g_autofree char *copy = g_memdup2 (contents, len);
      g_autoptr(CanopyLogReader) reader = NULL;
      gsize cut = len;
      CanopyMessage msg;
      guint n = 0;

      if (round % 2)
        cut = len * round / 41;
      else
        for (guint i = 0; i < 16; i++)
          copy[g_test_rand_int_range (100, len)] ^= 1 << g_test_rand_int_range (0, 8);

      g_assert_true (g_file_set_contents (bad, copy, cut, NULL));
      reader = canopy_log_reader_new_for_file (bad, &error);
      if (reader == NULL)
        {
          g_assert_true (error->domain == CANOPY_ERROR);
          g_clear_error (&error);
          continue;
        }
      while (canopy_log_reader_next (reader, &msg, &error))
        n++;
      g_assert_true (error == NULL || error->domain == CANOPY_ERROR);
      g_clear_error (&error);
      g_assert_cmpuint (n, <=, frames->len + 16);
    }

  g_unlink (bad);
  g_unlink (path);
  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/registry", test_registry);
  g_test_add_func ("/formats/writer/listener", test_writer_listener);
  g_test_add_func ("/formats/writer/error", test_writer_error);
  g_test_add_func ("/formats/printer/fallback", test_printer_fallback);
  g_test_add_func ("/formats/gzip/damage", test_gzip_damage);
  g_test_add_func ("/formats/python-can/testdata", test_python_testdata);
  g_test_add_func ("/formats/trc/versions", test_trc_versions);
  g_test_add_func ("/formats/asc/variants", test_asc_variants);
  g_test_add_func ("/formats/trc/python-can-writes", test_trc_python_writes);
  g_test_add_func ("/formats/sqlite/stop-writes-all", test_sqlite_stop_writes_all);
  g_test_add_func ("/formats/sqlite/corrupt", test_sqlite_corrupt);
  g_test_add_func ("/formats/sqlite/live", test_sqlite_live);

  for (guint i = 0; i < n_test_formats; i++)
    {
      const FormatCaps *caps = &test_formats[i];
      g_autofree char *roundtrip = g_strdup_printf ("/formats/%s/roundtrip", caps->name);
      g_autofree char *corrupt = g_strdup_printf ("/formats/%s/corrupt", caps->name);
      g_autofree char *py_reads = g_strdup_printf ("/formats/%s/python-can-reads-ours", caps->name);
      g_autofree char *py_writes = g_strdup_printf ("/formats/%s/python-can-writes", caps->name);

      g_test_add_data_func (roundtrip, caps, test_roundtrip);
      g_test_add_data_func (py_reads, caps, test_python_reads_ours);
      g_test_add_data_func (py_writes, caps, test_python_writes);
      if (strcmp (caps->name, "sqlite") != 0)
        g_test_add_data_func (corrupt, caps, test_corrupt);
    }

  return g_test_run ();
}
