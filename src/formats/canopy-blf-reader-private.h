/* canopy-blf-reader-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-blf-private.h"
#include "canopy-blf-reader.h"
#include "canopy-log-reader-private.h"

G_BEGIN_DECLS

/* The BLF reader, split by concern and shared by the streaming reader and
 * the log document's random access (which restores a checkpoint and reads
 * on):
 *   canopy-blf-scanner.c   the container scanner: top-level objects of the
 *                          file (log containers, bare objects), damage
 *                          between them;
 *   canopy-blf-pipeline.c  the inflate pipeline: a ring of containers
 *                          inflated ahead on worker threads (libdeflate),
 *                          consumed in file order;
 *   canopy-blf-parser.c    the object parser: the inflated object stream,
 *                          objects spanning containers, frames out;
 *   canopy-blf-reader.c    the GObject: construction, checkpoints, API. */

#define FILE_BUFFER_SIZE (64 * 1024)

enum {
  SLOT_FREE,
  SLOT_QUEUED,
  SLOT_RUNNING,
  SLOT_DONE,
};

typedef enum {
  SLOT_DATA,
  SLOT_END,
} SlotKind;

typedef struct
{
  CanopyBlfReader *reader;
  gint             state;          /* atomic */
  SlotKind         kind;
  gboolean         compressed;
  gboolean         ok;
  gboolean         discontinuity;  /* the stream broke before this slot */
  guint8          *cbuf;
  gsize            ccap;
  gsize            clen;
  guint8          *ubuf;
  gsize            ucap;
  gsize            ulen;           /* announced */
  gsize            produced;       /* good bytes in ubuf */
  guint64          file_offset;    /* of the object */
  guint64          end_offset;     /* file offset after it */
  guint64          stream_offset;  /* of ubuf[0] in the inflated stream */
  char            *warning;        /* emitted when the slot is reached */
  GError          *error;          /* SLOT_END: NULL at a clean end */
  GError          *damage;         /* SLOT_DATA: payload damaged */
} BlfSlot;

struct _CanopyBlfReader
{
  CanopyLogReader  parent_instance;

  GInputStream    *stream;
  guint64          file_size;
  BlfFileHeader    header;
  gint64           start_ns;
  gint64           stop_ns;

  /* Buffered file access for the top-level objects. */
  guint8          *fbuf;
  gsize            fpos;           /* read position in fbuf */
  gsize            flen;           /* valid bytes in fbuf */
  guint64          foffset;        /* file offset of fbuf[fpos] */
  gboolean         feof;
  GError          *ferror;

  /* The ring of containers being read ahead. */
  GThreadPool     *pool;
  GMutex           mutex;
  GCond            cond;
  BlfSlot         *slots;
  guint            n_slots;
  guint            head;           /* oldest slot in use */
  guint            n_used;
  gboolean         top_done;       /* an END slot was queued */
  guint64          stream_total;   /* inflated bytes announced so far */

  /* The parse window: a container's payload, or the join buffer holding
   * an object's carried-over start plus the beginning of the next
   * container. */
  BlfSlot         *cur;
  const guint8    *buf;
  gsize            len;
  gsize            pos;
  gboolean         in_join;
  gsize            join_carry;     /* carried bytes at the front of join */
  gsize            join_base;      /* where in cur the join's copy starts */
  guint8          *join;
  guint8          *carry;
  gsize            carry_len;
  guint64          skip_remaining;
  GByteArray      *event_object;   /* an event spanning containers, being
                                    * assembled while skip_remaining runs */
  gboolean         quiet_scan;
  char            *pending_bad;    /* warning shown once we resync */
  GError          *pending_damage; /* of the slot just finished */
  gboolean         finished;
  guint64          skipped;

  /* Objects that are not frames, by type: types below 256 (every type
   * Vector defines) in the array, others in the table (made when one
   * appears). Counted where the parser steps over them, never per frame. */
  guint64          object_counts[256];
  GHashTable      *other_object_counts;

  /* Random access (the log document): the last top-level object whose
   * parse started clean (no carried bytes, no damage being skipped), and
   * the frames delivered since. */
  guint64          resume_offset;
  gsize            resume_inner;   /* where in the inflated object stream */
  guint64          resume_frames;
  gsize            restore_inner;  /* where the next window starts */
  guint            max_ahead;      /* top-level objects read ahead */

  guint            utc : 1;
};

/* canopy-blf-scanner.c */
gsize    _canopy_blf_scanner_fill        (CanopyBlfReader  *self,
                                          gsize             want);
guint64  _canopy_blf_scanner_skip        (CanopyBlfReader  *self,
                                          guint64           n);
void     _canopy_blf_scanner_read_object (CanopyBlfReader  *self,
                                          BlfSlot          *slot);

/* canopy-blf-pipeline.c */
void     _canopy_blf_pipeline_start      (CanopyBlfReader  *self);
void     _canopy_blf_pipeline_fill       (CanopyBlfReader  *self);
void     _canopy_blf_pipeline_wait       (CanopyBlfReader  *self,
                                          BlfSlot          *slot);
void     _canopy_blf_pipeline_stop       (CanopyBlfReader  *self);
void     _canopy_blf_pipeline_reset_for_random_access (CanopyBlfReader *self);
void     _canopy_blf_slot_release        (BlfSlot          *slot);

/* canopy-blf-parser.c */
void     _canopy_blf_count_object        (CanopyBlfReader  *self,
                                          guint32           type);
gboolean _canopy_blf_parser_next         (CanopyBlfReader  *self,
                                          CanopyMessage    *msg,
                                          CanopyLogEvent  **event,
                                          GError          **error);

G_END_DECLS
