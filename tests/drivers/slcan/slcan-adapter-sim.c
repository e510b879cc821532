/* slcan-adapter-sim.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "slcan-adapter-sim.h"

/* The adapter behaves as Lawicel's CANUSB documents it: commands end with
 * CR; OK is CR, an error BEL; `t`/`T` are acknowledged with `z`/`Z`; a
 * frame sent while open is looped back as if another node sent it, with a
 * timestamp after Z1. */

struct _SlcanAdapterSim
{
  int        master;
  int        slave;
  char      *path;
  GThread   *thread;
  int        stop_fds[2];
  GMutex     mutex;
  GPtrArray *commands;
  char      *refused;
  gboolean   open;
  gboolean   timestamps;
  guint8     status;
  guint      clock_ms;
};

static void
write_all (SlcanAdapterSim *sim,
           const char      *bytes,
           gsize            len)
{
  while (len > 0)
    {
      gssize n = write (sim->master, bytes, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      bytes += n;
      len -= n;
    }
}

static void
reply (SlcanAdapterSim *sim,
       const char      *text)
{
  write_all (sim, text, strlen (text));
}

static void
handle_command (SlcanAdapterSim *sim,
                const char      *cmd)
{
  gboolean refuse;

  g_mutex_lock (&sim->mutex);
  g_ptr_array_add (sim->commands, g_strdup (cmd));
  refuse = sim->refused != NULL && g_str_has_prefix (cmd, sim->refused);
  g_mutex_unlock (&sim->mutex);

  if (refuse)
    {
      reply (sim, "\a");
      return;
    }

  switch (cmd[0])
    {
    case '\0':
      reply (sim, "\r");
      break;
    case 'S':
      reply (sim, !sim->open && cmd[1] >= '0' && cmd[1] <= '8' && cmd[2] == '\0' ? "\r" : "\a");
      break;
    case 's':
      reply (sim, !sim->open && strlen (cmd) == 5 ? "\r" : "\a");
      break;
    case 'O':
      reply (sim, sim->open ? "\a" : "\r");
      sim->open = TRUE;
      break;
    case 'C':
      reply (sim, sim->open ? "\r" : "\a");
      sim->open = FALSE;
      break;
    case 'Z':
      sim->timestamps = cmd[1] == '1';
      reply (sim, "\r");
      break;
    case 'V':
      reply (sim, "V1013\r");
      break;
    case 'N':
      reply (sim, "NA123\r");
      break;
    case 'F':
      {
        char text[8];

        g_mutex_lock (&sim->mutex);
        g_snprintf (text, sizeof text, "F%02X\r", sim->status);
        sim->status = 0;
        g_mutex_unlock (&sim->mutex);
        reply (sim, text);
      }
      break;
    case 't': case 'T': case 'r': case 'R':
      if (!sim->open)
        {
          reply (sim, "\a");
          break;
        }
      reply (sim, cmd[0] == 't' || cmd[0] == 'r' ? "z\r" : "Z\r");
      {
        g_autoptr(GString) echo = g_string_new (cmd);

        if (sim->timestamps)
          {
            /* 250 ms apart on the adapter's clock, whatever the host's. */
            sim->clock_ms = (sim->clock_ms + 250) % 60000;
            g_string_append_printf (echo, "%04X", sim->clock_ms);
          }
        g_string_append_c (echo, '\r');
        write_all (sim, echo->str, echo->len);
      }
      break;
    default:
      reply (sim, "\a");
      break;
    }
}

static gpointer
sim_thread (gpointer data)
{
  SlcanAdapterSim *sim = data;
  char line[512];
  gsize len = 0;

  for (;;)
    {
      struct pollfd fds[2] = { { sim->master, POLLIN, 0 }, { sim->stop_fds[0], POLLIN, 0 } };
      char buf[256];
      gssize n;

      if (poll (fds, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (fds[1].revents)
        break;

      n = read (sim->master, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        {
          /* No slave open at the moment (EIO): wait a little. */
          g_usleep (1000);
          continue;
        }

      for (gssize i = 0; i < n; i++)
        {
          if (buf[i] == '\r')
            {
              line[len] = '\0';
              handle_command (sim, line);
              len = 0;
            }
          else if (len < sizeof line - 1)
            line[len++] = buf[i];
        }
    }

  return NULL;
}

SlcanAdapterSim *
slcan_adapter_sim_new (void)
{
  SlcanAdapterSim *sim = g_new0 (SlcanAdapterSim, 1);
  struct termios tio;

  sim->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (sim->master, >=, 0);
  g_assert_cmpint (grantpt (sim->master), ==, 0);
  g_assert_cmpint (unlockpt (sim->master), ==, 0);
  sim->path = g_strdup (ptsname (sim->master));

  /* Held open so that the master never reads EIO between two users, and
   * raw from the start so that nothing is echoed back. */
  sim->slave = open (sim->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (sim->slave, >=, 0);
  g_assert_cmpint (tcgetattr (sim->slave, &tio), ==, 0);
  cfmakeraw (&tio);
  g_assert_cmpint (tcsetattr (sim->slave, TCSANOW, &tio), ==, 0);

  g_assert_true (g_unix_open_pipe (sim->stop_fds, FD_CLOEXEC, NULL));
  g_mutex_init (&sim->mutex);
  sim->commands = g_ptr_array_new_with_free_func (g_free);
  sim->thread = g_thread_new ("slcan-sim", sim_thread, sim);

  return sim;
}

const char *
slcan_adapter_sim_get_path (SlcanAdapterSim *sim)
{
  return sim->path;
}

GPtrArray *
slcan_adapter_sim_dup_commands (SlcanAdapterSim *sim)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&sim->mutex);
  for (guint i = 0; i < sim->commands->len; i++)
    g_ptr_array_add (copy, g_strdup (sim->commands->pdata[i]));
  g_mutex_unlock (&sim->mutex);
  return copy;
}

gboolean
slcan_adapter_sim_is_open (SlcanAdapterSim *sim)
{
  return sim->open;
}

void
slcan_adapter_sim_inject (SlcanAdapterSim *sim,
                          const char      *bytes,
                          gsize            len,
                          gsize            chunk)
{
  if (chunk == 0)
    chunk = len;
  while (len > 0)
    {
      gsize n = MIN (chunk, len);

      write_all (sim, bytes, n);
      bytes += n;
      len -= n;
      if (len > 0)
        g_usleep (2000);
    }
}

void
slcan_adapter_sim_set_status (SlcanAdapterSim *sim,
                              guint8           status)
{
  g_mutex_lock (&sim->mutex);
  sim->status = status;
  g_mutex_unlock (&sim->mutex);
}

void
slcan_adapter_sim_refuse (SlcanAdapterSim *sim,
                          const char      *prefix)
{
  g_mutex_lock (&sim->mutex);
  g_free (sim->refused);
  sim->refused = g_strdup (prefix);
  g_mutex_unlock (&sim->mutex);
}

static void
stop_thread (SlcanAdapterSim *sim)
{
  if (sim->thread == NULL)
    return;
  (void) !write (sim->stop_fds[1], "x", 1);
  g_clear_pointer (&sim->thread, g_thread_join);
}

void
slcan_adapter_sim_vanish (SlcanAdapterSim *sim)
{
  stop_thread (sim);
  if (sim->slave >= 0)
    close (sim->slave);
  sim->slave = -1;
  if (sim->master >= 0)
    close (sim->master);
  sim->master = -1;
}

void
slcan_adapter_sim_free (SlcanAdapterSim *sim)
{
  slcan_adapter_sim_vanish (sim);
  close (sim->stop_fds[0]);
  close (sim->stop_fds[1]);
  g_ptr_array_unref (sim->commands);
  g_mutex_clear (&sim->mutex);
  g_free (sim->refused);
  g_free (sim->path);
  g_free (sim);
}
