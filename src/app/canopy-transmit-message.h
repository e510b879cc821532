/* canopy-transmit-message.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>
#include <gio/gio.h>

#include "canopy-transmit-format.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_TRANSMIT_MESSAGE (canopy_transmit_message_get_type ())

G_DECLARE_FINAL_TYPE (CanopyTransmitMessage, canopy_transmit_message, CANOPY, TRANSMIT_MESSAGE, GObject)

/* The slowest and fastest periods the pane offers, in milliseconds. */
#define CANOPY_TRANSMIT_MIN_PERIOD_MS 0.1
#define CANOPY_TRANSMIT_MAX_PERIOD_MS 86400000.0

CanopyTransmitMessage *canopy_transmit_message_new              (void);
CanopyTransmitMessage *canopy_transmit_message_new_from_variant (GVariant               *dict,
                                                                 GError                **error);
GVariant              *canopy_transmit_message_to_variant       (CanopyTransmitMessage  *self);
CanopyTransmitMessage *canopy_transmit_message_copy             (CanopyTransmitMessage  *self);
gboolean               canopy_transmit_message_validate         (CanopyTransmitMessage  *self,
                                                                 GError                **error);
void                   canopy_transmit_message_build            (CanopyTransmitMessage  *self,
                                                                 CanopyMessage          *msg);

guint32                canopy_transmit_message_get_id           (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_id           (CanopyTransmitMessage  *self,
                                                                 guint32                 id);
gboolean               canopy_transmit_message_get_extended     (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_extended     (CanopyTransmitMessage  *self,
                                                                 gboolean                extended);
gboolean               canopy_transmit_message_get_fd           (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_fd           (CanopyTransmitMessage  *self,
                                                                 gboolean                fd);
gboolean               canopy_transmit_message_get_brs          (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_brs          (CanopyTransmitMessage  *self,
                                                                 gboolean                brs);
const guint8          *canopy_transmit_message_get_data         (CanopyTransmitMessage  *self,
                                                                 gsize                  *len);
void                   canopy_transmit_message_set_data         (CanopyTransmitMessage  *self,
                                                                 const guint8           *data,
                                                                 gsize                   len);
double                 canopy_transmit_message_get_period_ms    (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_period_ms    (CanopyTransmitMessage  *self,
                                                                 double                  period_ms);
guint                  canopy_transmit_message_get_count        (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_count        (CanopyTransmitMessage  *self,
                                                                 guint                   count);
double                 canopy_transmit_message_get_duration     (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_duration     (CanopyTransmitMessage  *self,
                                                                 double                  duration);
int                    canopy_transmit_message_get_counter_byte (CanopyTransmitMessage  *self);
void                   canopy_transmit_message_set_counter_byte (CanopyTransmitMessage  *self,
                                                                 int                     index);

gboolean               canopy_transmit_message_get_running      (CanopyTransmitMessage  *self);
guint64                canopy_transmit_message_get_sent         (CanopyTransmitMessage  *self);
double                 canopy_transmit_message_get_achieved_period (CanopyTransmitMessage *self);
const char            *canopy_transmit_message_get_error        (CanopyTransmitMessage  *self);

gboolean               canopy_transmit_message_start            (CanopyTransmitMessage  *self,
                                                                 CanopyBus              *bus,
                                                                 GError                **error);
void                   canopy_transmit_message_stop             (CanopyTransmitMessage  *self);
gboolean               canopy_transmit_message_update           (CanopyTransmitMessage  *self,
                                                                 CanopyTransmitMessage  *edited,
                                                                 GError                **error);
void                   canopy_transmit_message_refresh          (CanopyTransmitMessage  *self);

G_END_DECLS
