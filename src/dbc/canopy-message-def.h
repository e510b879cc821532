/* canopy-message-def.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-message.h"
#include "canopy-signal-def.h"
#include "canopy-signal-value.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_MESSAGE_DEF (canopy_message_def_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyMessageDef, canopy_message_def, CANOPY, MESSAGE_DEF, GObject)

CANOPY_AVAILABLE_IN_ALL
const char         *canopy_message_def_get_name           (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
guint32             canopy_message_def_get_arbitration_id (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_message_def_is_extended        (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_message_def_is_fd              (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_message_def_is_j1939           (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
guint32             canopy_message_def_get_pgn            (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_message_def_get_size           (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_message_def_get_cycle_time     (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_message_def_get_sender         (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
const char * const *canopy_message_def_get_transmitters   (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_message_def_get_comment        (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_message_def_get_attribute      (CanopyMessageDef    *self,
                                                           const char          *name);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_message_def_get_n_signals      (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
CanopySignalDef    *canopy_message_def_get_signal         (CanopyMessageDef    *self,
                                                           guint                index);
CANOPY_AVAILABLE_IN_ALL
CanopySignalDef    *canopy_message_def_lookup_signal      (CanopyMessageDef    *self,
                                                           const char          *name);
CANOPY_AVAILABLE_IN_ALL
char              **canopy_message_def_list_signal_groups (CanopyMessageDef    *self);
CANOPY_AVAILABLE_IN_ALL
const char * const *canopy_message_def_get_signal_group   (CanopyMessageDef    *self,
                                                           const char          *name);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_message_def_decode_values      (CanopyMessageDef    *self,
                                                           const CanopyMessage *frame,
                                                           CanopySignalValue   *values,
                                                           guint                n_values);
CANOPY_AVAILABLE_IN_ALL
GPtrArray          *canopy_message_def_decode             (CanopyMessageDef    *self,
                                                           const CanopyMessage *frame);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_message_def_encode             (CanopyMessageDef    *self,
                                                           const char * const  *names,
                                                           const double        *values,
                                                           gsize                n_values,
                                                           CanopyMessage       *frame,
                                                           GError             **error);
CANOPY_AVAILABLE_IN_ALL
void                canopy_message_def_init_frame         (CanopyMessageDef    *self,
                                                           CanopyMessage       *frame);

G_END_DECLS
