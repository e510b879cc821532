/* test-remote-server-tool.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * canopy-server end to end: a separate process shares a virtual bus, two
 * remote clients in this process talk through it.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include <canopy.h>

static const char *
server_path (void)
{
  const char *path = g_getenv ("CANOPY_SERVER");

  g_assert_nonnull (path);
  return path;
}

static void
test_help (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           server_path (), "--help", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));

  for (guint i = 0; i < 6; i++)
    {
      const char *option[] = { "-i,", "-c,", "-b,", "-H,", "-p,", "-v," };
      g_assert_nonnull (strstr (out, option[i]));
    }
  g_assert_nonnull (strstr (out, "127.0.0.1"));
  g_assert_nonnull (strstr (out, "-H 0.0.0.0"));
  g_assert_nonnull (strstr (out, "54701"));
}

static void
test_bad_bus (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                           server_path (), "-i", "nosuchbus", "-c", "x", "-p", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_nonnull (strstr (err, "nosuchbus"));
}

static char *
read_line (GDataInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_test_message ("server: %s", line);
  return line;
}

static void
test_end_to_end (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = NULL;
  g_autoptr(CanopyBus) b = NULL;
  g_autofree char *line = NULL;
  g_autofree char *address = NULL;
  guint port = 0;
  CanopyMessage msg;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           server_path (), "-i", "virtual", "-c", "tool-e2e", "-p", "0",
                           "-b", "125000", "-v", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

  line = read_line (out);
  g_assert_true (sscanf (line, "Listening on 127.0.0.1 port %u", &port) == 1);
  g_assert_cmpuint (port, >, 0);
  address = g_strdup_printf ("127.0.0.1:%u", port);

  a = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_no_error (error);
  b = canopy_bus_new ("remote", address, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 500; i++)
    {
      guint8 data[4] = { i, i >> 8, 0xAA, 0x55 };

      canopy_message_init (&msg, i & 0x7FF, FALSE, data, sizeof data);
      g_assert_true (canopy_bus_send (a, &msg, -1, &error));
    }
  for (guint i = 0; i < 500; i++)
    {
      g_assert_true (canopy_bus_recv_into (b, &msg, 10, &error));
      g_assert_no_error (error);
      g_assert_cmphex (msg.arbitration_id, ==, i & 0x7FF);
      g_assert_cmpuint (msg.dlc, ==, 4);
      g_assert_cmpuint (msg.data[0], ==, (guint8) i);
      g_assert_cmpuint (msg.data[1], ==, (guint8) (i >> 8));
    }

  /* -v tells who connected */
  g_free (line);
  line = read_line (out);
  g_assert_true (g_str_has_prefix (line, "Client 127.0.0.1:"));
  g_assert_nonnull (strstr (line, "connected"));

  /* SIGTERM (Ctrl+C on Windows) stops it cleanly; clients learn at once. */
#ifdef G_OS_UNIX
  g_subprocess_send_signal (proc, SIGTERM);
#else
  g_subprocess_force_exit (proc);
#endif
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
#ifdef G_OS_UNIX
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
#endif

  g_assert_false (canopy_bus_recv_into (b, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/remote/tool/help", test_help);
  g_test_add_func ("/remote/tool/bad-bus", test_bad_bus);
  g_test_add_func ("/remote/tool/end-to-end", test_end_to_end);

  return g_test_run ();
}
