/* canopy-main-context-listener.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-listener.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_MAIN_CONTEXT_LISTENER (canopy_main_context_listener_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyMainContextListener, canopy_main_context_listener, CANOPY, MAIN_CONTEXT_LISTENER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyMainContextListener *canopy_main_context_listener_new               (GMainContext              *context);
CANOPY_AVAILABLE_IN_ALL
guint                      canopy_main_context_listener_get_max_rate      (CanopyMainContextListener *self);
CANOPY_AVAILABLE_IN_ALL
void                       canopy_main_context_listener_set_max_rate      (CanopyMainContextListener *self,
                                                                           guint                      max_rate);
CANOPY_AVAILABLE_IN_ALL
guint                      canopy_main_context_listener_get_max_pending   (CanopyMainContextListener *self);
CANOPY_AVAILABLE_IN_ALL
void                       canopy_main_context_listener_set_max_pending   (CanopyMainContextListener *self,
                                                                           guint                      max_pending);
CANOPY_AVAILABLE_IN_ALL
guint64                    canopy_main_context_listener_get_dropped       (CanopyMainContextListener *self);

G_END_DECLS
