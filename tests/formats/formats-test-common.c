/* formats-test-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "formats-test-common.h"

const FormatCaps test_formats[] = {
  { "asc",     ".asc",    1000, TRUE,  TRUE,  TRUE,  FALSE, TRUE },
  { "csv",     ".csv",    1,    FALSE, FALSE, FALSE, TRUE,  TRUE },
  { "candump", ".log",    1000, TRUE,  TRUE,  TRUE,  FALSE, TRUE },
  { "sqlite",  ".db",     1000, FALSE, FALSE, FALSE, TRUE,  FALSE },
};
const guint n_test_formats = G_N_ELEMENTS (test_formats);

GArray *
test_make_frames (guint    n,
                  gboolean with_fd,
                  gboolean with_errors)
{
  static const guint8 fd_lengths[] = { 0, 1, 8, 12, 16, 20, 24, 32, 48, 64 };
  GArray *frames = g_array_sized_new (FALSE, TRUE, sizeof (CanopyMessage), n);
  GRand *rand = g_rand_new_with_seed (4711);
  gint64 ts = G_GINT64_CONSTANT (1700000000123456000);

  for (guint i = 0; i < n; i++)
    {
      CanopyMessage msg = { 0 };
      guint kind = g_rand_int_range (rand, 0, 10);

      ts += g_rand_int_range (rand, 1, 5000) * 1000;
      msg.timestamp_ns = ts;
      msg.channel = g_rand_int_range (rand, 0, 3);
      if (g_rand_boolean (rand))
        msg.flags |= CANOPY_MESSAGE_TX;

      if (kind == 0 && with_errors)
        {
          msg.flags = CANOPY_MESSAGE_ERROR;
          msg.channel = 0;
        }
      else if (kind == 1)
        {
          msg.flags |= CANOPY_MESSAGE_REMOTE;
          msg.arbitration_id = g_rand_int_range (rand, 0, 0x800);
          msg.dlc = g_rand_int_range (rand, 0, 9);
        }
      else if (kind <= 3 && with_fd)
        {
          msg.flags |= CANOPY_MESSAGE_FD;
          if (g_rand_boolean (rand))
            msg.flags |= CANOPY_MESSAGE_BRS;
          if (g_rand_int_range (rand, 0, 4) == 0)
            msg.flags |= CANOPY_MESSAGE_ESI;
          if (g_rand_boolean (rand))
            {
              msg.flags |= CANOPY_MESSAGE_EXTENDED;
              msg.arbitration_id = g_rand_int_range (rand, 0, 0x20000000);
            }
          else
            msg.arbitration_id = g_rand_int_range (rand, 0, 0x800);
          /* Lengths above 8: a 0-byte FD frame reads back as remote in
           * python-can's ASC reader. */
          msg.dlc = fd_lengths[g_rand_int_range (rand, 2, G_N_ELEMENTS (fd_lengths))];
          for (guint j = 0; j < msg.dlc; j++)
            msg.data[j] = g_rand_int_range (rand, 0, 256);
        }
      else
        {
          if (kind >= 7)
            {
              msg.flags |= CANOPY_MESSAGE_EXTENDED;
              msg.arbitration_id = g_rand_int_range (rand, 0, 0x20000000);
            }
          else
            msg.arbitration_id = g_rand_int_range (rand, 0, 0x800);
          msg.dlc = g_rand_int_range (rand, 0, 9);
          for (guint j = 0; j < msg.dlc; j++)
            msg.data[j] = g_rand_int_range (rand, 0, 256);
        }

      g_array_append_val (frames, msg);
    }

  g_rand_free (rand);
  return frames;
}

gboolean
test_write_frames (const char  *path,
                   GArray      *frames,
                   GError     **error)
{
  g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (path, error);

  if (writer == NULL)
    return FALSE;

  for (guint i = 0; i < frames->len; i++)
    if (!canopy_log_writer_write (writer, &g_array_index (frames, CanopyMessage, i), error))
      return FALSE;

  return canopy_log_writer_close (writer, error);
}

GArray *
test_read_frames (const char  *path,
                  GError     **error)
{
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, error);
  g_autoptr(GArray) frames = NULL;
  CanopyMessage msg;

  if (reader == NULL)
    return NULL;

  frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  while (canopy_log_reader_next (reader, &msg, error))
    g_array_append_val (frames, msg);

  if (error != NULL && *error != NULL)
    return NULL;

  return g_steal_pointer (&frames);
}

char *
test_frame_to_string (const CanopyMessage *msg)
{
  GString *s = g_string_new (NULL);
  guint len = (msg->flags & CANOPY_MESSAGE_REMOTE) ? 0 : MIN (msg->dlc, 64);

  g_string_append_printf (s, "%.9f %x %d %d %d %d %d %d %d %u %d ",
                          msg->timestamp_ns / 1e9,
                          msg->arbitration_id,
                          !!(msg->flags & CANOPY_MESSAGE_EXTENDED),
                          !!(msg->flags & CANOPY_MESSAGE_REMOTE),
                          !!(msg->flags & CANOPY_MESSAGE_ERROR),
                          !!(msg->flags & CANOPY_MESSAGE_FD),
                          !!(msg->flags & CANOPY_MESSAGE_BRS),
                          !!(msg->flags & CANOPY_MESSAGE_ESI),
                          !(msg->flags & CANOPY_MESSAGE_TX),
                          msg->dlc,
                          msg->channel);
  if (len == 0)
    g_string_append_c (s, '-');
  for (guint i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", msg->data[i]);

  return g_string_free (s, FALSE);
}

gboolean
test_frames_match (const CanopyMessage  *want,
                   const CanopyMessage  *got,
                   const FormatCaps     *caps,
                   gint64                tolerance_ns,
                   char                **why)
{
  guint32 flag_mask = CANOPY_MESSAGE_ERROR;
  gint64 dt = want->timestamp_ns - got->timestamp_ns;

  if (ABS (dt) > tolerance_ns)
    {
      *why = g_strdup_printf ("timestamps differ by %" G_GINT64_FORMAT " ns", dt);
      return FALSE;
    }

  if (caps->channel && want->channel != got->channel)
    {
      *why = g_strdup ("channels differ");
      return FALSE;
    }

  if (caps->direction)
    flag_mask |= CANOPY_MESSAGE_TX;

  if (want->flags & CANOPY_MESSAGE_ERROR)
    {
      if ((want->flags & flag_mask) != (got->flags & flag_mask))
        {
          *why = g_strdup ("flags differ");
          return FALSE;
        }
      if (caps->error_details &&
          (want->arbitration_id != got->arbitration_id || want->dlc != got->dlc ||
           memcmp (want->data, got->data, MIN (want->dlc, 64)) != 0))
        {
          *why = g_strdup ("error frame details differ");
          return FALSE;
        }
      return TRUE;
    }

  flag_mask |= CANOPY_MESSAGE_EXTENDED | CANOPY_MESSAGE_REMOTE;
  if (caps->fd_flags && !(want->flags & CANOPY_MESSAGE_REMOTE))
    flag_mask |= CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS | CANOPY_MESSAGE_ESI;

  if ((want->flags & flag_mask) != (got->flags & flag_mask))
    {
      *why = g_strdup_printf ("flags differ (0x%x vs 0x%x)", want->flags & flag_mask, got->flags & flag_mask);
      return FALSE;
    }

  if (want->arbitration_id != got->arbitration_id || want->dlc != got->dlc)
    {
      *why = g_strdup ("id or dlc differ");
      return FALSE;
    }

  if (!(want->flags & CANOPY_MESSAGE_REMOTE) &&
      memcmp (want->data, got->data, MIN (want->dlc, 64)) != 0)
    {
      *why = g_strdup ("data differ");
      return FALSE;
    }

  return TRUE;
}

void
test_assert_frames (GArray           *want,
                    GArray           *got,
                    const FormatCaps *caps,
                    gint64            tolerance_ns,
                    const char       *context)
{
  for (guint i = 0; i < MIN (want->len, got->len); i++)
    {
      const CanopyMessage *a = &g_array_index (want, CanopyMessage, i);
      const CanopyMessage *b = &g_array_index (got, CanopyMessage, i);
      g_autofree char *why = NULL;

      if (!test_frames_match (a, b, caps, tolerance_ns, &why))
        {
          g_autofree char *sa = test_frame_to_string (a);
          g_autofree char *sb = test_frame_to_string (b);

          g_error ("%s: frame %u: %s\n  want %s\n  got  %s", context, i, why, sa, sb);
        }
    }

  if (want->len != got->len)
    g_error ("%s: %u frames expected, %u read", context, want->len, got->len);
}

static char *
helper_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "pycan-helper.py", NULL);
}

static const char *
python3 (void)
{
  const char *p = g_getenv ("CANOPY_PYTHON3");
  return p ? p : "/usr/bin/python3";
}

static gboolean
parse_frame_line (const char    *line,
                  CanopyMessage *msg)
{
  g_auto(GStrv) f = g_strsplit (line, " ", -1);
  double ts;

  if (g_strv_length (f) != 12)
    return FALSE;

  memset (msg, 0, sizeof *msg);
  ts = g_ascii_strtod (f[0], NULL);
  msg->timestamp_ns = (gint64) (ts * 1e9 + (ts >= 0 ? 0.5 : -0.5));
  msg->arbitration_id = g_ascii_strtoull (f[1], NULL, 16);
  if (atoi (f[2])) msg->flags |= CANOPY_MESSAGE_EXTENDED;
  if (atoi (f[3])) msg->flags |= CANOPY_MESSAGE_REMOTE;
  if (atoi (f[4])) msg->flags |= CANOPY_MESSAGE_ERROR;
  if (atoi (f[5])) msg->flags |= CANOPY_MESSAGE_FD;
  if (atoi (f[6])) msg->flags |= CANOPY_MESSAGE_BRS;
  if (atoi (f[7])) msg->flags |= CANOPY_MESSAGE_ESI;
  if (!atoi (f[8])) msg->flags |= CANOPY_MESSAGE_TX;
  msg->dlc = atoi (f[9]);
  msg->channel = atoi (f[10]);
  if (strcmp (f[11], "-") != 0)
    {
      gsize len = strlen (f[11]) / 2;

      for (gsize i = 0; i < len && i < 64; i++)
        {
          char hex[3] = { f[11][2 * i], f[11][2 * i + 1], 0 };
          msg->data[i] = strtoul (hex, NULL, 16);
        }
    }

  return TRUE;
}

GArray *
test_python_dump (const char  *path,
                  char       **stderr_text)
{
  g_autofree char *helper = helper_path ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { python3 (), helper, "dump", path, NULL };
  GArray *frames;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);

  frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      CanopyMessage msg;

      if (lines[i][0] != '\0' && parse_frame_line (lines[i], &msg))
        g_array_append_val (frames, msg);
    }

  if (stderr_text != NULL)
    *stderr_text = g_spawn_check_wait_status (status, NULL) ? NULL : g_steal_pointer (&err);

  return frames;
}

gboolean
test_python_write (const char  *path,
                   GArray      *frames,
                   GError     **error)
{
  g_autofree char *helper = helper_path ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autofree char *err = NULL;

  for (guint i = 0; i < frames->len; i++)
    {
      g_autofree char *line = test_frame_to_string (&g_array_index (frames, CanopyMessage, i));

      g_string_append (input, line);
      g_string_append_c (input, '\n');
    }

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           error, python3 (), helper, "write", path, NULL);
  if (proc == NULL)
    return FALSE;

  if (!g_subprocess_communicate_utf8 (proc, input->str, NULL, NULL, &err, error))
    return FALSE;

  if (!g_subprocess_get_successful (proc))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "python-can failed: %s", err);
      return FALSE;
    }

  return TRUE;
}

/* Removes a test directory and the files in it. */
void
test_rmdir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

char *
test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("canopy-formats-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}
