/* canopy-buffered-reader.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-listener.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_BUFFERED_READER (canopy_buffered_reader_get_type ())

/**
 * CANOPY_BUFFERED_READER_DEFAULT_CAPACITY:
 *
 * How many frames a #CanopyBufferedReader keeps by default.
 */
#define CANOPY_BUFFERED_READER_DEFAULT_CAPACITY 65536

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyBufferedReader, canopy_buffered_reader, CANOPY, BUFFERED_READER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyBufferedReader *canopy_buffered_reader_new               (void);
CANOPY_AVAILABLE_IN_ALL
CanopyBufferedReader *canopy_buffered_reader_new_with_capacity (guint                 capacity);
CANOPY_AVAILABLE_IN_ALL
CanopyMessage        *canopy_buffered_reader_get_message       (CanopyBufferedReader *self,
                                                                double                timeout);
CANOPY_AVAILABLE_IN_ALL
gboolean              canopy_buffered_reader_get_message_into  (CanopyBufferedReader *self,
                                                                CanopyMessage        *msg,
                                                                double                timeout);
CANOPY_AVAILABLE_IN_ALL
guint                 canopy_buffered_reader_get_capacity      (CanopyBufferedReader *self);
CANOPY_AVAILABLE_IN_ALL
guint64               canopy_buffered_reader_get_dropped       (CanopyBufferedReader *self);

G_END_DECLS
