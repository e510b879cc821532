/* canopy-per-id-view.c — a cansniffer-like table of the traffic
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>

#include "canopy-per-id-view.h"
#include "canopy-tool-common.h"

#define REDRAW_INTERVAL_USEC (G_USEC_PER_SEC / 10)
#define RECV_TIMEOUT 0.02

/* Changed bytes: bold red on a terminal; followed by '*' in plain text. */
#define CHANGED_ON  "\033[1;31m"
#define CHANGED_OFF "\033[0m"

static void
append_row (GString     *out,
            CanopyIdRow *row,
            gboolean     terminal)
{
  const CanopyMessage *msg = canopy_id_row_get_message (row);
  guint64 changed = canopy_id_row_get_changed_mask (row);
  gint64 last = canopy_id_row_get_period_last_ns (row);
  gint64 mean = canopy_id_row_get_period_mean_ns (row);
  g_autofree char *id = NULL;

  if (canopy_id_row_is_extended (row))
    id = g_strdup_printf ("%08X", canopy_id_row_get_arbitration_id (row));
  else
    id = g_strdup_printf ("%03X", canopy_id_row_get_arbitration_id (row));
  if (canopy_id_row_get_channel (row) != CANOPY_CHANNEL_NONE)
    {
      char *with_channel = g_strdup_printf ("%d:%s", canopy_id_row_get_channel (row), id);

      g_free (id);
      id = with_channel;
    }

  g_string_append_printf (out, "%-12s %9" G_GUINT64_FORMAT, id, canopy_id_row_get_count (row));
  if (last >= 0)
    g_string_append_printf (out, " %10.3f %10.3f  ", last / 1e6, mean / 1e6);
  else
    g_string_append_printf (out, " %10s %10s  ", "-", "-");

  if (msg->flags & CANOPY_MESSAGE_ERROR)
    g_string_append (out, "error frame");
  else if (msg->flags & CANOPY_MESSAGE_REMOTE)
    g_string_append_printf (out, "remote request, %u bytes", msg->dlc);
  else
    for (guint i = 0; i < MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA); i++)
      {
        gboolean byte_changed = (changed >> i) & 1;

        if (terminal && byte_changed)
          g_string_append_printf (out, CHANGED_ON "%02X" CHANGED_OFF " ", msg->data[i]);
        else
          g_string_append_printf (out, "%02X%c", msg->data[i], byte_changed && !terminal ? '*' : ' ');
      }

  /* Erase what a longer line left there. */
  g_string_append (out, terminal ? "\033[K\n" : "\n");
}

static void
draw (CanopyIdTable *table,
      gboolean       terminal)
{
  g_autoptr(GString) out = g_string_new (terminal ? "\033[H" : NULL);
  GListModel *rows = G_LIST_MODEL (table);
  guint n_rows = g_list_model_get_n_items (rows);
  guint64 n_untracked = canopy_id_table_get_n_untracked (table);

  g_string_append_printf (out, "%-12s %9s %10s %10s  %s%s\n",
                          "Id", "Count", "Period ms", "Mean ms", "Data",
                          terminal ? "\033[K" : "");
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(CanopyIdRow) row = g_list_model_get_item (rows, i);

      append_row (out, row, terminal);
    }
  if (n_untracked > 0)
    g_string_append_printf (out, "(%" G_GUINT64_FORMAT " frames of ids beyond the first %u)%s\n",
                            n_untracked, canopy_id_table_get_max_ids (table), terminal ? "\033[K" : "");
  if (terminal)
    g_string_append (out, "\033[J");

  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
}

static guint64
published_frames (GListModel *rows)
{
  guint64 sum = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CanopyIdRow) row = g_list_model_get_item (rows, i);

      sum += canopy_id_row_get_count (row);
    }

  return sum;
}

gboolean
canopy_per_id_view_run (CanopyBus  *bus,
                        gint64      max_frames,
                        gint64      deadline,
                        guint64    *n_frames,
                        GError    **error)
{
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  GListModel *rows = G_LIST_MODEL (table);
  gboolean terminal = g_log_writer_supports_color (fileno (stdout));
  gint64 next_draw = g_get_monotonic_time ();
  gint64 settle_deadline;
  guint64 received = 0;

  if (terminal)
    fputs ("\033[2J", stdout);

  while (!canopy_tool_interrupted () && (max_frames <= 0 || (gint64) received < max_frames))
    {
      CanopyMessage msg;
      gint64 now = g_get_monotonic_time ();

      if (deadline != 0 && now >= deadline)
        break;

      if (canopy_bus_recv_into (bus, &msg, RECV_TIMEOUT, error))
        {
          canopy_id_table_feed (table, &msg, 1);
          received++;
        }
      else if (error != NULL && *error != NULL)
        return FALSE;

      /* The table publishes on this thread's main context. */
      g_main_context_iteration (NULL, FALSE);

      if (terminal && now >= next_draw)
        {
          draw (table, TRUE);
          next_draw = now + REDRAW_INTERVAL_USEC;
        }
    }

  /* The last frames reach the rows at the table's next publication. */
  settle_deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (published_frames (rows) < received && g_get_monotonic_time () < settle_deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  draw (table, terminal);
  *n_frames = received;

  return TRUE;
}
