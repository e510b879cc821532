/* test-player-tool.c — canopy-player end to end
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include <canopy.h>

static const char *
tool_path (void)
{
  const char *path = g_getenv ("CANOPY_PLAYER");

  g_assert_nonnull (path);
  return path;
}

/* candump -l lines: (seconds) interface id#data */
static char *
write_candump (const double *offsets,
               guint         n)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path;
  int fd;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "(%.6f) vcan0 %03X#%02X\n",
                            1700000000.0 + offsets[i], 0x100 + i, i);

  fd = g_file_open_tmp ("canopy-player-tool-XXXXXX.log", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);

  return path;
}

typedef struct
{
  int    status;
  char  *out;
  char  *err;
  double seconds;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* Runs the tool while iterating the main context (for an in-process server). */
static void
on_communicated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
run_tool (Run               *run,
          const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0;

  g_ptr_array_add (argv, (gpointer) tool_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  t0 = g_get_monotonic_time ();
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);

  g_subprocess_communicate_async (process, NULL, NULL, on_communicated, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_communicate_finish (process, result, &out, &err, &error);
  g_assert_no_error (error);

  run->seconds = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  run->out = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "", g_bytes_get_size (out));
  run->err = g_strndup (g_bytes_get_size (err) ? g_bytes_get_data (err, NULL) : "", g_bytes_get_size (err));
  g_test_message ("exit %d after %.3f s\nstdout:\n%s\nstderr:\n%s",
                  run->status, run->seconds, run->out, run->err);
}

/* Checks the printed frames are 0x100, 0x101, … with data 0, 1, … */
static guint
count_frames_in_order (const char *out,
                       guint       modulo)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *id = NULL;
      g_autofree char *data = NULL;

      if (lines[i][0] == '\0')
        continue;
      id = g_strdup_printf ("ID: %04x", 0x100 + n % modulo);
      data = g_strdup_printf ("DLC: 1    %02x", n % modulo);
      g_assert_nonnull (strstr (lines[i], id));
      g_assert_nonnull (strstr (lines[i], data));
      n++;
    }

  return n;
}

static void
test_replay (void)
{
  static const double offsets[] = { 0, 0.05, 0.1, 0.25 };
  g_autofree char *path = write_candump (offsets, G_N_ELEMENTS (offsets));
  const char *args[] = { "-i", "virtual", "-c", "tool-replay", "-v", path, NULL };
  Run run = { 0 };

  run_tool (&run, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_frames_in_order (run.out, 100), ==, 4);
  g_assert_nonnull (strstr (run.err, "Replayed 4 frames"));
  /* The recorded timing was kept. */
  g_assert_cmpfloat (run.seconds, >=, 0.25);
  run_clear (&run);

  g_unlink (path);
}

static void
test_options (void)
{
  static const double offsets[] = { 0, 30, 60, 60.02 };
  g_autofree char *path = write_candump (offsets, G_N_ELEMENTS (offsets));
  const char *ignore[] = { "-i", "virtual", "-c", "tool-options", "-v", "--ignore-timestamps",
                           "-g", "50", "-f", path, NULL };
  const char *skip[] = { "-i", "virtual", "-c", "tool-options", "-v", "-s", "0.1", path, NULL };
  const char *speed[] = { "-i", "virtual", "-c", "tool-options", "-v", "--speed", "1000", path, NULL };
  Run run = { 0 };

  /* A minute of recording: 3 gaps of 50 ms. */
  run_tool (&run, ignore);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_frames_in_order (run.out, 100), ==, 4);
  g_assert_cmpfloat (run.seconds, >=, 0.15);
  g_assert_cmpfloat (run.seconds, <, 20);
  run_clear (&run);

  /* Pauses cut to 0.1 s: 0.1 + 0.1 + 0.02. */
  run_tool (&run, skip);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_frames_in_order (run.out, 100), ==, 4);
  g_assert_cmpfloat (run.seconds, >=, 0.22);
  g_assert_cmpfloat (run.seconds, <, 20);
  run_clear (&run);

  /* A minute at 1000×: 60 ms. */
  run_tool (&run, speed);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_frames_in_order (run.out, 100), ==, 4);
  g_assert_cmpfloat (run.seconds, >=, 0.06);
  g_assert_cmpfloat (run.seconds, <, 20);
  run_clear (&run);

  g_unlink (path);
}

static void
test_errors (void)
{
  const char *missing[] = { "-i", "virtual", "-c", "tool-errors", "/nonexistent/file.log", NULL };
  const char *no_file[] = { "-i", "virtual", NULL };
  const char *bad_speed[] = { "-i", "virtual", "--speed", "0", "x.log", NULL };
  const char *bad_interface[] = { "-i", "nosuchbus", "x.log", NULL };
  Run run = { 0 };

  run_tool (&run, missing);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "/nonexistent/file.log"));
  run_clear (&run);

  run_tool (&run, no_file);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  run_tool (&run, bad_speed);
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  run_tool (&run, bad_interface);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "nosuchbus"));
  run_clear (&run);
}

#ifdef G_OS_UNIX
static void
test_loop_interrupt (void)
{
  static const double offsets[] = { 0, 0.01, 0.02 };
  g_autofree char *path = write_candump (offsets, G_N_ELEMENTS (offsets));
  const char *argv[] = { tool_path (), "-i", "virtual", "-c", "tool-loop", "-v", "--loop", path, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);

  /* Loops until interrupted, then ends normally. */
  g_usleep (300 * 1000);
  g_subprocess_send_signal (process, SIGINT);

  g_subprocess_communicate_async (process, NULL, NULL, on_communicated, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_communicate_finish (process, result, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  text = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "", g_bytes_get_size (out));
  g_assert_cmpuint (count_frames_in_order (text, 3), >, 3);

  g_unlink (path);
}
#endif

/* To a bus in this process through a remote server, as one would replay
 * onto a real bus: the frames arrive in order with their content. */
static void
test_to_remote_bus (void)
{
  static const double offsets[] = { 0, 0.01, 0.02, 0.03, 0.1 };
  g_autofree char *path = write_candump (offsets, G_N_ELEMENTS (offsets));
  g_autoptr(CanopyRemoteServer) server = NULL;
  g_autoptr(CanopyVirtualBus) rx = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *channel = NULL;
  const char *args[5];
  Run run = { 0 };
  guint n = 0;

  rx = canopy_virtual_bus_new ("tool-remote", FALSE, 0);
  server = canopy_remote_server_new ("virtual", "tool-remote", NULL);
  if (!canopy_remote_server_start (server, "127.0.0.1", 0, &error))
    {
      g_test_skip_printf ("no remote server: %s", error->message);
      return;
    }
  channel = g_strdup_printf ("127.0.0.1:%u", canopy_remote_server_get_port (server));

  args[0] = "-i";
  args[1] = "remote";
  args[2] = "-c";
  args[3] = channel;
  args[4] = NULL;
  {
    const char *full[] = { args[0], args[1], args[2], args[3], path, NULL };
    run_tool (&run, full);
  }
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  for (;;)
    {
      CanopyMessage msg;

      /* The server may still be forwarding the last frames. */
      if (!canopy_bus_recv_into (CANOPY_BUS (rx), &msg, n < G_N_ELEMENTS (offsets) ? 5.0 : 0.2, NULL))
        break;
      g_assert_cmphex (msg.arbitration_id, ==, 0x100 + n);
      g_assert_cmpuint (msg.dlc, ==, 1);
      g_assert_cmpuint (msg.data[0], ==, n);
      n++;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (offsets));

  canopy_remote_server_stop (server);
  canopy_bus_shutdown (CANOPY_BUS (rx));
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/player-tool/replay", test_replay);
  g_test_add_func ("/player-tool/options", test_options);
  g_test_add_func ("/player-tool/errors", test_errors);
#ifdef G_OS_UNIX
  g_test_add_func ("/player-tool/loop-interrupt", test_loop_interrupt);
#endif
  g_test_add_func ("/player-tool/to-remote-bus", test_to_remote_bus);

  return g_test_run ();
}
