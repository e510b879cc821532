/* canopy-sqlite-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "canopy-error.h"
#include "canopy-log-reader-private.h"
#include "canopy-sqlite-reader.h"

/**
 * CanopySqliteReader:
 *
 * Reads the `messages` table written by python-can's `SqliteWriter` (and by
 * #CanopySqliteWriter), row by row: memory stays constant whatever the size
 * of the database. The layout has no channel, direction or CAN FD flags;
 * a payload longer than 8 bytes is read as a CAN FD frame.
 */

struct _CanopySqliteReader
{
  CanopyLogReader  parent_instance;
  sqlite3         *db;
  sqlite3_stmt    *select;
  guint64          row;
  gint64           last_rowid;
  guint64          max_rowid;
  guint64          file_size;
};

#define SELECT_MESSAGES \
  "SELECT ts, arbitration_id, extended, remote, error, dlc, data, rowid FROM messages"

G_DEFINE_FINAL_TYPE (CanopySqliteReader, canopy_sqlite_reader, CANOPY_TYPE_LOG_READER)

static gboolean
canopy_sqlite_reader_next (CanopyLogReader  *reader,
                           CanopyMessage    *msg,
                           GError          **error)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (reader);
  sqlite3_stmt *stmt = self->select;
  double ts;
  double whole;
  gint64 id;
  int rc;
  int len;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      _canopy_log_reader_set_progress (reader, self->file_size, self->file_size);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "%s: row %" G_GUINT64_FORMAT ": %s",
                   canopy_log_reader_get_path (reader), self->row + 1,
                   sqlite3_errmsg (self->db));
      return FALSE;
    }
  self->row++;
  self->last_rowid = sqlite3_column_int64 (stmt, 7);

  memset (msg, 0, G_STRUCT_OFFSET (CanopyMessage, data));
  msg->channel = CANOPY_CHANNEL_NONE;

  /* Whole seconds and fraction apart: a double holds both parts of a
   * current timestamp far better than their product in nanoseconds. */
  ts = sqlite3_column_double (stmt, 0);
  if (!(ts > -1e11 && ts < 1e11))
    ts = 0;
  whole = ts >= 0 ? (double) (gint64) ts : -(double) (gint64) -ts;
  msg->timestamp_ns = (gint64) whole * 1000000000 + (gint64) ((ts - whole) * 1e9 + (ts >= 0 ? 0.5 : -0.5));

  id = sqlite3_column_int64 (stmt, 1);
  if (id < 0 || id > 0x1FFFFFFF)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "%s: row %" G_GUINT64_FORMAT ": identifier %" G_GINT64_FORMAT " out of range",
                   canopy_log_reader_get_path (reader), self->row, id);
      return FALSE;
    }
  msg->arbitration_id = id;

  if (sqlite3_column_int (stmt, 2) || id > 0x7FF)
    msg->flags |= CANOPY_MESSAGE_EXTENDED;
  if (sqlite3_column_int (stmt, 4))
    msg->flags |= CANOPY_MESSAGE_ERROR;

  len = sqlite3_column_bytes (stmt, 6);
  if (len > CANOPY_MESSAGE_MAX_DATA)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "%s: row %" G_GUINT64_FORMAT ": %d data bytes, more than a CAN FD frame holds",
                   canopy_log_reader_get_path (reader), self->row, len);
      return FALSE;
    }
  if (len > 0)
    memcpy (msg->data, sqlite3_column_blob (stmt, 6), len);

  if (sqlite3_column_int (stmt, 3))
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      msg->dlc = CLAMP (sqlite3_column_int (stmt, 5), 0, 8);
    }
  else
    {
      msg->dlc = len;
      if (len > 8)
        msg->flags |= CANOPY_MESSAGE_FD;
    }

  if (self->max_rowid > 0 && (self->row & 1023) == 0)
    _canopy_log_reader_set_progress (reader,
                                     self->file_size * MIN (self->row, self->max_rowid) / self->max_rowid,
                                     self->file_size);

  return TRUE;
}

static void
canopy_sqlite_reader_finalize (GObject *object)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (object);

  g_clear_pointer (&self->select, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);

  G_OBJECT_CLASS (canopy_sqlite_reader_parent_class)->finalize (object);
}

/* Random access (the log document): rows come in rowid order, so the next
 * one is the first with a rowid above the last read. */
static gboolean
canopy_sqlite_reader_save_checkpoint (CanopyLogReader           *reader,
                                      CanopyLogReaderCheckpoint *checkpoint)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (reader);

  checkpoint->offset = self->row == 0 ? 0 : (guint64) self->last_rowid + 1;
  checkpoint->line = self->row;
  return TRUE;
}

static gboolean
canopy_sqlite_reader_restore_checkpoint (CanopyLogReader                  *reader,
                                         const CanopyLogReaderCheckpoint  *checkpoint,
                                         GError                          **error)
{
  CanopySqliteReader *self = CANOPY_SQLITE_READER (reader);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, SELECT_MESSAGES " WHERE rowid >= ? ORDER BY rowid",
                          -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_bind_int64 (stmt, 1, (gint64) MIN (checkpoint->offset, (guint64) G_MAXINT64)) != SQLITE_OK)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "%s: cannot go to row %" G_GUINT64_FORMAT ": %s",
                   canopy_log_reader_get_path (reader), checkpoint->line + 1,
                   sqlite3_errmsg (self->db));
      sqlite3_finalize (stmt);
      return FALSE;
    }

  sqlite3_finalize (self->select);
  self->select = stmt;
  self->row = checkpoint->line;
  return TRUE;
}

static void
canopy_sqlite_reader_class_init (CanopySqliteReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogReaderClass *reader_class = CANOPY_LOG_READER_CLASS (klass);

  object_class->finalize = canopy_sqlite_reader_finalize;
  reader_class->next = canopy_sqlite_reader_next;
  reader_class->save_checkpoint = canopy_sqlite_reader_save_checkpoint;
  reader_class->restore_checkpoint = canopy_sqlite_reader_restore_checkpoint;
}

static void
canopy_sqlite_reader_init (CanopySqliteReader *self)
{
}

/**
 * canopy_sqlite_reader_new:
 * @path: (type filename): an SQLite database with a `messages` table
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new reader, or %NULL if @path is not such a
 *   database
 */
CanopySqliteReader *
canopy_sqlite_reader_new (const char  *path,
                          GError     **error)
{
  g_autoptr(CanopySqliteReader) self = NULL;
  sqlite3_stmt *stmt = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_SQLITE_READER, "path", path, NULL);

  /* sqlite would create a missing file even read-only in some builds. */
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  self->file_size = st.st_size;

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }

  if (sqlite3_prepare_v2 (self->db, "SELECT max(rowid) FROM messages", -1, &stmt, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        self->max_rowid = MAX (sqlite3_column_int64 (stmt, 0), 0);
      sqlite3_finalize (stmt);
    }

  if (sqlite3_prepare_v2 (self->db,
                          SELECT_MESSAGES " ORDER BY rowid",
                          -1, &self->select, NULL) != SQLITE_OK)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "%s: not a python-can message database: %s",
                   path, sqlite3_errmsg (self->db));
      return NULL;
    }

  _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), 0, self->file_size);

  return g_steal_pointer (&self);
}
