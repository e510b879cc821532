/* test-app-display-filter.c — display filters, the filtered frame model and
 * filter sets, without a display: what a filter shows, that the model over a
 * capture store or a log document shows exactly those frames as they
 * arrive, drop off or the filter changes, and that a set survives its file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "canopy-display-filter.h"
#include "canopy-filter-set.h"
#include "canopy-filtered-frames.h"

static CanopyMessage
frame (guint32     id,
       guint32     flags,
       const char *hex)
{
  CanopyMessage msg;
  guint8 data[CANOPY_MESSAGE_MAX_DATA];
  gsize len = 0;

  for (const char *p = hex; p[0] != '\0' && p[1] != '\0'; p += 2)
    {
      if (*p == ' ')
        p--;
      else
        data[len++] = g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]);
    }
  canopy_message_init (&msg, id, (flags & CANOPY_MESSAGE_EXTENDED) != 0, data, len);
  msg.flags |= flags;
  return msg;
}

static CanopyDisplayFilter *
filter_new (const char            *ids,
            const char            *data,
            CanopyDirectionFilter  direction,
            CanopyErrorFrames      errors,
            const char            *channel)
{
  g_autoptr(GError) error = NULL;
  CanopyDisplayFilter *filter = canopy_display_filter_new (ids, data, direction, errors, channel, &error);

  g_assert_no_error (error);
  g_assert_nonnull (filter);
  return filter;
}

static CanopyDisplayFilter *
ids_filter (const char *ids)
{
  return filter_new (ids, NULL, CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_SHOW, NULL);
}

static gboolean
shows (CanopyDisplayFilter *filter,
       CanopyMessage        msg)
{
  return canopy_display_filter_matches (filter, &msg);
}

static void
test_parse_errors (void)
{
  static const struct { const char *ids, *data, *channel, *names; } bad[] = {
    { "12G", NULL, NULL, "12G" },
    { "200-100", NULL, NULL, "200-100" },
    { "!", NULL, NULL, "!" },
    { "123 2000000000", NULL, NULL, "2000000000" },
    { NULL, "0", NULL, "0" },
    { NULL, "01 0G", NULL, "0G" },
    { NULL, "???", NULL, "???" },
    { NULL, NULL, "one", "one" },
    { NULL, NULL, "-1", "-1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyDisplayFilter) filter =
        canopy_display_filter_new (bad[i].ids, bad[i].data, CANOPY_DIRECTION_FILTER_BOTH,
                                   CANOPY_ERROR_FRAMES_SHOW, bad[i].channel, &error);

      g_assert_null (filter);
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
      /* The message names what the user typed wrong. */
      g_assert_nonnull (strstr (error->message, bad[i].names));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CanopyDisplayFilter) filter =
      canopy_display_filter_new (NULL, "?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? "
                                       "?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? "
                                       "?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? "
                                       "?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ?? ??",
                                 CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_SHOW, NULL, &error);

    g_assert_null (filter);
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_ids (void)
{
  g_autoptr(CanopyDisplayFilter) one = ids_filter ("3E9");
  g_autoptr(CanopyDisplayFilter) ranges = ids_filter ("100-1FF, 0x7DF;  !150 ,!1A0-1AF");
  g_autoptr(CanopyDisplayFilter) hide = ids_filter ("!7DF");
  g_autoptr(CanopyDisplayFilter) extended = ids_filter ("18FEF100x");

  g_assert_true (shows (one, frame (0x3E9, 0, "")));
  g_assert_false (shows (one, frame (0x3EA, 0, "")));
  /* Without an x, an entry takes both widths: the number is what counts. */
  g_assert_true (shows (one, frame (0x3E9, CANOPY_MESSAGE_EXTENDED, "")));

  g_assert_true (shows (ranges, frame (0x100, 0, "")));
  g_assert_true (shows (ranges, frame (0x1FF, 0, "")));
  g_assert_true (shows (ranges, frame (0x7DF, 0, "")));
  g_assert_false (shows (ranges, frame (0x0FF, 0, "")));
  g_assert_false (shows (ranges, frame (0x200, 0, "")));
  g_assert_false (shows (ranges, frame (0x150, 0, "")));
  g_assert_false (shows (ranges, frame (0x1A5, 0, "")));
  g_assert_true (shows (ranges, frame (0x1B0, 0, "")));

  /* Only exclusions: everything else shows. */
  g_assert_false (shows (hide, frame (0x7DF, 0, "")));
  g_assert_true (shows (hide, frame (0x7E8, 0, "")));

  g_assert_true (shows (extended, frame (0x18FEF100, CANOPY_MESSAGE_EXTENDED, "")));
  g_assert_false (shows (extended, frame (0x18FEF101, CANOPY_MESSAGE_EXTENDED, "")));
  g_assert_false (shows (extended, frame (0x100, 0, "")));

  g_assert_true (canopy_display_filter_get_by_id_only (ranges));
  g_assert_false (canopy_display_filter_is_empty (ranges));
}

static void
test_data (void)
{
  g_autoptr(CanopyDisplayFilter) pattern = filter_new (NULL, "?? 01 F?", CANOPY_DIRECTION_FILTER_BOTH,
                                                       CANOPY_ERROR_FRAMES_SHOW, NULL);
  g_autoptr(CanopyDisplayFilter) packed = filter_new (NULL, "DEAD", CANOPY_DIRECTION_FILTER_BOTH,
                                                      CANOPY_ERROR_FRAMES_SHOW, NULL);
  g_autoptr(CanopyDisplayFilter) zero = filter_new (NULL, "00", CANOPY_DIRECTION_FILTER_BOTH,
                                                    CANOPY_ERROR_FRAMES_SHOW, NULL);
  CanopyMessage remote = frame (0x123, CANOPY_MESSAGE_REMOTE, "");

  g_assert_true (shows (pattern, frame (0x123, 0, "00 01 F0")));
  g_assert_true (shows (pattern, frame (0x123, 0, "AB 01 FF 55 66")));
  g_assert_false (shows (pattern, frame (0x123, 0, "AB 02 FF")));
  g_assert_false (shows (pattern, frame (0x123, 0, "AB 01 EF")));
  /* Too short to hold the pattern. */
  g_assert_false (shows (pattern, frame (0x123, 0, "AB 01")));
  /* A remote frame has no payload to match, whatever its DLC says. */
  remote.dlc = 8;
  g_assert_false (shows (zero, remote));
  g_assert_true (shows (zero, frame (0x123, 0, "00")));

  g_assert_true (shows (packed, frame (0x1, 0, "DE AD")));
  g_assert_false (shows (packed, frame (0x1, 0, "DE AE")));

  g_assert_false (canopy_display_filter_get_by_id_only (pattern));
}

static void
test_direction_errors_channel (void)
{
  g_autoptr(CanopyDisplayFilter) rx = filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_RX, CANOPY_ERROR_FRAMES_SHOW, NULL);
  g_autoptr(CanopyDisplayFilter) tx = filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_TX, CANOPY_ERROR_FRAMES_SHOW, NULL);
  g_autoptr(CanopyDisplayFilter) no_errors = filter_new ("123", NULL, CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_HIDE, NULL);
  g_autoptr(CanopyDisplayFilter) only_errors = filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_ONLY, NULL);
  g_autoptr(CanopyDisplayFilter) errors_too = filter_new ("123", "01", CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_SHOW, NULL);
  g_autoptr(CanopyDisplayFilter) channel = filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_SHOW, " 2 ");
  CanopyMessage on_2 = frame (0x123, 0, "");
  CanopyMessage on_1 = frame (0x123, 0, "");
  CanopyMessage error = frame (0x4, CANOPY_MESSAGE_ERROR, "00 00 08");

  g_assert_true (shows (rx, frame (0x123, 0, "")));
  g_assert_false (shows (rx, frame (0x123, CANOPY_MESSAGE_TX, "")));
  g_assert_true (shows (tx, frame (0x123, CANOPY_MESSAGE_TX, "")));
  g_assert_false (shows (tx, frame (0x123, 0, "")));

  g_assert_false (shows (no_errors, error));
  g_assert_true (shows (no_errors, frame (0x123, 0, "")));
  g_assert_true (shows (only_errors, error));
  g_assert_false (shows (only_errors, frame (0x123, 0, "")));
  /* Ids and data are for data frames; error frames follow their own choice. */
  g_assert_true (shows (errors_too, error));
  g_assert_false (shows (errors_too, frame (0x124, 0, "01")));

  on_2.channel = 2;
  on_1.channel = 1;
  g_assert_true (shows (channel, on_2));
  g_assert_false (shows (channel, on_1));
  g_assert_false (shows (channel, frame (0x123, 0, "")));
  g_assert_true (canopy_display_filter_get_by_id_only (channel));
}

static void
test_empty (void)
{
  g_autoptr(CanopyDisplayFilter) empty = filter_new (" ", "", CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_SHOW, "");
  g_autoptr(CanopyDisplayFilter) hide_errors = filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_BOTH, CANOPY_ERROR_FRAMES_HIDE, NULL);

  g_assert_true (canopy_display_filter_is_empty (empty));
  g_assert_true (shows (empty, frame (0x1, CANOPY_MESSAGE_ERROR, "")));
  g_assert_true (shows (empty, frame (0x1FFFFFFF, CANOPY_MESSAGE_EXTENDED | CANOPY_MESSAGE_TX, "01 02")));
  g_assert_false (canopy_display_filter_is_empty (hide_errors));
}

static void
test_acceptance_text (void)
{
  static const struct { const char *text; guint32 id, mask; gboolean match_type, extended, inverted; const char *back; } good[] = {
    { "123:7FF", 0x123, 0x7FF, FALSE, FALSE, FALSE, "123:7FF" },
    { " 123~7ff ", 0x123, 0x7FF, FALSE, FALSE, TRUE, "123~7FF" },
    { "18FEF100:1FFFFFFF extended", 0x18FEF100, 0x1FFFFFFF, TRUE, TRUE, FALSE, "18FEF100:1FFFFFFF extended" },
    { "7DF~7FF   Standard", 0x7DF, 0x7FF, TRUE, FALSE, TRUE, "7DF~7FF standard" },
  };
  static const char *bad[] = { "", "123", "123:7FF bogus", "123:7FF extended more", "xyz:7FF", "123;7FF" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *back = NULL;
      CanopyFilter filter;

      g_assert_true (canopy_acceptance_filter_parse (good[i].text, &filter, &error));
      g_assert_no_error (error);
      g_assert_cmphex (filter.can_id, ==, good[i].id);
      g_assert_cmphex (filter.can_mask, ==, good[i].mask);
      g_assert_cmpint (filter.match_id_type, ==, good[i].match_type);
      g_assert_cmpint (filter.extended, ==, good[i].extended);
      g_assert_cmpint (filter.inverted, ==, good[i].inverted);
      back = canopy_acceptance_filter_to_string (&filter);
      g_assert_cmpstr (back, ==, good[i].back);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      CanopyFilter filter;

      g_assert_false (canopy_acceptance_filter_parse (bad[i], &filter, &error));
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
    }

  /* What the bus makes of them: id~mask takes what does not match, an
   * extended-only filter no standard frame. */
  {
    CanopyFilter inverted, extended;
    CanopyMessage msg;

    g_assert_true (canopy_acceptance_filter_parse ("123~7FF", &inverted, NULL));
    g_assert_true (canopy_acceptance_filter_parse ("123:7FF extended", &extended, NULL));
    msg = frame (0x123, 0, "");
    g_assert_false (canopy_filter_matches (&inverted, &msg));
    g_assert_false (canopy_filter_matches (&extended, &msg));
    msg = frame (0x456, 0, "");
    g_assert_true (canopy_filter_matches (&inverted, &msg));
    msg = frame (0x123, CANOPY_MESSAGE_EXTENDED, "");
    g_assert_true (canopy_filter_matches (&extended, &msg));
  }
}

static void
test_filter_set_round_trip (void)
{
  CanopyFilter filters[3];
  g_autoptr(CanopyDisplayFilter) display = filter_new ("100-1FF, !150", "?? 01", CANOPY_DIRECTION_FILTER_TX,
                                                       CANOPY_ERROR_FRAMES_ONLY, "3");
  g_autoptr(CanopyFilterSet) set = NULL;
  g_autoptr(CanopyFilterSet) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;
  const CanopyFilter *got;
  CanopyDisplayFilter *got_display;
  guint n;

  g_assert_true (canopy_acceptance_filter_parse ("123:7FF", &filters[0], NULL));
  g_assert_true (canopy_acceptance_filter_parse ("7DF~7FF", &filters[1], NULL));
  g_assert_true (canopy_acceptance_filter_parse ("18FEF100:1FFFFFFF extended", &filters[2], NULL));
  set = canopy_filter_set_new (filters, G_N_ELEMENTS (filters), display);
  data = canopy_filter_set_to_data (set);
  g_test_message ("%s", data);

  back = canopy_filter_set_new_from_data (data, &error);
  g_assert_no_error (error);
  got = canopy_filter_set_get_acceptance (back, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpmem (got, sizeof filters, filters, sizeof filters);

  got_display = canopy_filter_set_get_display (back);
  g_assert_cmpstr (canopy_display_filter_get_ids (got_display), ==, "100-1FF, !150");
  g_assert_cmpstr (canopy_display_filter_get_data (got_display), ==, "?? 01");
  g_assert_cmpstr (canopy_display_filter_get_channel (got_display), ==, "3");
  g_assert_cmpint (canopy_display_filter_get_direction (got_display), ==, CANOPY_DIRECTION_FILTER_TX);
  g_assert_cmpint (canopy_display_filter_get_error_frames (got_display), ==, CANOPY_ERROR_FRAMES_ONLY);

  again = canopy_filter_set_to_data (back);
  g_assert_cmpstr (again, ==, data);

  /* An empty set stays empty; a display filter without keys shows all. */
  {
    g_autoptr(CanopyFilterSet) empty = canopy_filter_set_new (NULL, 0, NULL);
    g_autofree char *text = canopy_filter_set_to_data (empty);
    g_autoptr(CanopyFilterSet) empty_back = canopy_filter_set_new_from_data (text, &error);

    g_assert_no_error (error);
    canopy_filter_set_get_acceptance (empty_back, &n);
    g_assert_cmpuint (n, ==, 0);
    g_assert_true (canopy_display_filter_is_empty (canopy_filter_set_get_display (empty_back)));
  }
}

static void
test_filter_set_bad_files (void)
{
  static const char *bad[] = {
    "not a key file at all",
    "[Something]\nkey=value\n",
    "[Acceptance]\nfilters=123:7FF;12X:7FF;\n",
    "[Display]\nids=100-\n",
    "[Display]\ndirection=sideways\n",
    "[Display]\nerror-frames=maybe\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyFilterSet) set = canopy_filter_set_new_from_data (bad[i], &error);

      g_assert_null (set);
      g_assert_nonnull (error);
      g_test_message ("%s → %s", bad[i], error->message);
    }
}

/* --- the filtered model --- */

static void
spin_until_store_has (CanopyCaptureStore *store,
                      guint               n_items)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_list_model_get_n_items (G_LIST_MODEL (store)) != n_items && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n_items);
}

static void
spin_until_scanned (CanopyFilteredFrames *model)
{
  while (canopy_filtered_frames_get_pending (model))
    g_main_context_iteration (NULL, TRUE);
}

static guint32
item_id (GListModel *model,
         guint       position)
{
  g_autoptr(CanopyFrameItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  return canopy_frame_item_get_message (item)->arbitration_id;
}

static guint64
item_frame_number (GListModel *model,
                   guint       position)
{
  g_autoptr(CanopyFrameItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  return canopy_frame_item_get_position (item);
}

/* The model must hold exactly the source's frames that pass, in order. */
static void
assert_model_matches_source (CanopyFilteredFrames *model)
{
  GListModel *source = canopy_filtered_frames_get_source (model);
  CanopyDisplayFilter *filter = canopy_filtered_frames_get_filter (model);
  guint n_source = g_list_model_get_n_items (source);
  guint shown = 0;

  for (guint i = 0; i < n_source; i++)
    {
      g_autoptr(CanopyFrameItem) item = g_list_model_get_item (source, i);
      const CanopyMessage *msg = canopy_frame_item_get_message (item);

      if (filter != NULL && !canopy_display_filter_matches (filter, msg))
        continue;
      g_assert_cmpuint (shown, <, g_list_model_get_n_items (G_LIST_MODEL (model)));
      g_assert_cmpuint (canopy_filtered_frames_get_source_position (model, shown), ==, i);
      g_assert_cmpuint (item_frame_number (G_LIST_MODEL (model), shown), ==,
                        canopy_frame_item_get_position (item));
      shown++;
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, shown);
}

static const guint32 cycle_ids[] = { 0x0C9, 0x1E5, 0x3E9, 0x7DF, 0x18FEF100 };

static void
append_cycle (CanopyCaptureStore *store,
              guint               n_frames,
              guint               offset)
{
  g_autofree CanopyMessage *msgs = g_new (CanopyMessage, n_frames);

  for (guint i = 0; i < n_frames; i++)
    {
      guint32 id = cycle_ids[(offset + i) % G_N_ELEMENTS (cycle_ids)];
      guint8 data[2] = { (offset + i) & 0xFF, 0x01 };

      canopy_message_init (&msgs[i], id, id > 0x7FF, data, sizeof data);
      msgs[i].timestamp_ns = (gint64) (offset + i) * 1000;
    }
  canopy_capture_store_append_many (store, msgs, n_frames);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *n_changes)
{
  (*n_changes)++;
}

static void
test_model_over_capture_store (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(CanopyDisplayFilter) one_id = ids_filter ("3E9");
  g_autoptr(CanopyDisplayFilter) hide_one = ids_filter ("!3E9");
  g_autoptr(CanopyFilteredFrames) model = NULL;

  append_cycle (store, 1000, 0);
  spin_until_store_has (store, 1000);

  model = canopy_filtered_frames_new (G_LIST_MODEL (store), one_id);
  spin_until_scanned (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 200);
  for (guint i = 0; i < 200; i++)
    g_assert_cmphex (item_id (G_LIST_MODEL (model), i), ==, 0x3E9);
  assert_model_matches_source (model);

  /* New frames: only the matching ones join, at the end. */
  append_cycle (store, 500, 1000);
  spin_until_store_has (store, 1500);
  spin_until_scanned (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 300);
  assert_model_matches_source (model);

  /* Another filter: the same captured frames, seen differently. */
  canopy_filtered_frames_set_filter (model, hide_one);
  spin_until_scanned (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1200);
  assert_model_matches_source (model);

  /* No filter: every frame is there again, none was lost. */
  canopy_filtered_frames_set_filter (model, NULL);
  spin_until_scanned (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1500);
  assert_model_matches_source (model);

  /* find_position lands on the row of a shown frame, or the next one. */
  canopy_filtered_frames_set_filter (model, one_id);
  spin_until_scanned (model);
  g_assert_cmpuint (canopy_filtered_frames_find_position (model, 2), ==, 0);
  g_assert_cmpuint (canopy_filtered_frames_find_position (model, 3), ==, 1);
  g_assert_cmpuint (canopy_filtered_frames_find_position (model, 7), ==, 1);
  g_assert_cmpuint (canopy_filtered_frames_find_position (model, 1499), ==, 300);
  g_assert_cmpuint (canopy_filtered_frames_get_source_position (model, 300), ==, G_MAXUINT);

  /* A cleared store empties the model. */
  canopy_capture_store_clear (store);
  spin_until_store_has (store, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  append_cycle (store, 10, 0);
  spin_until_store_has (store, 10);
  spin_until_scanned (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  assert_model_matches_source (model);
}

/* A ring drops its oldest frames: they leave the model from its front. */
static void
test_model_over_ring (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(CanopyDisplayFilter) filter = ids_filter ("3E9, 0C9");
  g_autoptr(CanopyFilteredFrames) model = canopy_filtered_frames_new (G_LIST_MODEL (store), filter);
  guint appended = 0;

  canopy_capture_store_set_memory_limit (store, 3 * 4096 * 24);

  for (guint round = 0; round < 12; round++)
    {
      append_cycle (store, 3000, appended);
      appended += 3000;
      /* Let the store publish what it holds now. */
      for (guint i = 0; i < 20; i++)
        g_main_context_iteration (NULL, FALSE), g_usleep (2000);
      spin_until_scanned (model);
      assert_model_matches_source (model);
    }

  g_assert_cmpuint (canopy_capture_store_get_n_dropped (store), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), <, appended * 2 / 5);
}

/* A million frames: the model fills in many steps on the idle, never in
 * one, so the user interface keeps drawing while it does. */
static void
test_model_million (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(CanopyDisplayFilter) filter = ids_filter ("7DF");
  g_autoptr(CanopyFilteredFrames) model = NULL;
  guint n_changes = 0;
  guint n_iterations = 0;

  for (guint i = 0; i < 10; i++)
    append_cycle (store, 100000, i * 100000);
  spin_until_store_has (store, 1000000);

  model = canopy_filtered_frames_new (G_LIST_MODEL (store), filter);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_changes), &n_changes);
  /* Nothing is scanned while the caller still runs. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_true (canopy_filtered_frames_get_pending (model));

  while (canopy_filtered_frames_get_pending (model))
    {
      g_main_context_iteration (NULL, TRUE);
      n_iterations++;
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 200000);
  g_assert_cmpuint (n_iterations, >, 1);
  g_assert_cmpuint (n_changes, >, 1);
  g_assert_cmphex (item_id (G_LIST_MODEL (model), 199999), ==, 0x7DF);
  g_assert_cmpuint (canopy_filtered_frames_get_source_position (model, 199999), ==, 999998);
}

static void
document_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  canopy_log_document_load_finish (CANOPY_LOG_DOCUMENT (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* Over a log document that is still loading: rows join as it indexes. */
static void
test_model_over_document (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "python-can", "logfile.asc", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CanopyLogDocument) document = canopy_log_document_new (file);
  g_autoptr(CanopyDisplayFilter) no_errors = filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_BOTH,
                                                         CANOPY_ERROR_FRAMES_HIDE, NULL);
  g_autoptr(CanopyDisplayFilter) only_errors = filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_BOTH,
                                                           CANOPY_ERROR_FRAMES_ONLY, NULL);
  g_autoptr(CanopyFilteredFrames) model = canopy_filtered_frames_new (G_LIST_MODEL (document), no_errors);
  gboolean done = FALSE;
  guint without, with;

  canopy_log_document_load_async (document, NULL, document_loaded, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  spin_until_scanned (model);
  assert_model_matches_source (model);
  without = g_list_model_get_n_items (G_LIST_MODEL (model));

  canopy_filtered_frames_set_filter (model, only_errors);
  spin_until_scanned (model);
  assert_model_matches_source (model);
  with = g_list_model_get_n_items (G_LIST_MODEL (model));

  g_test_message ("%u frames, %u without error frames, %u error frames",
                  g_list_model_get_n_items (G_LIST_MODEL (document)), without, with);
  g_assert_cmpuint (with, >, 0);
  g_assert_cmpuint (without, >, 0);
  g_assert_cmpuint (without + with, ==, g_list_model_get_n_items (G_LIST_MODEL (document)));
}

/* Any other change of the source (a generic model) rebuilds the index. */
static void
test_model_over_list_store (void)
{
  g_autoptr(GListStore) source = g_list_store_new (CANOPY_TYPE_FRAME_ITEM);
  g_autoptr(CanopyDisplayFilter) filter = ids_filter ("100-1FF");
  g_autoptr(CanopyFilteredFrames) model = canopy_filtered_frames_new (G_LIST_MODEL (source), filter);

  for (guint i = 0; i < 20; i++)
    {
      CanopyMessage msg = frame (i % 2 ? 0x150 : 0x250, 0, "01");
      g_autoptr(CanopyFrameItem) item = canopy_frame_item_new (&msg, i);

      g_list_store_append (source, item);
    }
  spin_until_scanned (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);

  g_list_store_remove (source, 5);
  g_list_store_remove (source, 5);
  spin_until_scanned (model);
  assert_model_matches_source (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/display-filter/parse-errors", test_parse_errors);
  g_test_add_func ("/app/display-filter/ids", test_ids);
  g_test_add_func ("/app/display-filter/data", test_data);
  g_test_add_func ("/app/display-filter/direction-errors-channel", test_direction_errors_channel);
  g_test_add_func ("/app/display-filter/empty", test_empty);
  g_test_add_func ("/app/filter-set/acceptance-text", test_acceptance_text);
  g_test_add_func ("/app/filter-set/round-trip", test_filter_set_round_trip);
  g_test_add_func ("/app/filter-set/bad-files", test_filter_set_bad_files);
  g_test_add_func ("/app/filtered-frames/capture-store", test_model_over_capture_store);
  g_test_add_func ("/app/filtered-frames/ring", test_model_over_ring);
  g_test_add_func ("/app/filtered-frames/million", test_model_million);
  g_test_add_func ("/app/filtered-frames/document", test_model_over_document);
  g_test_add_func ("/app/filtered-frames/list-store", test_model_over_list_store);

  return g_test_run ();
}
