/* canopy-log-event-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-event.h"

G_BEGIN_DECLS

/* The fields, for the formats that read and write events: what BLF keeps
 * beside the texts travels with the event, so a BLF to BLF conversion
 * writes it back as it was. */
struct _CanopyLogEvent
{
  gatomicrefcount     ref_count;
  CanopyLogEventKind  kind;
  gint64              timestamp_ns;
  char               *text;         /* TEXT */
  char               *group;        /* MARKER */
  char               *marker;
  char               *description;
  guint32             source;       /* TEXT: 0 comment, 1 channel info, 2 metadata, … */
  guint32             source_info;  /* TEXT: the word after the source (channel, bus
                                     * type; metadata length and kind) */
  guint32             event_type;   /* MARKER: the commented event type */
  guint32             foreground;   /* MARKER: colours, 0x00BBGGRR */
  guint32             background;
  gboolean            relocatable;  /* MARKER */
};

G_END_DECLS
