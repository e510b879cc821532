/* canopy-tool-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "canopy-tool-common.h"

#ifdef G_OS_WIN32
# include <windows.h>
#else
# include <fcntl.h>
# include <unistd.h>
# include <glib-unix.h>
#endif
#ifdef G_OS_WIN32
/* objbase.h defines `interface` as `struct`: our option field has that name. */
# undef interface
#endif

static gboolean
count_verbosity (const char  *option_name,
                 const char  *value,
                 gpointer     data,
                 GError     **error)
{
  CanopyToolBusOptions *bus_options = data;

  bus_options->verbosity++;
  if (bus_options->verbosity >= 2)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  return TRUE;
}

void
canopy_tool_add_bus_options (GOptionContext       *context,
                             CanopyToolBusOptions *bus_options)
{
  g_autoptr(GString) interfaces = g_string_new (NULL);
  g_autoptr(GListModel) infos = canopy_interface_info_list ();
  char *interface_help;

  /* One line per interface: its name, what it is and what it needs. */
  for (guint i = 0; i < g_list_model_get_n_items (infos); i++)
    {
      g_autoptr(CanopyInterfaceInfo) info = g_list_model_get_item (infos, i);

      g_string_append_printf (interfaces, "\n                               %-9s %s: needs %s%s",
                              canopy_interface_info_get_name (info),
                              canopy_interface_info_get_description (info),
                              canopy_interface_info_get_requirement (info),
                              canopy_interface_info_get_available (info) ? "" : " (not in this build)");
    }
  interface_help =
    bus_options->interface_help = g_strdup_printf ("The CAN interface to use "
                     "(if left out, the configuration — CAN_INTERFACE, ~/.canrc, … — decides, "
                     "and the virtual demo bus opens where nothing is configured):%s", interfaces->str);
  GOptionEntry entries[] = {
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &bus_options->interface,
      interface_help, "INTERFACE" },
    { "channel", 'c', 0, G_OPTION_ARG_STRING, &bus_options->channel,
      "The channel: an interface name such as can0 or vcan0 for socketcan, "
      "host:port for remote, host:port/bus for socketcand, a serial device for "
      "slcan and serial, PCAN_USBBUS1 for pcan, a number for kvaser, a channel "
      "name for virtual", "CHANNEL" },
    { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &bus_options->options,
      "A driver option as in a config file, e.g. -o bitrate=500000 "
      "or -o receive_own_messages=true (repeatable)", "KEY=VALUE" },
    { "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, count_verbosity,
      "More information on the terminal; -vv shows debugging messages", NULL },
    { NULL }
  };
  GOptionGroup *group;

  group = g_option_group_new ("bus", "Bus options", "Show bus options", bus_options, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, group);
}

GOptionContext *
canopy_tool_option_context_new (const char           *summary,
                                CanopyToolBusOptions *bus_options,
                                const GOptionEntry   *entries)
{
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_summary (context, summary);
  if (bus_options != NULL)
    canopy_tool_add_bus_options (context, bus_options);
  g_option_context_add_main_entries (context, entries, NULL);

  return context;
}

gboolean
canopy_tool_parse_driver_options (char       **args,
                                  GHashTable  *options,
                                  GError     **error)
{
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      const char *eq = strchr (args[i], '=');

      if (eq == NULL || eq == args[i])
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "Option “%s” is not of the form KEY=VALUE", args[i]);
          return FALSE;
        }
      g_hash_table_insert (options, g_strndup (args[i], eq - args[i]), g_strdup (eq + 1));
    }

  return TRUE;
}

CanopyBus *
canopy_tool_open_bus (CanopyToolBusOptions  *bus_options,
                      GHashTable            *extra_options,
                      GError               **error)
{
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (extra_options != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, extra_options);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (options, g_strdup (key), g_strdup (value));
    }

  if (!canopy_tool_parse_driver_options (bus_options->options, options, error))
    return NULL;

  return canopy_bus_new (bus_options->interface, bus_options->channel, options, error);
}

void
canopy_tool_report_connected (CanopyToolBusOptions *bus_options,
                              CanopyBus            *bus)
{
  if (bus_options->verbosity > 0)
    {
      g_autofree char *info = canopy_bus_dup_channel_info (bus);
      g_printerr ("Connected to %s\n", info);
    }
}

int
canopy_tool_fail (const char   *tool,
                  const GError *error,
                  int           status)
{
  g_printerr ("%s: %s\n", tool, error->message);
  return status;
}

void
canopy_tool_bus_options_clear (CanopyToolBusOptions *bus_options)
{
  g_clear_pointer (&bus_options->interface, g_free);
  g_clear_pointer (&bus_options->channel, g_free);
  g_clear_pointer (&bus_options->options, g_strfreev);
  g_clear_pointer (&bus_options->interface_help, g_free);
}

/* Each argument may hold several comma-separated filters, as canlogger's. */
GArray *
canopy_tool_parse_filters (char   **filter_args,
                           GError **error)
{
  g_autoptr(GArray) filters = g_array_new (FALSE, FALSE, sizeof (CanopyFilter));

  for (guint i = 0; filter_args && filter_args[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (filter_args[i], ",", -1);

      for (guint j = 0; parts[j]; j++)
        {
          g_autoptr(CanopyFilter) filter = NULL;

          if (*g_strstrip (parts[j]) == '\0')
            continue;
          if (!(filter = canopy_filter_parse (parts[j], error)))
            return NULL;
          g_array_append_vals (filters, filter, 1);
        }
    }

  return g_steal_pointer (&filters);
}

static volatile sig_atomic_t interrupted;
/* Cancelled on the first SIGINT/SIGTERM, for work that polls no flag. */
static GCancellable *interrupt_cancellable;

/* After the first interrupt a tool has this long to stop on its own; then
 * it is ended, whatever it is blocked in (opening a FIFO, a slow query). */
#define INTERRUPT_GRACE_US (3 * G_USEC_PER_SEC)

#ifdef G_OS_WIN32
/* Windows delivers Ctrl+C, Ctrl+Break and the closing of the console window
 * to a handler thread. The tool's main loop sees the flag and stops, closing
 * its log file properly; for a closing window Windows ends the process as
 * soon as the handler returns, so the handler waits (Windows allows ~5 s)
 * and the process ends when main() returns. */
static BOOL WINAPI
on_console_event (DWORD event)
{
  switch (event)
    {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
      interrupted = 1;
      g_cancellable_cancel (interrupt_cancellable);
      return TRUE;

    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      interrupted = 1;
      g_cancellable_cancel (interrupt_cancellable);
      Sleep (4500);
      return TRUE;

    default:
      return FALSE;
    }
}
#else
/* The handler may only do async-signal-safe things: set the flag and wake
 * the watcher thread through a pipe. */
static int wake_pipe[2] = { -1, -1 };

static void
on_interrupt (int signum)
{
  char byte = 0;
  int saved_errno = errno;

  interrupted = 1;
  if (write (wake_pipe[1], &byte, 1) < 0)
    {
      /* The pipe is full: the watcher is awake already. */
    }
  errno = saved_errno;
}

static gpointer
watch_interrupt (gpointer data)
{
  char byte;

  while (read (wake_pipe[0], &byte, 1) < 0 && errno == EINTR)
    ;

  g_cancellable_cancel (interrupt_cancellable);

  g_usleep (INTERRUPT_GRACE_US);
  g_printerr ("%s: interrupted, stopping now\n", g_get_prgname ());
  _exit (130);
  return NULL;
}
#endif

void
canopy_tool_catch_interrupt (void)
{
  /* The handler sets a flag that the main loop of the tool polls, and
   * cancels canopy_tool_get_cancellable() for work inside the library. */
  if (interrupt_cancellable == NULL)
    interrupt_cancellable = g_cancellable_new ();
#ifdef G_OS_WIN32
  SetConsoleCtrlHandler (on_console_event, TRUE);
#else
  if (wake_pipe[0] < 0)
    {
      g_autoptr(GError) error = NULL;

      if (!g_unix_open_pipe (wake_pipe, FD_CLOEXEC, &error))
        g_error ("Cannot create a pipe: %s", error->message);
      /* A full pipe must not block the handler. */
      fcntl (wake_pipe[1], F_SETFL, fcntl (wake_pipe[1], F_GETFL) | O_NONBLOCK);
      g_thread_unref (g_thread_new ("interrupt-watch", watch_interrupt, NULL));
    }
  signal (SIGINT, on_interrupt);
  signal (SIGTERM, on_interrupt);
#endif
}

GCancellable *
canopy_tool_get_cancellable (void)
{
  return interrupt_cancellable;
}

gboolean
canopy_tool_interrupted (void)
{
  return interrupted != 0;
}

void
canopy_tool_report_skipped (const char      *tool,
                            CanopyLogReader *reader)
{
  const char * const *reasons = canopy_log_reader_get_skip_reasons (reader);
  guint64 n = canopy_log_reader_get_n_skipped (reader);

  if (n == 0)
    return;

  g_printerr ("%s: %s: skipped %" G_GUINT64_FORMAT " unreadable lines or objects\n",
              tool, canopy_log_reader_get_path (reader), n);
  for (guint i = 0; reasons[i] != NULL; i++)
    g_printerr ("%s:   %s\n", tool, reasons[i]);
}

/* The same for a whole conversion: the reasons name their files. */
void
canopy_tool_report_converter_skipped (const char         *tool,
                                      CanopyLogConverter *converter)
{
  g_auto(GStrv) reasons = canopy_log_converter_dup_skip_reasons (converter);
  guint64 n = canopy_log_converter_get_n_skipped (converter);

  if (n == 0)
    return;

  g_printerr ("%s: skipped %" G_GUINT64_FORMAT " unreadable lines or objects\n", tool, n);
  for (guint i = 0; reasons[i] != NULL; i++)
    g_printerr ("%s:   %s\n", tool, reasons[i]);
}
