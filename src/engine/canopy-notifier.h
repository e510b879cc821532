/* canopy-notifier.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"
#include "canopy-listener.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_NOTIFIER (canopy_notifier_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyNotifier, canopy_notifier, CANOPY, NOTIFIER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyNotifier *canopy_notifier_new             (CanopyBus      **buses,
                                                 guint            n_buses,
                                                 CanopyListener **listeners,
                                                 guint            n_listeners);
CANOPY_AVAILABLE_IN_ALL
void            canopy_notifier_add_bus         (CanopyNotifier  *self,
                                                 CanopyBus       *bus);
CANOPY_AVAILABLE_IN_ALL
void            canopy_notifier_add_listener    (CanopyNotifier  *self,
                                                 CanopyListener  *listener);
CANOPY_AVAILABLE_IN_ALL
void            canopy_notifier_remove_listener (CanopyNotifier  *self,
                                                 CanopyListener  *listener);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_notifier_stop            (CanopyNotifier  *self,
                                                 double           timeout);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_notifier_is_running      (CanopyNotifier  *self);
CANOPY_AVAILABLE_IN_ALL
const GError   *canopy_notifier_get_exception   (CanopyNotifier  *self);
CANOPY_AVAILABLE_IN_ALL
guint64         canopy_notifier_get_received    (CanopyNotifier  *self);

G_END_DECLS
