/* test-crlf.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Text logs with Windows line ends (CRLF), as CANalyzer, PCAN-View and
 * editors on Windows write them, read exactly like the same logs with LF:
 * same frames, same fields, same damage reports. Runs in the Linux and the
 * Windows (wine) builds alike.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "formats-test-common.h"

/* Every \n becomes \r\n (a CR already before it is kept, not doubled). */
static GBytes *
to_crlf (const char *text,
         gsize       len)
{
  GByteArray *out = g_byte_array_sized_new (len + len / 16 + 16);

  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
        g_byte_array_append (out, (const guint8 *) "\r", 1);
      g_byte_array_append (out, (const guint8 *) &text[i], 1);
    }
  return g_byte_array_free_to_bytes (out);
}

/* Every \r\n becomes \n. */
static GBytes *
to_lf (const char *text,
       gsize       len)
{
  GByteArray *out = g_byte_array_sized_new (len);

  for (gsize i = 0; i < len; i++)
    if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
      g_byte_array_append (out, (const guint8 *) &text[i], 1);
  return g_byte_array_free_to_bytes (out);
}

typedef struct
{
  GArray *frames;
  GError *error;
} ReadResult;

static void
read_result_clear (ReadResult *r)
{
  g_clear_pointer (&r->frames, g_array_unref);
  g_clear_error (&r->error);
}

/* Everything the reader gives, including a final error. */
static void
read_all (const char *path,
          ReadResult *r)
{
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &r->error);
  CanopyMessage msg;

  r->frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  if (reader == NULL)
    return;
  while (canopy_log_reader_next (reader, &msg, &r->error))
    g_array_append_val (r->frames, msg);
}

static void
assert_same_frames (GArray     *a,
                    GArray     *b,
                    const char *context)
{
  if (a->len != b->len)
    g_error ("%s: %u frames with LF, %u with CRLF", context, a->len, b->len);

  for (guint i = 0; i < a->len; i++)
    {
      const CanopyMessage *x = &g_array_index (a, CanopyMessage, i);
      const CanopyMessage *y = &g_array_index (b, CanopyMessage, i);
      guint len = (x->flags & CANOPY_MESSAGE_REMOTE) ? 0 : MIN (x->dlc, 64);

      if (x->timestamp_ns != y->timestamp_ns ||
          x->arbitration_id != y->arbitration_id ||
          x->flags != y->flags ||
          x->dlc != y->dlc ||
          x->channel != y->channel ||
          memcmp (x->data, y->data, len) != 0)
        {
          g_autofree char *sx = test_frame_to_string (x);
          g_autofree char *sy = test_frame_to_string (y);

          g_error ("%s: frame %u differs:\n  LF   %s\n  CRLF %s", context, i, sx, sy);
        }
    }
}

/* Reads @text as written, and with the other line ends, and compares. */
static guint
check_both_line_ends (const char *dir,
                      const char *name,
                      const char *text,
                      gsize       len)
{
  g_autoptr(GBytes) lf = to_lf (text, len);
  g_autoptr(GBytes) crlf = to_crlf (g_bytes_get_data (lf, NULL), g_bytes_get_size (lf));
  g_autofree char *lf_path = g_build_filename (dir, name, NULL);
  g_autofree char *crlf_dir = g_build_filename (dir, "crlf", NULL);
  g_autofree char *crlf_path = g_build_filename (crlf_dir, name, NULL);
  ReadResult a = { 0 }, b = { 0 };
  guint n;

  g_assert_cmpint (g_mkdir_with_parents (crlf_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (lf_path, g_bytes_get_data (lf, NULL), g_bytes_get_size (lf), NULL));
  g_assert_true (g_file_set_contents (crlf_path, g_bytes_get_data (crlf, NULL), g_bytes_get_size (crlf), NULL));

  read_all (lf_path, &a);
  read_all (crlf_path, &b);

  assert_same_frames (a.frames, b.frames, name);
  /* The same damage, at the same line, whatever the line ends. */
  g_assert_cmpint (a.error != NULL, ==, b.error != NULL);
  if (a.error != NULL)
    {
      g_assert_cmpuint (a.error->domain, ==, b.error->domain);
      g_assert_cmpint (a.error->code, ==, b.error->code);
      if (strstr (a.error->message, "line") != NULL)
        {
          /* "line N" names the same line; a byte offset may differ. */
          const char *la = strstr (a.error->message, "line ");
          const char *lb = strstr (b.error->message, "line ");

          g_assert_nonnull (lb);
          g_assert_cmpint (strtol (la + 5, NULL, 10), ==, strtol (lb + 5, NULL, 10));
        }
    }

  n = a.frames->len;
  g_unlink (lf_path);
  g_unlink (crlf_path);
  g_rmdir (crlf_dir);
  read_result_clear (&a);
  read_result_clear (&b);
  return n;
}

/* What our text writers write, with CRLF. */
static void
test_crlf_written (void)
{
  const char *exts[] = { ".asc", ".csv", ".log" };
  g_autofree char *dir = test_tmpdir ();
  g_autoptr(GArray) frames = test_make_frames (500, TRUE, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = g_strconcat ("written", exts[i], NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;

      g_assert_true (test_write_frames (path, frames, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &text, &len, &error));
      g_unlink (path);

      g_assert_cmpuint (check_both_line_ends (dir, name, text, len), ==, 500);
    }

  test_rmdir (dir);
}

/* The interop files of ../shared/testdata (Vector, PEAK, python-can). */
static void
test_crlf_testdata (void)
{
  const char *testdata = g_getenv ("CANOPY_TESTDATA");
  g_autofree char *src = g_build_filename (testdata ? testdata : ".", "python-can", NULL);
  g_autoptr(GDir) gdir = g_dir_open (src, 0, NULL);
  g_autofree char *dir = NULL;
  const char *name;
  guint files = 0;

  if (gdir == NULL)
    {
      g_test_skip ("no shared test data (CANOPY_TESTDATA)");
      return;
    }

  dir = test_tmpdir ();
  while ((name = g_dir_read_name (gdir)))
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      gsize len;
      guint n;

      if (!g_str_has_suffix (name, ".asc") && !g_str_has_suffix (name, ".trc") &&
          !g_str_has_suffix (name, ".csv") && !g_str_has_suffix (name, ".log"))
        continue;

      path = g_build_filename (src, name, NULL);
      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      n = check_both_line_ends (dir, name, text, len);
      g_test_message ("%s: %u frames with either line end", name, n);
      files++;
    }

  g_assert_cmpuint (files, >=, 10);
  test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/formats/crlf/written", test_crlf_written);
  g_test_add_func ("/formats/crlf/testdata", test_crlf_testdata);

  return g_test_run ();
}
