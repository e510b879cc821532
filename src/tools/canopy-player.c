/* canopy-player.c — replay CAN traffic from a log file, as python-can's canplayer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "canopy-tool-common.h"

typedef struct
{
  GMainLoop    *loop;
  CanopyPlayer *player;
  GError       *error;
  gboolean      ok;
  gboolean      done;
} Replay;

static void
on_message_sent (CanopyPlayer        *player,
                 const CanopyMessage *msg,
                 gpointer             user_data)
{
  char line[CANOPY_MESSAGE_STRING_SIZE];

  canopy_message_format (msg, line, sizeof line);
  /* The playing thread prints; stdout is locked per call. */
  fprintf (stdout, "%s\n", line);
}

static void
on_played (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Replay *replay = user_data;

  replay->ok = canopy_player_play_file_finish (CANOPY_PLAYER (object), result, &replay->error);
  replay->done = TRUE;
  g_main_loop_quit (replay->loop);
}

static gboolean
check_interrupt (gpointer user_data)
{
  Replay *replay = user_data;

  if (canopy_tool_interrupted ())
    canopy_player_stop (replay->player);

  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(CanopyToolBusOptions) bus_options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  g_autoptr(CanopyPlayer) player = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *log_file = NULL;
  g_auto(GStrv) remaining = NULL;
  gboolean ignore_timestamps = FALSE;
  gboolean looping = FALSE;
  double gap = 0.1;
  double skip = 60 * 60 * 24;
  double speed = 1.0;
  const char *input;
  Replay replay = { 0 };
  guint interrupt_id;
  GOptionEntry entries[] = {
    { "file_name", 'f', 0, G_OPTION_ARG_FILENAME, &log_file,
      "The file to replay (instead of input-file). Supported types: .asc, .blf, .csv, "
      ".db, .log (candump), .trc", "LOG_FILE" },
    { "ignore-timestamps", 0, 0, G_OPTION_ARG_NONE, &ignore_timestamps,
      "Ignore timestamps (send all frames immediately with minimum gap between frames)", NULL },
    { "gap", 'g', 0, G_OPTION_ARG_DOUBLE, &gap,
      "<ms> minimum time between replayed frames (default 0.1)", "GAP" },
    { "skip", 's', 0, G_OPTION_ARG_DOUBLE, &skip,
      "<s> skip gaps greater than 's' seconds (default 86400)", "SKIP" },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      "Replay this many times faster than recorded, e.g. 2 or 0.5 (default 1)", "FACTOR" },
    { "loop", 0, 0, G_OPTION_ARG_NONE, &looping,
      "Start over at the end of the file, until interrupted", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &remaining, NULL, "input-file" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = canopy_tool_option_context_new ("Replay CAN traffic from a log file onto a bus, with the recorded timing.\n"
                                            "-v also prints each frame sent. Stop with Ctrl+C.",
                                            &bus_options, entries);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return canopy_tool_fail ("canopy-player", error, 2);

  if (remaining != NULL && remaining[0] != NULL && (remaining[1] != NULL || log_file != NULL))
    {
      g_printerr ("canopy-player: give one file to replay\n");
      return 2;
    }
  input = log_file != NULL ? log_file : (remaining != NULL ? remaining[0] : NULL);
  if (input == NULL)
    {
      g_printerr ("canopy-player: no input file; see --help\n");
      return 2;
    }
  if (!(gap >= 0) || !(skip >= 0) || !(speed > 0))
    {
      g_printerr ("canopy-player: --gap and --skip must not be negative, --speed must be positive\n");
      return 2;
    }

  /* Before opening anything: a configuration file or the log can block. */
  canopy_tool_catch_interrupt ();

  if (!(bus = canopy_tool_open_bus (&bus_options, NULL, &error)))
    return canopy_tool_fail ("canopy-player", error, 1);

  canopy_tool_report_connected (&bus_options, bus);

  player = canopy_player_new (bus);
  canopy_player_set_ignore_timestamps (player, ignore_timestamps);
  canopy_player_set_gap (player, gap);
  canopy_player_set_skip (player, skip);
  canopy_player_set_speed (player, speed);
  canopy_player_set_loop (player, looping);
  if (bus_options.verbosity > 0)
    g_signal_connect (player, "message-sent", G_CALLBACK (on_message_sent), NULL);

  loop = g_main_loop_new (NULL, FALSE);
  replay.loop = loop;
  replay.player = player;
  interrupt_id = g_timeout_add (100, check_interrupt, &replay);
  canopy_player_play_file_async (player, input, NULL, on_played, &replay);
  if (!replay.done)
    g_main_loop_run (loop);
  g_source_remove (interrupt_id);

  fflush (stdout);
  canopy_bus_shutdown (bus);

  if (!replay.ok)
    {
      g_printerr ("canopy-player: %s: %s\n", input, replay.error->message);
      g_clear_error (&replay.error);
      return 1;
    }

  if (canopy_player_get_frames_left_out (player) > 0)
    g_printerr ("canopy-player: left out %" G_GUINT64_FORMAT " frames that no CAN bus can carry "
                "(a standard id above 0x7FF, a remote CAN FD frame, …)\n",
                canopy_player_get_frames_left_out (player));

  if (bus_options.verbosity > 0)
    g_printerr ("Replayed %" G_GUINT64_FORMAT " frames\n", canopy_player_get_frames_sent (player));

  return 0;
}
