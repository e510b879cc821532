/* canopy-pending.h — TEMPORARY stand-ins for engine API being written on
 * other branches (models, engine, document). Each block disappears by itself
 * once the real header defines the type; the file is removed after merging.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#ifndef CANOPY_TYPE_CAPTURE_STORE
#define CANOPY_TYPE_CAPTURE_STORE (canopy_capture_store_get_type ())
G_DECLARE_FINAL_TYPE (CanopyCaptureStore, canopy_capture_store, CANOPY, CAPTURE_STORE, GObject)
CanopyCaptureStore *canopy_capture_store_new          (void);
gboolean            canopy_capture_store_get_message  (CanopyCaptureStore *self, guint position, CanopyMessage *msg);
void                canopy_capture_store_set_paused   (CanopyCaptureStore *self, gboolean paused);
guint64             canopy_capture_store_get_n_dropped (CanopyCaptureStore *self);
guint64             canopy_capture_store_get_n_captured (CanopyCaptureStore *self);
#endif

#ifndef CANOPY_TYPE_ID_TABLE
#define CANOPY_TYPE_ID_ROW (canopy_id_row_get_type ())
G_DECLARE_FINAL_TYPE (CanopyIdRow, canopy_id_row, CANOPY, ID_ROW, GObject)
#define CANOPY_TYPE_ID_TABLE (canopy_id_table_get_type ())
G_DECLARE_FINAL_TYPE (CanopyIdTable, canopy_id_table, CANOPY, ID_TABLE, GObject)
CanopyIdTable       *canopy_id_table_new                (void);
const CanopyMessage *canopy_id_row_get_message          (CanopyIdRow *self);
guint64              canopy_id_row_get_count            (CanopyIdRow *self);
gint64               canopy_id_row_get_period_last_ns   (CanopyIdRow *self);
gint64               canopy_id_row_get_period_mean_ns   (CanopyIdRow *self);
guint64              canopy_id_row_get_changed_mask     (CanopyIdRow *self);
#endif

#ifndef CANOPY_TYPE_BUS_STATISTICS
typedef enum
{
  CANOPY_BUS_STATE_UNKNOWN,
  CANOPY_BUS_STATE_ERROR_ACTIVE,
  CANOPY_BUS_STATE_ERROR_WARNING,
  CANOPY_BUS_STATE_ERROR_PASSIVE,
  CANOPY_BUS_STATE_BUS_OFF,
  CANOPY_BUS_STATE_STOPPED,
} CanopyBusState;
typedef struct { guint64 frames; double rate; } CanopyBusStatistics;
CanopyBusStatistics *canopy_bus_get_statistics              (CanopyBus *bus);
void                 canopy_bus_statistics_free             (CanopyBusStatistics *self);
guint64              canopy_bus_statistics_get_rx_frames    (const CanopyBusStatistics *self);
guint64              canopy_bus_statistics_get_tx_frames    (const CanopyBusStatistics *self);
guint64              canopy_bus_statistics_get_error_frames (const CanopyBusStatistics *self);
guint64              canopy_bus_statistics_get_dropped      (const CanopyBusStatistics *self);
double               canopy_bus_statistics_get_frame_rate   (const CanopyBusStatistics *self);
double               canopy_bus_statistics_get_bus_load     (const CanopyBusStatistics *self);
CanopyBusState       canopy_bus_statistics_get_state        (const CanopyBusStatistics *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyBusStatistics, canopy_bus_statistics_free)
#endif

#ifndef CANOPY_TYPE_INTERFACE_INFO
#define CANOPY_TYPE_INTERFACE_INFO (canopy_interface_info_get_type ())
G_DECLARE_FINAL_TYPE (CanopyInterfaceInfo, canopy_interface_info, CANOPY, INTERFACE_INFO, GObject)
const char          *canopy_interface_info_get_name        (CanopyInterfaceInfo *self);
const char          *canopy_interface_info_get_description (CanopyInterfaceInfo *self);
const char          *canopy_interface_info_get_requirement (CanopyInterfaceInfo *self);
gboolean             canopy_interface_info_get_available   (CanopyInterfaceInfo *self);
GListModel          *canopy_interface_info_list            (void);
CanopyInterfaceInfo *canopy_interface_info_lookup          (const char *name);
#endif

#ifndef CANOPY_TYPE_LOG_DOCUMENT
#define CANOPY_TYPE_LOG_DOCUMENT (canopy_log_document_get_type ())
G_DECLARE_FINAL_TYPE (CanopyLogDocument, canopy_log_document, CANOPY, LOG_DOCUMENT, GObject)
CanopyLogDocument *canopy_log_document_new          (GFile *file);
GFile             *canopy_log_document_get_file     (CanopyLogDocument *self);
gboolean           canopy_log_document_get_loaded   (CanopyLogDocument *self);
double             canopy_log_document_get_progress (CanopyLogDocument *self);
void               canopy_log_document_load_async   (CanopyLogDocument *self, GCancellable *cancellable,
                                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean           canopy_log_document_load_finish  (CanopyLogDocument *self, GAsyncResult *result, GError **error);
#endif

G_END_DECLS
