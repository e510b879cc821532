/* canopy-log-event.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

/**
 * CanopyLogEventKind:
 * @CANOPY_LOG_EVENT_TEXT: an application text (BLF APP_TEXT): a
 *   measurement comment, channel information, metadata
 * @CANOPY_LOG_EVENT_MARKER: a marker (BLF GLOBAL_MARKER, python-can's
 *   `log_event()`): a group, a marker name and a description
 *
 * What a #CanopyLogEvent is.
 */
typedef enum
{
  CANOPY_LOG_EVENT_TEXT,
  CANOPY_LOG_EVENT_MARKER,
} CanopyLogEventKind;

#define CANOPY_TYPE_LOG_EVENT (canopy_log_event_get_type ())

typedef struct _CanopyLogEvent CanopyLogEvent;

CANOPY_AVAILABLE_IN_ALL
GType               canopy_log_event_get_type         (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopyLogEvent     *canopy_log_event_new_text         (gint64                timestamp_ns,
                                                       guint                 source,
                                                       const char           *text);
CANOPY_AVAILABLE_IN_ALL
CanopyLogEvent     *canopy_log_event_new_marker       (gint64                timestamp_ns,
                                                       const char           *group,
                                                       const char           *marker,
                                                       const char           *description);
CANOPY_AVAILABLE_IN_ALL
CanopyLogEvent     *canopy_log_event_ref              (CanopyLogEvent       *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_log_event_unref            (CanopyLogEvent       *self);
CANOPY_AVAILABLE_IN_ALL
CanopyLogEventKind  canopy_log_event_get_kind         (const CanopyLogEvent *self);
CANOPY_AVAILABLE_IN_ALL
gint64              canopy_log_event_get_timestamp_ns (const CanopyLogEvent *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_log_event_get_text         (const CanopyLogEvent *self);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_log_event_get_source       (const CanopyLogEvent *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_log_event_get_group        (const CanopyLogEvent *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_log_event_get_marker       (const CanopyLogEvent *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_log_event_get_description  (const CanopyLogEvent *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyLogEvent, canopy_log_event_unref)

G_END_DECLS
