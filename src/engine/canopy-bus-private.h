/* canopy-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-bus.h"

G_BEGIN_DECLS

/* Takes a frame received by a bus on the thread that delivers it (see
 * _canopy_bus_set_handoff()). Returns FALSE to have the bus queue the frame
 * for recv() instead. */
typedef gboolean (*CanopyBusHandoffFunc) (const CanopyMessage *msg,
                                          gpointer             user_data);

/**
 * CanopyBusClass:
 * @configure: optional: takes the channel and the driver options (as in a
 *   python-can config file, already merged with the configuration) before
 *   the bus opens; canopy_bus_new() calls it, direct constructors set their
 *   properties instead
 * @open: optional: opens the device; called once by g_initable_init(). A
 *   failure leaves the bus shut down; finalize releases what it left
 * @send: transmits one frame; @timeout as in canopy_bus_send()
 * @recv: fills @msg with the next frame; returns %FALSE without an error on
 *   timeout
 * @set_filters: optional: applies acceptance filters in hardware or the
 *   kernel; sets @software when the base must filter in software instead.
 *   %NULL: the base filters every received frame in software
 * @flush_tx_buffer: optional: discards frames queued for sending
 * @shutdown: releases the device; called once, only after a successful @open
 * @send_periodic: optional: starts a driver-native cyclic task (SocketCAN
 *   CAN_BCM); %NULL uses the generic scheduler. @count > 0 sends @count
 *   frames at @initial_period, then continues at @period. Returns a started
 *   #CanopyCyclicTask (as a #GObject) or %NULL with @error set
 * @update_statistics: optional: adds what only the driver knows to a
 *   snapshot (see _canopy_bus_statistics_set_state() and friends)
 * @set_handoff: optional: hands received frames to a consumer in the same
 *   process on the thread that delivers them (see _canopy_bus_set_handoff())
 *
 * The driver side of a bus. The base class owns what every bus shares:
 * shut-down state, channel info, the filters with their software fallback,
 * and the statistics, which canopy_bus_send() and canopy_bus_recv_into()
 * count, so a driver counts nothing itself.
 */
struct _CanopyBusClass
{
  GObjectClass parent_class;

  gboolean    (*configure)         (CanopyBus            *self,
                                    const char           *channel,
                                    GHashTable           *options,
                                    GError              **error);
  gboolean    (*open)              (CanopyBus            *self,
                                    GCancellable         *cancellable,
                                    GError              **error);
  gboolean    (*send)              (CanopyBus            *self,
                                    const CanopyMessage  *msg,
                                    double                timeout,
                                    GError              **error);
  gboolean    (*recv)              (CanopyBus            *self,
                                    CanopyMessage        *msg,
                                    double                timeout,
                                    GError              **error);
  gboolean    (*set_filters)       (CanopyBus            *self,
                                    const CanopyFilter   *filters,
                                    guint                 n_filters,
                                    gboolean             *software,
                                    GError              **error);
  gboolean    (*flush_tx_buffer)   (CanopyBus            *self,
                                    GError              **error);
  void        (*shutdown)          (CanopyBus            *self);
  GObject    *(*send_periodic)     (CanopyBus            *self,
                                    const CanopyMessage  *msg,
                                    guint                 count,
                                    double                initial_period,
                                    double                period,
                                    double                duration,
                                    GError              **error);
  void        (*update_statistics) (CanopyBus            *self,
                                    CanopyBusStatistics  *stats);
  gboolean    (*set_handoff)       (CanopyBus            *self,
                                    CanopyBusHandoffFunc  func,
                                    gpointer              user_data);

  /*< private >*/
  gpointer padding[7];
};

/* For drivers. */
gboolean _canopy_bus_check_open          (CanopyBus            *self,
                                          GError              **error);
gboolean _canopy_bus_accepts             (CanopyBus            *self,
                                          const CanopyMessage  *msg);
CanopyFilter *_canopy_bus_dup_filters    (CanopyBus            *self,
                                          guint                *n_filters);
void     _canopy_bus_set_channel_info    (CanopyBus            *self,
                                          const char           *channel_info);
const char *_canopy_bus_get_channel_info (CanopyBus            *self);
void     _canopy_bus_statistics_add_dropped (CanopyBusStatistics *stats,
                                             guint64              dropped);
void     _canopy_bus_statistics_set_state   (CanopyBusStatistics *stats,
                                             CanopyBusState       state);

/* For consumers in the same process (the remote server). */
gboolean _canopy_bus_set_handoff         (CanopyBus            *self,
                                          CanopyBusHandoffFunc  func,
                                          gpointer              user_data);

G_END_DECLS
