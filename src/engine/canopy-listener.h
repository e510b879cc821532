/* canopy-listener.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LISTENER (canopy_listener_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (CanopyListener, canopy_listener, CANOPY, LISTENER, GObject)

/**
 * CanopyListenerInterface:
 * @on_message_received: called for every frame, on the thread that delivers it
 * @on_error: called when the bus being listened to fails
 * @stop: called once when listening ends; release resources, flush files
 *
 * The vfuncs of a listener. A Python class implements them as
 * `do_on_message_received`, `do_on_error` and `do_stop`.
 */
struct _CanopyListenerInterface
{
  GTypeInterface parent_iface;

  void (*on_message_received) (CanopyListener      *self,
                               const CanopyMessage *msg);
  void (*on_error)            (CanopyListener      *self,
                               const GError        *error);
  void (*stop)                (CanopyListener      *self);

  /*< private >*/
  gpointer padding[8];
};

CANOPY_AVAILABLE_IN_ALL
void canopy_listener_on_message_received (CanopyListener      *self,
                                          const CanopyMessage *msg);
CANOPY_AVAILABLE_IN_ALL
void canopy_listener_on_error            (CanopyListener      *self,
                                          const GError        *error);
CANOPY_AVAILABLE_IN_ALL
void canopy_listener_stop                (CanopyListener      *self);

G_END_DECLS
