/* canopy-pending.c — TEMPORARY, see canopy-pending.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

#ifdef CANOPY_TYPE_CAPTURE_STORE
# define CANOPY_CAPTURE_STORE_REAL
#endif
#ifdef CANOPY_TYPE_ID_TABLE
# define CANOPY_ID_TABLE_REAL
#endif
#ifdef CANOPY_TYPE_BUS_STATISTICS
# define CANOPY_BUS_STATISTICS_REAL
#endif
#ifdef CANOPY_TYPE_INTERFACE_INFO
# define CANOPY_INTERFACE_INFO_REAL
#endif
#ifdef CANOPY_TYPE_LOG_DOCUMENT
# define CANOPY_LOG_DOCUMENT_REAL
#endif

#include "canopy-pending.h"

G_GNUC_UNUSED

static guint64 pending_frames;   /* all stores together: the stand-in statistics */

#ifndef CANOPY_CAPTURE_STORE_REAL
struct _CanopyCaptureStore
{
  GObject  parent_instance;
  GMutex   mutex;
  GArray  *incoming;
  GArray  *frames;
  guint    idle;
  gboolean paused;
};

static void store_model_init (GListModelInterface *iface);
static void store_listener_init (CanopyListenerInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyCaptureStore, canopy_capture_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, store_model_init)
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, store_listener_init))

static GType store_item_type (GListModel *m) { return CANOPY_TYPE_FRAME_ITEM; }
static guint store_n_items (GListModel *m) { return CANOPY_CAPTURE_STORE (m)->frames->len; }
static gpointer
store_get_item (GListModel *m, guint i)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (m);
  if (i >= self->frames->len)
    return NULL;
  return canopy_frame_item_new (&g_array_index (self->frames, CanopyMessage, i), i);
}
static void
store_model_init (GListModelInterface *iface)
{
  iface->get_item_type = store_item_type;
  iface->get_n_items = store_n_items;
  iface->get_item = store_get_item;
}
static gboolean
store_flush (gpointer data)
{
  CanopyCaptureStore *self = data;
  guint before = self->frames->len;
  g_mutex_lock (&self->mutex);
  g_array_append_vals (self->frames, self->incoming->data, self->incoming->len);
  g_array_set_size (self->incoming, 0);
  self->idle = 0;
  g_mutex_unlock (&self->mutex);
  if (self->frames->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->frames->len - before);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}
static void
store_on_message (CanopyListener *l, const CanopyMessage *msg)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (l);
  g_atomic_pointer_add (&pending_frames, 1);
  g_mutex_lock (&self->mutex);
  if (!self->paused)
    {
      g_array_append_val (self->incoming, *msg);
      if (self->idle == 0)
        self->idle = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, 16, store_flush, g_object_ref (self), NULL);
    }
  g_mutex_unlock (&self->mutex);
}
static void store_listener_init (CanopyListenerInterface *iface) { iface->on_message_received = store_on_message; }
static void
canopy_capture_store_finalize (GObject *o)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (o);
  g_array_unref (self->incoming);
  g_array_unref (self->frames);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (canopy_capture_store_parent_class)->finalize (o);
}
static void canopy_capture_store_class_init (CanopyCaptureStoreClass *k) { G_OBJECT_CLASS (k)->finalize = canopy_capture_store_finalize; }
static void
canopy_capture_store_init (CanopyCaptureStore *self)
{
  g_mutex_init (&self->mutex);
  self->incoming = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  self->frames = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
}
CanopyCaptureStore *canopy_capture_store_new (void) { return g_object_new (CANOPY_TYPE_CAPTURE_STORE, NULL); }
gboolean
canopy_capture_store_get_message (CanopyCaptureStore *self, guint i, CanopyMessage *msg)
{
  if (i >= self->frames->len)
    return FALSE;
  *msg = g_array_index (self->frames, CanopyMessage, i);
  return TRUE;
}
void canopy_capture_store_set_paused (CanopyCaptureStore *self, gboolean p) { g_mutex_lock (&self->mutex); self->paused = p; g_mutex_unlock (&self->mutex); }
guint64 canopy_capture_store_get_n_dropped (CanopyCaptureStore *self) { return 0; }
guint64 canopy_capture_store_get_n_captured (CanopyCaptureStore *self) { return self->frames->len; }
#endif

#ifndef CANOPY_ID_TABLE_REAL
struct _CanopyIdRow
{
  GObject       parent_instance;
  CanopyMessage msg;
  guint64       count;
  gint64        first_ns;
  gint64        period_last;
  guint64       mask;
};
G_DEFINE_FINAL_TYPE (CanopyIdRow, canopy_id_row, G_TYPE_OBJECT)
static GParamSpec *row_count_pspec;
static void
row_get_property (GObject *o, guint id, GValue *v, GParamSpec *p)
{
  g_value_set_uint64 (v, CANOPY_ID_ROW (o)->count);
}
static void
canopy_id_row_class_init (CanopyIdRowClass *k)
{
  G_OBJECT_CLASS (k)->get_property = row_get_property;
  row_count_pspec = g_param_spec_uint64 ("count", NULL, NULL, 0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (G_OBJECT_CLASS (k), 1, row_count_pspec);
}
static void canopy_id_row_init (CanopyIdRow *self) { }
const CanopyMessage *canopy_id_row_get_message (CanopyIdRow *self) { return &self->msg; }
guint64 canopy_id_row_get_count (CanopyIdRow *self) { return self->count; }
gint64 canopy_id_row_get_period_last_ns (CanopyIdRow *self) { return self->period_last; }
gint64 canopy_id_row_get_period_mean_ns (CanopyIdRow *self) { return self->count > 1 ? (self->msg.timestamp_ns - self->first_ns) / (gint64) (self->count - 1) : 0; }
guint64 canopy_id_row_get_changed_mask (CanopyIdRow *self) { return self->mask; }

struct _CanopyIdTable
{
  GObject     parent_instance;
  GMutex      mutex;
  GArray     *incoming;
  GPtrArray  *rows;
  GHashTable *index;
  guint       idle;
};
static void table_model_init (GListModelInterface *iface);
static void table_listener_init (CanopyListenerInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyIdTable, canopy_id_table, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, table_model_init)
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, table_listener_init))
static GType table_item_type (GListModel *m) { return CANOPY_TYPE_ID_ROW; }
static guint table_n_items (GListModel *m) { return CANOPY_ID_TABLE (m)->rows->len; }
static gpointer
table_get_item (GListModel *m, guint i)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (m);
  return i < self->rows->len ? g_object_ref (self->rows->pdata[i]) : NULL;
}
static void
table_model_init (GListModelInterface *iface)
{
  iface->get_item_type = table_item_type;
  iface->get_n_items = table_n_items;
  iface->get_item = table_get_item;
}
static gboolean
table_flush (gpointer data)
{
  CanopyIdTable *self = data;
  g_autoptr(GArray) batch = NULL;
  g_autoptr(GPtrArray) touched = g_ptr_array_new ();
  guint before = self->rows->len;

  g_mutex_lock (&self->mutex);
  batch = self->incoming;
  self->incoming = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  self->idle = 0;
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < batch->len; i++)
    {
      CanopyMessage *msg = &g_array_index (batch, CanopyMessage, i);
      gpointer key = GUINT_TO_POINTER (msg->arbitration_id ^ ((guint) msg->channel << 29) ^ ((msg->flags & 1) << 31));
      CanopyIdRow *row = g_hash_table_lookup (self->index, key);
      if (row == NULL)
        {
          row = g_object_new (CANOPY_TYPE_ID_ROW, NULL);
          row->msg = *msg;
          row->first_ns = msg->timestamp_ns;
          row->count = 1;
          g_ptr_array_add (self->rows, row);
          g_hash_table_insert (self->index, key, row);
          continue;
        }
      row->mask = 0;
      for (guint b = 0; b < 8 && b < msg->dlc; b++)
        if (row->msg.data[b] != msg->data[b])
          row->mask |= 1u << b;
      row->period_last = msg->timestamp_ns - row->msg.timestamp_ns;
      row->msg = *msg;
      row->count++;
      if (!g_ptr_array_find (touched, row, NULL))
        g_ptr_array_add (touched, row);
    }
  for (guint i = 0; i < touched->len; i++)
    g_object_notify_by_pspec (touched->pdata[i], row_count_pspec);
  if (self->rows->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->rows->len - before);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}
static void
table_on_message (CanopyListener *l, const CanopyMessage *msg)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (l);
  g_mutex_lock (&self->mutex);
  g_array_append_val (self->incoming, *msg);
  if (self->idle == 0)
    self->idle = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, 16, table_flush, g_object_ref (self), NULL);
  g_mutex_unlock (&self->mutex);
}
static void table_listener_init (CanopyListenerInterface *iface) { iface->on_message_received = table_on_message; }
static void
canopy_id_table_finalize (GObject *o)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (o);
  g_array_unref (self->incoming);
  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->index);
  G_OBJECT_CLASS (canopy_id_table_parent_class)->finalize (o);
}
static void canopy_id_table_class_init (CanopyIdTableClass *k) { G_OBJECT_CLASS (k)->finalize = canopy_id_table_finalize; }
static void
canopy_id_table_init (CanopyIdTable *self)
{
  g_mutex_init (&self->mutex);
  self->incoming = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->index = g_hash_table_new (NULL, NULL);
}
CanopyIdTable *canopy_id_table_new (void) { return g_object_new (CANOPY_TYPE_ID_TABLE, NULL); }
#endif

#ifndef CANOPY_BUS_STATISTICS_REAL
CanopyBusStatistics *
canopy_bus_get_statistics (CanopyBus *bus)
{
  static gint64 last_us;
  static guint64 last_frames;
  static double rate;
  CanopyBusStatistics *s = g_new0 (CanopyBusStatistics, 1);
  gint64 now = g_get_monotonic_time ();
  s->frames = g_atomic_pointer_get (&pending_frames);
  if (now - last_us > 900000)
    {
      rate = last_us ? (s->frames - last_frames) * 1e6 / (now - last_us) : 0;
      last_us = now;
      last_frames = s->frames;
    }
  s->rate = rate;
  return s;
}
void canopy_bus_statistics_free (CanopyBusStatistics *self) { g_free (self); }
guint64 canopy_bus_statistics_get_rx_frames (const CanopyBusStatistics *self) { return self->frames; }
guint64 canopy_bus_statistics_get_tx_frames (const CanopyBusStatistics *self) { return 0; }
guint64 canopy_bus_statistics_get_error_frames (const CanopyBusStatistics *self) { return 0; }
guint64 canopy_bus_statistics_get_dropped (const CanopyBusStatistics *self) { return 0; }
double canopy_bus_statistics_get_frame_rate (const CanopyBusStatistics *self) { return self->rate; }
double canopy_bus_statistics_get_bus_load (const CanopyBusStatistics *self) { return -1; }
CanopyBusState canopy_bus_statistics_get_state (const CanopyBusStatistics *self) { return CANOPY_BUS_STATE_UNKNOWN; }
#endif

#ifndef CANOPY_INTERFACE_INFO_REAL
struct _CanopyInterfaceInfo { GObject parent_instance; char *name; };
G_DEFINE_FINAL_TYPE (CanopyInterfaceInfo, canopy_interface_info, G_TYPE_OBJECT)
static void canopy_interface_info_class_init (CanopyInterfaceInfoClass *k) { }
static void canopy_interface_info_init (CanopyInterfaceInfo *self) { }
const char *canopy_interface_info_get_name (CanopyInterfaceInfo *self) { return self->name; }
const char *canopy_interface_info_get_description (CanopyInterfaceInfo *self) { return ""; }
const char *canopy_interface_info_get_requirement (CanopyInterfaceInfo *self) { return NULL; }
gboolean canopy_interface_info_get_available (CanopyInterfaceInfo *self) { return TRUE; }
GListModel *
canopy_interface_info_list (void)
{
  GListStore *store = g_list_store_new (CANOPY_TYPE_INTERFACE_INFO);
  const char * const *names = canopy_bus_list_interfaces ();
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(CanopyInterfaceInfo) info = g_object_new (CANOPY_TYPE_INTERFACE_INFO, NULL);
      info->name = g_strdup (names[i]);
      g_list_store_append (store, info);
    }
  return G_LIST_MODEL (store);
}
CanopyInterfaceInfo *canopy_interface_info_lookup (const char *name) { return NULL; }
#endif

#ifndef CANOPY_LOG_DOCUMENT_REAL
struct _CanopyLogDocument { GObject parent_instance; GFile *file; };
static void doc_model_init (GListModelInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyLogDocument, canopy_log_document, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, doc_model_init))
static GType doc_item_type (GListModel *m) { return CANOPY_TYPE_FRAME_ITEM; }
static guint doc_n_items (GListModel *m) { return 0; }
static gpointer doc_get_item (GListModel *m, guint i) { return NULL; }
static void doc_model_init (GListModelInterface *iface) { iface->get_item_type = doc_item_type; iface->get_n_items = doc_n_items; iface->get_item = doc_get_item; }
static void canopy_log_document_class_init (CanopyLogDocumentClass *k) { }
static void canopy_log_document_init (CanopyLogDocument *self) { }
CanopyLogDocument *canopy_log_document_new (GFile *file) { CanopyLogDocument *d = g_object_new (CANOPY_TYPE_LOG_DOCUMENT, NULL); d->file = g_object_ref (file); return d; }
GFile *canopy_log_document_get_file (CanopyLogDocument *self) { return self->file; }
gboolean canopy_log_document_get_loaded (CanopyLogDocument *self) { return TRUE; }
double canopy_log_document_get_progress (CanopyLogDocument *self) { return 1; }
void
canopy_log_document_load_async (CanopyLogDocument *self, GCancellable *c, GAsyncReadyCallback cb, gpointer data)
{
  GTask *task = g_task_new (self, c, cb, data);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "logs open once the log document lands");
  g_object_unref (task);
}
gboolean canopy_log_document_load_finish (CanopyLogDocument *self, GAsyncResult *r, GError **e) { return g_task_propagate_boolean (G_TASK (r), e); }
#endif
