/* slcan-adapter-sim.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A simulated Lawicel adapter on the master side of a pseudo-terminal: the
 * driver opens the slave as it would /dev/ttyACM0.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SlcanAdapterSim SlcanAdapterSim;

SlcanAdapterSim *slcan_adapter_sim_new          (void);
const char      *slcan_adapter_sim_get_path     (SlcanAdapterSim *sim);
/* Every command the adapter received, in order, without the CR. */
GPtrArray       *slcan_adapter_sim_dup_commands (SlcanAdapterSim *sim);
gboolean         slcan_adapter_sim_is_open      (SlcanAdapterSim *sim);
/* Writes raw bytes to the driver, in pieces of @chunk bytes (0: at once). */
void             slcan_adapter_sim_inject       (SlcanAdapterSim *sim,
                                                 const char      *bytes,
                                                 gsize            len,
                                                 gsize            chunk);
/* The status byte the next `F` answers; then it is cleared. */
void             slcan_adapter_sim_set_status   (SlcanAdapterSim *sim,
                                                 guint8           status);
/* Refuses (BEL) the commands that start with @prefix. */
void             slcan_adapter_sim_refuse       (SlcanAdapterSim *sim,
                                                 const char      *prefix);
/* The adapter is unplugged: the master side closes. */
void             slcan_adapter_sim_vanish       (SlcanAdapterSim *sim);
void             slcan_adapter_sim_free         (SlcanAdapterSim *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlcanAdapterSim, slcan_adapter_sim_free)

G_END_DECLS
