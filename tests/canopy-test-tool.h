/* canopy-test-tool.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs one of the command-line tools as a user would, for every test area:
 *
 *   out = canopy_test_run_tool ("CANOPY_LOGGER", &status, &err, "-n", "1", NULL);
 *
 * The first argument names the environment variable that holds the path
 * of the tool (set by the area's meson.build).
 */

#pragma once

#include <stdarg.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* Returns what the tool printed on stdout; its exit status (-1 when it did
 * not exit normally) in @exit_status and its stderr in @err_out, if not
 * NULL. */
static inline char *
canopy_test_run_tool (const char  *env_name,
                      int         *exit_status,
                      char       **err_out,
                      ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  char *err = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv (env_name));
  va_start (args, err_out);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* No configuration of the machine's may leak in. */
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_tmp_dir (), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CAN_INTERFACE");
  g_subprocess_launcher_unsetenv (launcher, "CAN_CHANNEL");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  *exit_status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  if (err_out != NULL)
    *err_out = err;
  else
    g_free (err);

  return out;
}

G_END_DECLS
