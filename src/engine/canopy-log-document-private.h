/* canopy-log-document-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-document.h"
#include "canopy-log-reader-private.h"
#include "canopy-notify-private.h"

G_BEGIN_DECLS

/* The document is split by concern: canopy-log-document.c is the GObject,
 * the list model and the loader; canopy-log-document-access.c the random
 * access over the index. */

/* Open readers kept for random access. */
#define N_CURSORS            4

typedef struct
{
  CanopyLogReaderCheckpoint checkpoint;
  guint                     first_frame;
  gint64                    first_time_ns;
} DocumentIndexEntry;

typedef struct
{
  CanopyLogReader *reader;
  guint            next_position;   /* the frame its next() returns */
  guint64          last_used;
} DocumentCursor;

struct _CanopyLogDocument
{
  GObject            parent_instance;

  GFile             *file;
  CanopyNotifyQueue *notify;

  /* Shared with the loader thread. */
  GMutex             mutex;
  GArray            *index;          /* DocumentIndexEntry */
  guint              n_indexed;      /* frames the loader has read */
  double             progress;
  GError            *error;
  CanopyLogSummary  *summary;
  guint64            n_skipped;      /* lines or objects the reader passed over */
  char             **skip_reasons;
  guint              generation;     /* bumped by every load */

  /* Random access; taken before mutex, never by the loader. */
  GMutex             cursor_mutex;
  DocumentCursor     cursors[N_CURSORS];
  guint64            use_clock;

  /* Main context only. */
  guint              n_items;
  guint              loaded : 1;
  guint              loading : 1;
};

/* canopy-log-document-access.c */
void  _canopy_log_document_close_cursors   (CanopyLogDocument *self);

/* Bytes held by the random-access index (for bench/bench-document). */
gsize _canopy_log_document_get_index_bytes (CanopyLogDocument *self);

G_END_DECLS
