/* canopy-listener.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-listener.h"

/**
 * CanopyListener:
 *
 * Receives the frames a [class@Canopy.Notifier] reads from its buses:
 * python-can's `Listener`. Log writers, [class@Canopy.BufferedReader],
 * [class@Canopy.RedirectReader] and [class@Canopy.Printer] are listeners,
 * and so can be any class written in C or in a scripting language.
 */

G_DEFINE_INTERFACE (CanopyListener, canopy_listener, G_TYPE_OBJECT)

static void
canopy_listener_default_init (CanopyListenerInterface *iface)
{
}

/**
 * canopy_listener_on_message_received:
 * @self: a listener
 * @msg: the frame
 *
 * Hands @msg to the listener. The listener copies what it keeps.
 */
void
canopy_listener_on_message_received (CanopyListener      *self,
                                     const CanopyMessage *msg)
{
  CanopyListenerInterface *iface;

  g_return_if_fail (CANOPY_IS_LISTENER (self));
  g_return_if_fail (msg != NULL);

  iface = CANOPY_LISTENER_GET_IFACE (self);
  if (iface->on_message_received != NULL)
    iface->on_message_received (self, msg);
}

/**
 * canopy_listener_on_error:
 * @self: a listener
 * @error: what went wrong on the bus
 *
 * Tells the listener that the bus it listens to failed.
 */
void
canopy_listener_on_error (CanopyListener *self,
                          const GError   *error)
{
  CanopyListenerInterface *iface;

  g_return_if_fail (CANOPY_IS_LISTENER (self));
  g_return_if_fail (error != NULL);

  iface = CANOPY_LISTENER_GET_IFACE (self);
  if (iface->on_error != NULL)
    iface->on_error (self, error);
}

/**
 * canopy_listener_stop:
 * @self: a listener
 *
 * Ends listening: writers flush and close their files.
 */
void
canopy_listener_stop (CanopyListener *self)
{
  CanopyListenerInterface *iface;

  g_return_if_fail (CANOPY_IS_LISTENER (self));

  iface = CANOPY_LISTENER_GET_IFACE (self);
  if (iface->stop != NULL)
    iface->stop (self);
}
