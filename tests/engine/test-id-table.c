/* test-id-table.c — one row per identifier
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "models-test-common.h"

#define MS (G_GINT64_CONSTANT (1000000))

static void
frame (CanopyMessage *msg,
       gint64         timestamp_ns,
       int            channel,
       guint32        id,
       gboolean       extended,
       const char    *hex)
{
  gsize len = 0;
  g_autofree guint8 *data = NULL;

  if (*hex != '\0')
    {
      g_auto(GStrv) bytes = g_strsplit (hex, " ", -1);

      len = g_strv_length (bytes);
      data = g_new (guint8, len);
      for (gsize i = 0; i < len; i++)
        data[i] = (guint8) g_ascii_strtoull (bytes[i], NULL, 16);
    }

  canopy_message_init (msg, id, extended, data, len);
  msg->timestamp_ns = timestamp_ns;
  msg->channel = channel;
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           GString    *names)
{
  g_string_append_printf (names, "%s ", pspec->name);
}

typedef struct
{
  gint64      timestamp_ms;
  const char *data;
  guint64     count;
  gint64      last_ms, mean_ns, min_ms, max_ms;
  guint64     changed_mask;
} Step;

/* One identifier through a known sequence: periods and changed bytes after
 * every frame, each published on its own. */
static void
test_known_sequence (void)
{
  static const Step steps[] = {
    {  0, "01 02 03",    1, -1, -1,         -1, -1, 0x0 },
    { 10, "01 02 04",    2, 10, 10 * MS,    10, 10, 0x4 },
    { 30, "01 09 04 05", 3, 20, 15 * MS,    10, 20, 0xa },
    { 35, "01 09 04 05", 4,  5, 35 * MS / 3, 5, 20, 0x0 },
    { 36, "ff",          5,  1, 36 * MS / 4, 1, 20, 0xf },
    { 36, "",            6,  0, 36 * MS / 5, 0, 20, 0x1 },
  };
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  g_autoptr(CanopyIdRow) row = NULL;
  g_autoptr(GString) notified = g_string_new (NULL);
  guint n_emissions = 0;

  g_signal_connect (table, "items-changed", G_CALLBACK (models_test_count_items_changed), &n_emissions);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      CanopyMessage msg;
      const guint8 *data;
      gsize len;

      frame (&msg, 1000 * MS + steps[i].timestamp_ms * MS, 2, 0x123, FALSE, steps[i].data);
      canopy_id_table_feed (table, &msg, 1);
      models_test_wait_for_n_items (G_LIST_MODEL (table), 1);
      if (row == NULL)
        {
          row = g_list_model_get_item (G_LIST_MODEL (table), 0);
          g_signal_connect (row, "notify", G_CALLBACK (on_notify), notified);
        }
      else
        {
          g_autoptr(CanopyIdRow) again = NULL;

          g_string_truncate (notified, 0);
          while (canopy_id_row_get_count (row) != steps[i].count)
            g_main_context_iteration (NULL, TRUE);

          /* Updated in place: the same object, notified, no items-changed. */
          again = g_list_model_get_item (G_LIST_MODEL (table), 0);
          g_assert_true (again == row);
          g_assert_nonnull (strstr (notified->str, "count "));
          g_assert_nonnull (strstr (notified->str, "message "));
          /* Only what changed is notified. */
          g_assert_true ((strstr (notified->str, "last-timestamp-ns ") != NULL) ==
                         (steps[i].timestamp_ms != steps[i - 1].timestamp_ms));
          g_assert_null (strstr (notified->str, "first-timestamp-ns "));
        }

      g_assert_cmpuint (canopy_id_row_get_count (row), ==, steps[i].count);
      g_assert_cmpint (canopy_id_row_get_period_last_ns (row), ==, steps[i].last_ms < 0 ? -1 : steps[i].last_ms * MS);
      g_assert_cmpint (canopy_id_row_get_period_mean_ns (row), ==, steps[i].mean_ns);
      g_assert_cmpint (canopy_id_row_get_period_min_ns (row), ==, steps[i].min_ms < 0 ? -1 : steps[i].min_ms * MS);
      g_assert_cmpint (canopy_id_row_get_period_max_ns (row), ==, steps[i].max_ms < 0 ? -1 : steps[i].max_ms * MS);
      g_assert_cmphex (canopy_id_row_get_changed_mask (row), ==, steps[i].changed_mask);
      g_assert_cmpint (canopy_id_row_get_first_timestamp_ns (row), ==, 1000 * MS);
      g_assert_cmpint (canopy_id_row_get_last_timestamp_ns (row), ==, 1000 * MS + steps[i].timestamp_ms * MS);
      data = canopy_message_get_data (canopy_id_row_get_message (row), &len);
      g_assert_cmpmem (data, len, msg.data, msg.dlc);
      g_assert_cmpuint (canopy_id_row_get_arbitration_id (row), ==, 0x123);
      g_assert_cmpint (canopy_id_row_get_channel (row), ==, 2);
      g_assert_false (canopy_id_row_is_extended (row));
    }

  g_assert_cmpuint (n_emissions, ==, 1);
  g_assert_cmpuint (canopy_id_table_get_n_frames (table), ==, G_N_ELEMENTS (steps));
}

/* (channel, id, extended) is the key; rows come in first-seen order. */
static void
test_keys_and_order (void)
{
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  CanopyMessage msgs[6];
  static const struct { int channel; guint32 id; gboolean extended; guint64 count; } want[] = {
    { 0, 0x100, FALSE, 2 },
    { 1, 0x100, FALSE, 1 },
    { 0, 0x100, TRUE,  2 },
    { CANOPY_CHANNEL_NONE, 0x7ff, FALSE, 1 },
  };

  frame (&msgs[0], 1, 0, 0x100, FALSE, "01");
  frame (&msgs[1], 2, 1, 0x100, FALSE, "01");
  frame (&msgs[2], 3, 0, 0x100, TRUE, "01");
  frame (&msgs[3], 4, 0, 0x100, FALSE, "02");
  frame (&msgs[4], 5, CANOPY_CHANNEL_NONE, 0x7ff, FALSE, "");
  frame (&msgs[5], 6, 0, 0x100, TRUE, "01");
  canopy_id_table_feed (table, msgs, G_N_ELEMENTS (msgs));

  /* Not before the main context runs. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 0);
  models_test_wait_for_n_items (G_LIST_MODEL (table), G_N_ELEMENTS (want));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (table)) == CANOPY_TYPE_ID_ROW);

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autoptr(CanopyIdRow) row = g_list_model_get_item (G_LIST_MODEL (table), i);

      g_assert_cmpint (canopy_id_row_get_channel (row), ==, want[i].channel);
      g_assert_cmpuint (canopy_id_row_get_arbitration_id (row), ==, want[i].id);
      g_assert_cmpint (canopy_id_row_is_extended (row), ==, want[i].extended);
      g_assert_cmpuint (canopy_id_row_get_count (row), ==, want[i].count);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (table), G_N_ELEMENTS (want)));
}

typedef struct
{
  guint64 count;
  gint64  first, last, min, max;
  CanopyMessage previous, latest;
} Expected;

/* Thousands of identifiers (the hash table grows several times) fed from
 * a thread in batches, checked against a plain recomputation. */
static gpointer
feed_in_batches (gpointer data)
{
  gpointer *args = data;
  CanopyIdTable *table = args[0];
  GArray *frames = args[1];

  for (guint i = 0; i < frames->len; i += 333)
    canopy_id_table_feed (table, &g_array_index (frames, CanopyMessage, i), MIN (333, frames->len - i));

  return NULL;
}

static void
test_many_ids_from_a_thread (void)
{
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  g_autoptr(GArray) frames = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GThread) thread = NULL;
  gpointer args[2] = { table, frames };
  gint64 ts = 0;

  for (guint i = 0; i < 200000; i++)
    {
      CanopyMessage msg = { 0 };
      gint64 key;
      Expected *e;

      ts += g_rand_int_range (rand, 0, 100000);
      msg.timestamp_ns = ts;
      msg.channel = g_rand_int_range (rand, 0, 2);
      if (g_rand_boolean (rand))
        msg.flags |= CANOPY_MESSAGE_EXTENDED;
      msg.arbitration_id = g_rand_int_range (rand, 0, 2500);
      msg.dlc = g_rand_int_range (rand, 0, 9);
      for (guint b = 0; b < msg.dlc; b++)
        msg.data[b] = g_rand_int_range (rand, 0, 4);
      g_array_append_val (frames, msg);

      key = ((gint64) msg.channel << 32) | ((msg.flags & CANOPY_MESSAGE_EXTENDED) ? 1ll << 31 : 0) | msg.arbitration_id;
      e = g_hash_table_lookup (expected, &key);
      if (e == NULL)
        {
          gint64 *k = g_memdup2 (&key, sizeof key);

          e = g_new0 (Expected, 1);
          e->first = ts;
          e->min = G_MAXINT64;
          e->max = -1;
          g_hash_table_insert (expected, k, e);
          g_ptr_array_add (order, e);
        }
      else
        {
          e->min = MIN (e->min, ts - e->last);
          e->max = MAX (e->max, ts - e->last);
        }
      e->previous = e->latest;
      e->latest = msg;
      e->last = ts;
      e->count++;
    }

  thread = g_thread_new ("feeder", feed_in_batches, args);
  g_thread_join (g_steal_pointer (&thread));
  models_test_wait_for_n_items (G_LIST_MODEL (table), order->len);
  g_assert_cmpuint (order->len, ==, 2 * 2 * 2500);
  g_assert_cmpuint (canopy_id_table_get_n_frames (table), ==, frames->len);

  for (guint i = 0; i < order->len; i++)
    {
      g_autoptr(CanopyIdRow) row = g_list_model_get_item (G_LIST_MODEL (table), i);
      const Expected *e = g_ptr_array_index (order, i);
      const CanopyMessage *latest = canopy_id_row_get_message (row);
      guint64 mask = 0;

      g_assert_cmpuint (canopy_id_row_get_count (row), ==, e->count);
      g_assert_cmpint (canopy_id_row_get_first_timestamp_ns (row), ==, e->first);
      g_assert_cmpint (canopy_id_row_get_last_timestamp_ns (row), ==, e->last);
      g_assert_cmpint (canopy_id_row_get_period_min_ns (row), ==, e->count > 1 ? e->min : -1);
      g_assert_cmpint (canopy_id_row_get_period_max_ns (row), ==, e->count > 1 ? e->max : -1);
      g_assert_cmpint (canopy_id_row_get_period_mean_ns (row), ==,
                       e->count > 1 ? (e->last - e->first) / (gint64) (e->count - 1) : -1);
      g_assert_cmpmem (latest, sizeof *latest, &e->latest, sizeof e->latest);
      if (e->count > 1)
        for (guint b = 0; b < MAX (e->latest.dlc, e->previous.dlc); b++)
          if (b >= MIN (e->latest.dlc, e->previous.dlc) || e->latest.data[b] != e->previous.data[b])
            mask |= G_GUINT64_CONSTANT (1) << b;
      g_assert_cmphex (canopy_id_row_get_changed_mask (row), ==, mask);
    }
}

static void
test_paused_and_clear (void)
{
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  g_autoptr(CanopyIdRow) row = NULL;
  CanopyMessage msg;
  guint n_emissions = 0;

  frame (&msg, 0, 0, 0x10, FALSE, "00");
  canopy_id_table_feed (table, &msg, 1);
  models_test_wait_for_n_items (G_LIST_MODEL (table), 1);
  row = g_list_model_get_item (G_LIST_MODEL (table), 0);
  g_signal_connect (table, "items-changed", G_CALLBACK (models_test_count_items_changed), &n_emissions);

  canopy_id_table_set_paused (table, TRUE);
  g_assert_true (canopy_id_table_get_paused (table));
  frame (&msg, 10, 0, 0x10, FALSE, "01");
  canopy_id_table_feed (table, &msg, 1);
  frame (&msg, 20, 0, 0x20, FALSE, "01");
  canopy_id_table_feed (table, &msg, 1);
  models_test_settle ();
  /* Frozen: no new row, the row unchanged, but the frames counted. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 1);
  g_assert_cmpuint (canopy_id_row_get_count (row), ==, 1);
  g_assert_cmpuint (canopy_id_table_get_n_frames (table), ==, 3);
  g_assert_cmpuint (n_emissions, ==, 0);

  canopy_id_table_set_paused (table, FALSE);
  models_test_wait_for_n_items (G_LIST_MODEL (table), 2);
  g_assert_cmpuint (canopy_id_row_get_count (row), ==, 2);
  g_assert_cmphex (canopy_id_row_get_changed_mask (row), ==, 0x1);

  /* Cleared from a thread that does not own the context: at the next
   * publication; then ids start over. */
  canopy_id_table_clear (table);
  frame (&msg, 30, 0, 0x30, FALSE, "01");
  canopy_id_table_feed (table, &msg, 1);
  models_test_wait_for_n_items (G_LIST_MODEL (table), 1);
  g_clear_object (&row);
  row = g_list_model_get_item (G_LIST_MODEL (table), 0);
  g_assert_cmpuint (canopy_id_row_get_arbitration_id (row), ==, 0x30);
  g_assert_cmpuint (canopy_id_row_get_count (row), ==, 1);
  g_assert_cmpuint (canopy_id_table_get_n_frames (table), ==, 1);

  /* On the owner of the context: at once. */
  g_assert_true (g_main_context_acquire (NULL));
  canopy_id_table_clear (table);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 0);
  g_main_context_release (NULL);
}

/* Memory stays bounded with millions of distinct ids: rows up to
 * max-ids, further ids only counted. */
static void
test_max_ids (void)
{
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  CanopyMessage msg;

  g_assert_cmpuint (canopy_id_table_get_max_ids (table), ==, 65536);
  canopy_id_table_set_max_ids (table, 3);
  g_assert_cmpuint (canopy_id_table_get_max_ids (table), ==, 3);

  for (guint round = 0; round < 2; round++)
    for (guint id = 0; id < 5; id++)
      {
        frame (&msg, round * 10 * MS, 0, 0x700 + id, TRUE, "01");
        canopy_id_table_feed (table, &msg, 1);
      }

  models_test_wait_for_n_items (G_LIST_MODEL (table), 3);
  models_test_settle ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (table)), ==, 3);
  g_assert_cmpuint (canopy_id_table_get_n_untracked (table), ==, 4);
  g_assert_cmpuint (canopy_id_table_get_n_frames (table), ==, 10);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CanopyIdRow) row = g_list_model_get_item (G_LIST_MODEL (table), i);

      /* The tracked ids go on being counted. */
      g_assert_cmpuint (canopy_id_row_get_arbitration_id (row), ==, 0x700 + i);
      g_assert_cmpuint (canopy_id_row_get_count (row), ==, 2);
      g_assert_cmpint (canopy_id_row_get_period_last_ns (row), ==, 10 * MS);
    }

  g_assert_true (g_main_context_acquire (NULL));
  canopy_id_table_clear (table);
  g_main_context_release (NULL);
  g_assert_cmpuint (canopy_id_table_get_n_untracked (table), ==, 0);
}

/* Beside a capture store on one notifier, and fed from the store. */
static void
test_notifier_and_store (void)
{
  g_autoptr(CanopyIdTable) live = canopy_id_table_new ();
  g_autoptr(CanopyIdTable) from_store = canopy_id_table_new ();
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(CanopyBus) sender = NULL;
  g_autoptr(CanopyBus) receiver = NULL;
  g_autoptr(CanopyNotifier) notifier = NULL;
  g_autoptr(GError) error = NULL;
  CanopyListener *listeners[2] = { CANOPY_LISTENER (store), CANOPY_LISTENER (live) };
  CanopyMessage batch[64];
  guint n_items, n = 0;

  sender = canopy_bus_new ("virtual", "id-table", NULL, &error);
  g_assert_no_error (error);
  receiver = canopy_bus_new ("virtual", "id-table", NULL, &error);
  g_assert_no_error (error);
  notifier = canopy_notifier_new (&receiver, 1, listeners, 2);

  for (guint i = 0; i < 1000; i++)
    {
      CanopyMessage msg;
      guint8 data[2] = { i / 10, i % 10 };

      canopy_message_init (&msg, 0x100 + i % 10, FALSE, data, 2);
      g_assert_true (canopy_bus_send (sender, &msg, 1.0, &error));
    }

  models_test_wait_for_n_items (G_LIST_MODEL (store), 1000);
  models_test_wait_for_n_items (G_LIST_MODEL (live), 10);
  g_assert_true (canopy_notifier_stop (notifier, 5.0));
  models_test_settle ();

  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));
  while (n < n_items)
    {
      guint k = 0;

      while (k < G_N_ELEMENTS (batch) && canopy_capture_store_get_message (store, n, &batch[k]))
        n++, k++;
      canopy_id_table_feed (from_store, batch, k);
    }
  models_test_wait_for_n_items (G_LIST_MODEL (from_store), 10);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(CanopyIdRow) a = g_list_model_get_item (G_LIST_MODEL (live), i);
      g_autoptr(CanopyIdRow) b = g_list_model_get_item (G_LIST_MODEL (from_store), i);

      g_assert_cmpuint (canopy_id_row_get_arbitration_id (a), ==, 0x100 + i);
      g_assert_cmpuint (canopy_id_row_get_count (a), ==, 100);
      g_assert_cmpuint (canopy_id_row_get_count (b), ==, 100);
      g_assert_cmpint (canopy_id_row_get_period_mean_ns (a), ==, canopy_id_row_get_period_mean_ns (b));
      g_assert_cmpint (canopy_id_row_get_period_min_ns (a), >=, 0);
      g_assert_cmpuint (canopy_id_row_get_message (a)->data[0], ==, 99);
      /* From 98 to 99 only the first byte changed. */
      g_assert_cmphex (canopy_id_row_get_changed_mask (a), ==, 0x1);
      g_assert_cmphex (canopy_id_row_get_changed_mask (b), ==, 0x1);
    }

  canopy_bus_shutdown (sender);
  canopy_bus_shutdown (receiver);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/id-table/known-sequence", test_known_sequence);
  g_test_add_func ("/id-table/keys-and-order", test_keys_and_order);
  g_test_add_func ("/id-table/many-ids-from-a-thread", test_many_ids_from_a_thread);
  g_test_add_func ("/id-table/paused-and-clear", test_paused_and_clear);
  g_test_add_func ("/id-table/max-ids", test_max_ids);
  g_test_add_func ("/id-table/notifier-and-store", test_notifier_and_store);

  return g_test_run ();
}
